from django.apps import AppConfig


class TramitesConfig(AppConfig):
    verbose_name = "Trámites"
    name = "tramites"
    default_auto_field = "django.db.models.BigAutoField"
