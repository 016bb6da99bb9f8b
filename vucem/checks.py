"""Deployment checks (``manage.py check --deploy``) of the portal shell."""

from django.conf import settings
from django.core import checks

CACHES_LOCALES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, deploy=True)
def revisar_almacen_compartido(app_configs=None, **kwargs):
    """The rate limits (public verification page) and locks must live in a store every
    gunicorn worker and container shares; a per-process cache multiplies each limit."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in CACHES_LOCALES:
        return [
            checks.Error(
                "La caché es local a cada proceso: el límite de la página pública de "
                "verificación se multiplicaría por cada worker de gunicorn.",
                hint="Defina REDIS_URL (vea .env.example).",
                id="vucem.E001",
            )
        ]
    return []
