from django.apps import AppConfig


class AcusesConfig(AppConfig):
    verbose_name = "Acuses y resoluciones"
    name = "acuses"
    default_auto_field = "django.db.models.BigAutoField"
