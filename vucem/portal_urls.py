from django.http import HttpResponse
from django.urls import path

app_name = "vucem"


def _pendiente(request, *args, **kwargs):  # replaced by the vucem views
    return HttpResponse("En construcción", status=501)


urlpatterns = [
    path("", _pendiente, name="bandeja"),
    path("ingresar/", _pendiente, name="ingresar"),
    path("ingresar/rol/", _pendiente, name="seleccionar_rol"),
    path("salir/", _pendiente, name="salir"),
    path("sesion/extender/", _pendiente, name="extender_sesion"),
    path("usuarios/capturistas/", _pendiente, name="capturistas"),
]
