from django.apps import AppConfig


class RaoceConfig(AppConfig):
    verbose_name = "RAOCE"
    name = "raoce"
    default_auto_field = "django.db.models.BigAutoField"
