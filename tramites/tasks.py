"""Celery tasks of the engine: outbox delivery and the draft beat jobs."""

import logging

from celery import shared_task
from django.core.mail import get_connection
from django.dispatch import receiver

from tramites import mesa_dictamen, outbox, trabajos
from tramites.models import Notificacion

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True)
def enviar_notificacion(self, notificacion_id: int) -> bool:
    """Deliver one outbox row; on failure schedule a retry with exponential backoff.

    In eager mode no retry is scheduled in-process: the beat job re-sends it.
    """
    enviada = outbox.entregar_notificacion(notificacion_id)
    if not enviada and not self.app.conf.task_always_eager:
        _reintentar(notificacion_id)
    return enviada


def _reintentar(pk: int) -> None:
    """Schedule the next attempt of a failed delivery at its backoff time (if still due)."""
    n = Notificacion.objects.filter(pk=pk, estado=Notificacion.Estado.PENDIENTE).first()
    if n is not None:
        enviar_notificacion.apply_async((pk,), eta=n.siguiente_intento)


@shared_task(bind=True, acks_late=True)
def enviar_notificaciones(self, pks: list[int]) -> int:
    """Deliver a part of a job's notices over one mail connection; a failed one is retried
    on its own (:func:`enviar_notificacion`). Returns how many were sent."""
    conexion = get_connection()
    try:
        conexion.open()
    except Exception:  # each delivery then records its own failure and backoff
        logger.warning("No se pudo abrir la conexión de correo", exc_info=True)
        conexion = None
    enviadas = 0
    try:
        for pk in pks:
            if outbox.entregar_notificacion(pk, conexion):
                enviadas += 1
            elif not self.app.conf.task_always_eager:
                _reintentar(pk)
    finally:
        if conexion is not None:
            conexion.close()
    return enviadas


@receiver(outbox.notificacion_por_enviar)
def encolar(sender, pk: int, **kwargs) -> None:
    """Queue the delivery of an outbox row (the engine signals it after commit)."""
    enviar_notificacion.delay(pk)


@receiver(outbox.notificaciones_por_enviar)
def encolar_varias(sender, pks: list[int], **kwargs) -> None:
    """Queue the delivery of a part of a job's notices in one task."""
    enviar_notificaciones.delay(pks)


@shared_task
def reenviar_notificaciones() -> int:
    """Beat job: re-enqueue pending notifications whose next attempt is due."""
    total = 0
    for pk in outbox.notificaciones_atoradas().values_list("pk", flat=True)[:500]:
        outbox.encolar_notificacion(pk)
        total += 1
    return total


@shared_task
def expirar_borradores() -> int:
    return trabajos.expirar_borradores()


@shared_task
def recordar_borradores() -> int:
    return trabajos.recordar_borradores()


@shared_task
def avisar_plazos_dictamen() -> dict:
    """Beat job (daily): warn the assigned dictaminador and nivel central of solicitudes en
    dictamen about to exceed or exceeding their plazo (once per solicitud and kind)."""
    return mesa_dictamen.avisar_plazos()
