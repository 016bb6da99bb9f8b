from django.apps import AppConfig


class TramitesConfig(AppConfig):
    verbose_name = "Trámites"
    name = "tramites"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each domain app registers its wizards in <app>/asistentes.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("asistentes")
        # Connect the signal receivers: lower layers' events (capturista revocations) and
        # the outbox's "queue this delivery" (tramites.tasks).
        from tramites import receivers, tasks  # noqa: F401
