from django.http import HttpResponse
from django.urls import path

app_name = "tramites"


def _pendiente(request, *args, **kwargs):  # replaced by the tramites views
    return HttpResponse("En construcción", status=501)


urlpatterns = [
    path("", _pendiente, name="catalogo"),
    path("solicitud/<str:numero_temporal>/", _pendiente, name="continuar"),
]
