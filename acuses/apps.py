from django.apps import AppConfig


class AcusesConfig(AppConfig):
    verbose_name = "Acuses y resoluciones"
    name = "acuses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connect the task module's receiver of ``pdf_por_generar``.
        from acuses import tasks  # noqa: F401
