"""RAOCE runs on the engine's URLs (/tramites/iniciar/<vucem_id>/); /raoce/ leads there.
The back-office exports the program register here; the solicitante's programs and their
history are here too."""

from django.urls import path
from django.views.generic import RedirectView

from raoce import views, views_programas

app_name = "raoce"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tramites:catalogo"), name="inicio"),
    path(
        "programas/exportar.<str:formato>",
        views.exportar_programas,
        name="programas_exportar",
    ),
    path("programas/", views_programas.lista, name="programas"),
    path("programas/<int:pk>/historial/", views_programas.historial, name="programa_historial"),
]
