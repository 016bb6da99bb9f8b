from django.apps import AppConfig


class CuposConfig(AppConfig):
    verbose_name = "Cupos"
    name = "cupos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now: register what the public verification page shows for
        # the cupos documents (acuses asks through its registry; it never imports cupos).
        from cupos import verificacion

        verificacion.registrar()
