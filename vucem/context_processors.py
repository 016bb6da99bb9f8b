from django.conf import settings


def portal(request):
    return {
        "SESSION_IDLE_SECONDS": settings.SESSION_IDLE_SECONDS,
        "SESSION_WARNING_SECONDS": settings.SESSION_WARNING_SECONDS,
        "persona_activa": getattr(request, "persona", None),
        "rol_activo": getattr(request, "rol", None),
    }
