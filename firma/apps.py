from django.apps import AppConfig


class FirmaConfig(AppConfig):
    verbose_name = "Firma electrónica"
    name = "firma"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
