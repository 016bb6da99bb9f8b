from django.http import HttpResponse
from django.urls import path

app_name = "acuses"


def _pendiente(request, *args, **kwargs):  # replaced by the acuses views
    return HttpResponse("En construcción", status=501)


urlpatterns = [
    path("", _pendiente, name="lista"),
    path("<int:pk>/descargar/", _pendiente, name="descargar"),
    path("verificar/", _pendiente, name="verificar"),
]
