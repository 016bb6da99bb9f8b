from django.apps import AppConfig
from django.db.models.signals import post_migrate


class VucemConfig(AppConfig):
    verbose_name = "Identidad y acceso"
    name = "vucem"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from vucem import (
            checks,  # noqa: F401  (registers the deploy checks)
            context_processors,  # noqa: F401  (its cache-forgetting receiver)
        )
        from vucem.autenticacion import conectar
        from vucem.roles import al_migrar

        conectar()  # cached FIEL accounts are forgotten when saved

        # Runs after every app's permissions were created (and after test flushes).
        post_migrate.connect(al_migrar, dispatch_uid="vucem_grupos_roles")
