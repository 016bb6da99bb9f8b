"""The notification outbox: a notice is a row written in the caller's transaction; after
commit the ``notificacion_por_enviar`` signal has ``tramites.tasks`` queue its delivery, and a
beat job re-sends what is still pending. Nothing is lost if Redis or SMTP is down."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from tramites.models import Notificacion

logger = logging.getLogger(__name__)


def _nueva(
    *, asunto: str, cuerpo: str, persona=None, usuario=None, destinatario: str = "", solicitud=None
) -> Notificacion:
    correo = (
        destinatario
        or (persona.correo if persona is not None else "")
        or (usuario.email if usuario is not None else "")
    )
    return Notificacion(
        destinatario=correo,
        persona=persona,
        usuario=usuario,
        solicitud=solicitud,
        asunto=asunto[:254],
        cuerpo=cuerpo,
        estado=Notificacion.Estado.PENDIENTE if correo else Notificacion.Estado.ENVIADA,
        enviada_en=None if correo else timezone.now(),  # bandeja-only notice: nothing to send
    )


def notificar(
    *, asunto: str, cuerpo: str, persona=None, usuario=None, destinatario: str = "", solicitud=None
) -> Notificacion:
    """Write a notification to the outbox in the caller's transaction; it is sent by a
    Celery task after commit (and re-sent by a beat job if that fails)."""
    n = _nueva(
        asunto=asunto,
        cuerpo=cuerpo,
        persona=persona,
        usuario=usuario,
        destinatario=destinatario,
        solicitud=solicitud,
    )
    n.save()
    if n.estado == Notificacion.Estado.PENDIENTE:
        transaction.on_commit(lambda: encolar_notificacion(n.pk))
    return n


def notificar_en_lote(avisos: list[dict]) -> list[Notificacion]:
    """:func:`notificar` for many notices at once (the set-based jobs): one INSERT per
    batch in the caller's transaction, queued after commit."""
    creadas = Notificacion.objects.bulk_create([_nueva(**a) for a in avisos], batch_size=500)
    pks = [n.pk for n in creadas if n.estado == Notificacion.Estado.PENDIENTE]
    if pks:
        transaction.on_commit(lambda: encolar_lote(pks))
    return creadas


def encolar_lote(pks: list[int]) -> None:
    """After commit: hand a batch's notices to the delivery task."""
    for pk in pks:
        encolar_notificacion(pk)


#: Sent (after commit) for each outbox row to deliver; ``tramites.tasks`` queues the
#: delivery task. A signal keeps the engine's services free of the task module.
notificacion_por_enviar = Signal()


def encolar_notificacion(pk: int) -> None:
    try:
        notificacion_por_enviar.send(sender=Notificacion, pk=pk)
    except Exception:  # broker down: the beat job re-sends it later
        logger.warning("No se pudo encolar la notificación %s; se reintentará", pk, exc_info=True)


def backoff(intentos: int) -> timedelta:
    """Delay before the next delivery attempt: 1, 2, 4, 8… minutes, capped at 6 hours."""
    return timedelta(minutes=min(2 ** max(intentos - 1, 0), 360))


def entregar_notificacion(pk: int) -> bool:
    """Send one outbox row by e-mail. Returns True when it is (or already was) sent."""
    with transaction.atomic():
        n = Notificacion.objects.select_for_update().filter(pk=pk).first()
        if n is None or n.estado != Notificacion.Estado.PENDIENTE:
            return n is not None and n.estado == Notificacion.Estado.ENVIADA
        try:
            mail.send_mail(
                n.asunto,
                n.cuerpo,
                settings.DEFAULT_FROM_EMAIL,
                [n.destinatario],
                fail_silently=False,
            )
        except Exception as exc:
            n.intentos += 1
            n.ultimo_error = f"{type(exc).__name__}: {exc}"[:2000]
            n.siguiente_intento = timezone.now() + backoff(n.intentos)
            if n.intentos >= settings.OUTBOX_MAX_INTENTOS:
                n.estado = Notificacion.Estado.FALLIDA
            n.save(update_fields=["intentos", "ultimo_error", "siguiente_intento", "estado"])
            logger.warning(
                "Falló el envío de la notificación %s (intento %s): %s", pk, n.intentos, exc
            )
            return False
        n.estado = Notificacion.Estado.ENVIADA
        n.enviada_en = timezone.now()
        n.intentos += 1
        n.save(update_fields=["estado", "enviada_en", "intentos"])
        return True


def notificaciones_atoradas(ahora=None, gracia=timedelta(minutes=2)):
    """Pending rows whose next attempt is due (and not just created)."""
    ahora = ahora or timezone.now()
    return Notificacion.objects.filter(
        estado=Notificacion.Estado.PENDIENTE,
        siguiente_intento__lte=ahora,
        creada__lte=ahora - gracia,
    )
