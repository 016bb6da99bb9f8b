"""URLs of the solicitud de asignación de cupo and of the dictamen back-office."""

from django.urls import path

from cupos.asignacion import views, views_mesa

urlpatterns = [
    path("asignacion/nueva/", views.nueva, name="asignacion_nueva"),
    path("dictamen/", views.lista, name="dictamen_lista"),
    path("dictamen/exportar.<str:formato>", views_mesa.exportar_cola, name="dictamen_exportar"),
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
