import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vucem.settings")
application = get_wsgi_application()


def _revisar_produccion() -> None:
    """Outside DEBUG, refuse to serve when a deployment check reports an error (e.g.
    firma.E001/E002: no Ventanilla seal or an empty FIEL trust store; vucem.E001: no shared
    cache): gunicorn's workers fail to boot instead of serving a portal that cannot sign."""
    # Imported after get_wsgi_application(): Django must be set up before the checks run.
    from django.conf import settings
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    if settings.DEBUG:
        return
    errores = [
        e
        for e in checks.run_checks(include_deployment_checks=True)
        if e.level >= checks.ERROR and not e.is_silenced()
    ]
    if errores:
        raise ImproperlyConfigured(
            "La configuración de producción tiene errores (manage.py check --deploy):\n"
            + "\n".join(f"  {e.id}: {e.msg}" for e in errores)
        )


_revisar_produccion()
