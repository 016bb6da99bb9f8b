from django.urls import path

from tramites import views, views_historial

app_name = "tramites"

urlpatterns = [
    path("", views.catalogo, name="catalogo"),
    path("dependencia/<slug:clave>/", views.dependencia, name="dependencia"),
    path("iniciar/<int:vucem_id>/", views.iniciar, name="iniciar"),
    path("solicitud/<str:numero_temporal>/", views.continuar, name="continuar"),
    path("solicitud/<str:numero_temporal>/paso/<slug:slug>/", views.paso, name="paso"),
    path("solicitud/<str:numero_temporal>/firmar/", views.firmar, name="firmar"),
    path("solicitud/<str:numero_temporal>/registrada/", views.registrada, name="registrada"),
    path("solicitud/<str:numero_temporal>/descartar/", views.descartar, name="descartar"),
    path(
        "solicitud/<str:numero_temporal>/historial/",
        views_historial.solicitud,
        name="historial",
    ),
]
