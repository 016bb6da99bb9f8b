"""URLs of expedición and consulta de cupos (the expedición wizard itself runs on the
engine's URLs: /tramites/iniciar/120201|120202/)."""

from django.urls import path

from cupos import views_consulta

urlpatterns = [
    path("consulta/", views_consulta.consulta, name="consulta"),
]
