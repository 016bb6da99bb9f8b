"""Cupos URLs: the consulta de cupos and the asignación/dictamen package's own list (the
expedición and cancelación wizards run on the engine's URLs: /tramites/iniciar/<vucem_id>/)."""

from django.urls import path
from django.views.generic import RedirectView

from cupos import views, views_reportes
from cupos.asignacion import urls as urls_asignacion

app_name = "cupos"
urlpatterns = [
    # /cupos/ itself: the catálogo, where the cupo procedures start
    path("", RedirectView.as_view(pattern_name="tramites:catalogo"), name="inicio"),
    path("consulta/", views.consulta, name="consulta"),
    path("consulta/<int:pk>/", views_reportes.consulta_cupo, name="consulta_cupo"),
    path(
        "consulta/exportar.<str:formato>",
        views_reportes.exportar_consulta,
        name="consulta_exportar",
    ),
    *urls_asignacion.urlpatterns,
]
