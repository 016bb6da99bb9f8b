from django.conf import settings

from vucem.models import ROLES_SOLICITANTE, Rol


def portal(request):
    rol = getattr(request, "rol", None)
    try:
        rol_display = Rol(rol).label if rol else ""
    except ValueError:
        rol_display = rol
    user = getattr(request, "user", None)
    puede_cambiar = False
    if user is not None and user.is_authenticated and rol:
        # Capturistas and people with several roles may switch; cheap checks only.
        puede_cambiar = rol in (Rol.CAPTURISTA_PRIVADO, Rol.CAPTURISTA_GUBERNAMENTAL) or (
            rol in ROLES_SOLICITANTE and user.capturas_para.filter(activo=True).exists()
        )
    return {
        "SESSION_IDLE_SECONDS": settings.SESSION_IDLE_SECONDS,
        "SESSION_WARNING_SECONDS": settings.SESSION_WARNING_SECONDS,
        "persona_activa": getattr(request, "persona", None),
        "rol_activo": rol,
        "rol_activo_display": rol_display,
        "es_solicitante_rol": rol in ROLES_SOLICITANTE,
        "es_staff_rol": rol in (Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL),
        "puede_cambiar_rol": puede_cambiar,
    }
