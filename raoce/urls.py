"""RAOCE runs on the engine's URLs (/tramites/iniciar/<vucem_id>/); /raoce/ leads there."""

from django.urls import path
from django.views.generic import RedirectView

app_name = "raoce"
urlpatterns = [path("", RedirectView.as_view(pattern_name="tramites:catalogo"), name="inicio")]
