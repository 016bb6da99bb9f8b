import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from vucem.autenticacion import CAPTURA_PARA_ALGUIEN, olvidar_usuario
from vucem.models import ROLES_SOLICITANTE, Capturista, Rol

logger = logging.getLogger(__name__)

#: Seconds a user's "captures for someone" flag is remembered (saving or deleting one of its
#: registrations forgets it at once; a bulk update shows within this time).
VIGENCIA_CAPTURA = 60


def _clave_captura(user) -> str:
    # date_joined too: a key is never inherited by another account with a reused pk
    return f"vucem:captura_para:{user.pk}:{user.date_joined.timestamp()}"


def captura_para_alguien(user) -> bool:
    """Whether ``user`` is an active capturista of some solicitante (it may then switch
    roles): one query per minute and user instead of one per page (issue 8); a FIEL account
    served from the cache carries it (vucem.autenticacion), with no round trip of its own."""
    guardado = getattr(user, CAPTURA_PARA_ALGUIEN, None)
    if guardado is not None:
        return guardado
    clave = _clave_captura(user)
    try:
        valor = cache.get(clave)
    except Exception:  # Redis down: ask the database (never fail a page)
        logger.warning("Caché no disponible para %s", clave)
        return user.capturas_para.filter(activo=True).exists()
    if valor is None:
        valor = user.capturas_para.filter(activo=True).exists()
        try:
            cache.set(clave, valor, VIGENCIA_CAPTURA)
        except Exception:
            logger.warning("Caché no disponible para %s", clave)
    return valor


@receiver([post_save, post_delete], sender=Capturista, dispatch_uid="vucem_captura_para")
def _olvidar_captura(sender, instance, **kwargs):
    try:
        cache.delete(_clave_captura(instance.usuario))
    except Exception:  # cache down, or the account is being deleted: the TTL bounds it
        logger.warning("No se pudo olvidar la captura del usuario %s", instance.usuario_id)
    olvidar_usuario(instance.usuario_id)  # the cached account carries it too


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
            rol in ROLES_SOLICITANTE and captura_para_alguien(user)
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
