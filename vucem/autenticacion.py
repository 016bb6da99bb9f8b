"""The authentication backend of the portal: Django's ModelBackend, loading the user's own
persona with the user (issue 8: one query per request instead of two, since the acting
persona of a solicitante is the user's own; see ``vucem.middleware``).

A FIEL account (no usable password: it logs in only by signing with its e.firma) is kept in
the cache for :data:`VIGENCIA_USUARIO` seconds, so a logged-in request reads no user row.
Saving or deleting the user or its persona forgets it at once; a change made without saving
the instance (``QuerySet.update``, e.g. a bulk deactivation) is noticed within that time.
Password accounts (capturistas, staff) are always read from the database: their password
hash never goes to the cache.

The cached account carries whether it captures for someone (:data:`CAPTURA_PARA_ALGUIEN`,
read by the menu on every page), so a page reads both in one round trip; saving or deleting
one of its capturista registrations forgets the account too (vucem.context_processors)."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models import Exists, OuterRef

logger = logging.getLogger(__name__)

#: Seconds a FIEL account may be served from the cache (the bound for noticing a change that
#: did not go through ``save()``).
VIGENCIA_USUARIO = 30


#: Attribute of an account read by this backend (in the same query, an EXISTS): whether it
#: is an active capturista of some solicitante.
CAPTURA_PARA_ALGUIEN = "_vucem_captura_para_alguien"


def _capturas_activas():
    from vucem.models import Capturista

    return Capturista.objects.filter(usuario=OuterRef("pk"), activo=True)


def clave_usuario(user_id) -> str:
    return f"vucem:usuario:{user_id}"


def olvidar_usuario(user_id) -> None:
    try:
        cache.delete(clave_usuario(user_id))
    except Exception:  # cache down: nothing is served from it either
        logger.warning("No se pudo olvidar el usuario %s en la caché", user_id)


def _de_cache(user_id):
    try:
        return cache.get(clave_usuario(user_id))
    except Exception:
        return None


class ModelBackendConPersona(ModelBackend):
    def get_user(self, user_id):
        user = _de_cache(user_id)
        if user is None:
            User = get_user_model()
            try:
                user = (
                    User._default_manager.select_related("persona")
                    .annotate(**{CAPTURA_PARA_ALGUIEN: Exists(_capturas_activas())})
                    .get(pk=user_id)
                )
            except User.DoesNotExist:
                return None
            if not user.has_usable_password():
                try:
                    cache.set(clave_usuario(user_id), user, VIGENCIA_USUARIO)
                except Exception:
                    logger.warning("No se pudo guardar el usuario %s en la caché", user_id)
        return user if self.user_can_authenticate(user) else None


def conectar() -> None:
    """Forget a cached account when it or its persona is saved or deleted (apps.ready)."""
    from django.db.models.signals import post_delete, post_save

    from vucem.models import Persona

    User = get_user_model()

    def por_usuario(sender, instance, **kwargs):
        olvidar_usuario(instance.pk)

    def por_persona(sender, instance, **kwargs):
        for pk in User._default_manager.filter(persona_id=instance.pk).values_list("pk", flat=True):
            olvidar_usuario(pk)

    for senal in (post_save, post_delete):
        senal.connect(por_usuario, sender=User, dispatch_uid=f"vucem_usuario_{senal}", weak=False)
        senal.connect(
            por_persona, sender=Persona, dispatch_uid=f"vucem_persona_{senal}", weak=False
        )
