"""URLs of the solicitud de asignación de cupo and of the dictamen back-office."""

from django.urls import path

from cupos import views_asignacion, views_dictamen

urlpatterns = [
    path("asignacion/nueva/", views_asignacion.nueva, name="asignacion_nueva"),
    path("dictamen/", views_dictamen.lista, name="dictamen_lista"),
    path("dictamen/<str:folio>/", views_dictamen.detalle, name="dictamen_detalle"),
    path("dictamen/<str:folio>/aprobar/", views_dictamen.aprobar, name="dictamen_aprobar"),
    path("dictamen/<str:folio>/rechazar/", views_dictamen.rechazar, name="dictamen_rechazar"),
    path("dictamen/<str:folio>/anexo/<int:pk>/", views_dictamen.anexo, name="dictamen_anexo"),
]
