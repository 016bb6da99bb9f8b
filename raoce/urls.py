"""RAOCE runs on the engine's URLs (/tramites/iniciar/<vucem_id>/); /raoce/ leads there.
The back-office exports the program register here."""

from django.urls import path
from django.views.generic import RedirectView

from raoce import views

app_name = "raoce"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tramites:catalogo"), name="inicio"),
    path(
        "programas/exportar.<str:formato>",
        views.exportar_programas,
        name="programas_exportar",
    ),
]
