from django.urls import path

from acuses import views

app_name = "acuses"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("<int:pk>/descargar/", views.descargar, name="descargar"),
    path("verificar/", views.verificar, name="verificar"),
]
