from django.urls import path

from vucem import views

app_name = "vucem"

urlpatterns = [
    path("ping/", views.ping, name="ping"),
    path("ingresar/", views.ingresar, name="ingresar"),
    path("ingresar/rol/", views.seleccionar_rol, name="seleccionar_rol"),
    path("salir/", views.salir, name="salir"),
    path("sesion/extender/", views.extender_sesion, name="extender_sesion"),
    path("usuarios/capturistas/", views.capturistas, name="capturistas"),
    path(
        "usuarios/capturistas/<int:pk>/revocar/",
        views.revocar_capturista,
        name="revocar_capturista",
    ),
]
