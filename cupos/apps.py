from django.apps import AppConfig


class CuposConfig(AppConfig):
    verbose_name = "Cupos"
    name = "cupos"
    default_auto_field = "django.db.models.BigAutoField"
