"""Beat jobs of cupos (``settings.CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task

from cupos.vencimiento import DIAS_DEVOLUCION, vencer, vencer_asignaciones

__all__ = ["DIAS_DEVOLUCION", "vencer", "vencer_asignaciones", "vencer_certificados"]


@shared_task
def vencer_certificados() -> int:
    """Beat job (daily): mark expired certificates vencido and remind their holders once;
    mark expired asignaciones vencida (set-based, ``cupos.vencimiento``). Returns the
    number of certificates marked."""
    vencidos, _recordatorios = vencer()
    vencer_asignaciones()
    return vencidos
