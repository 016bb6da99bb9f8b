"""Cupos URLs: the consulta de cupos and the asignación/dictamen package's own list (the
expedición and cancelación wizards run on the engine's URLs: /tramites/iniciar/<vucem_id>/)."""

from django.urls import path

from cupos import views
from cupos.asignacion import urls as urls_asignacion

app_name = "cupos"
urlpatterns = [
    path("consulta/", views.consulta, name="consulta"),
    *urls_asignacion.urlpatterns,
]
