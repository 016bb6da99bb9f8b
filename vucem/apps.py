from django.apps import AppConfig


class VucemConfig(AppConfig):
    verbose_name = "Identidad y acceso"
    name = "vucem"
    default_auto_field = "django.db.models.BigAutoField"
