"""URLs of the solicitud de asignación de cupo and of the dictamen back-office."""

from django.urls import path

from cupos.asignacion import views, views_mesa, vistas_simulador

urlpatterns = [
    path("asignacion/nueva/", views.nueva, name="asignacion_nueva"),
    path("dictamen/", views.lista, name="dictamen_lista"),
    path("dictamen/exportar.<str:formato>", views_mesa.exportar_cola, name="dictamen_exportar"),
    path(
        "simulador/<int:subcupo_id>/",
        vistas_simulador.simulador_subcupo,
        name="dictamen_simulador",
    ),
    path(
        "simulador/<int:subcupo_id>/csv/",
        vistas_simulador.simulador_csv,
        name="dictamen_simulador_csv",
    ),
    path("dictamen/<str:folio>/", views.detalle, name="dictamen_detalle"),
    path("dictamen/<str:folio>/aprobar/", views.aprobar, name="dictamen_aprobar"),
    path("dictamen/<str:folio>/rechazar/", views.rechazar, name="dictamen_rechazar"),
    path("dictamen/<str:folio>/anexo/<int:pk>/", views.anexo, name="dictamen_anexo"),
    path("dictamen/<str:folio>/asignar/", views_mesa.asignar, name="dictamen_asignar"),
    path(
        "dictamen/<str:folio>/documento/<int:pk>/",
        views_mesa.documento,
        name="dictamen_documento",
    ),
]
