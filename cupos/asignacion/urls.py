"""URLs of the solicitud de asignación de cupo and of the dictamen back-office."""

from django.urls import path

from cupos.asignacion import views, views_oficios

urlpatterns = [
    path("asignacion/nueva/", views.nueva, name="asignacion_nueva"),
    path("dictamen/", views.lista, name="dictamen_lista"),
    path("dictamen/<str:folio>/", views.detalle, name="dictamen_detalle"),
    path("dictamen/<str:folio>/aprobar/", views.aprobar, name="dictamen_aprobar"),
    path("dictamen/<str:folio>/rechazar/", views.rechazar, name="dictamen_rechazar"),
    path("dictamen/<str:folio>/anexo/<int:pk>/", views.anexo, name="dictamen_anexo"),
    path(
        "dictamen/<str:folio>/documento/<int:pk>/",
        views_oficios.documento,
        name="dictamen_documento",
    ),
    path(
        "dictamen/oficio/<int:anio>/<str:numero>/revocar/",
        views_oficios.revocar,
        name="dictamen_revocar",
    ),
]
