"""Beat jobs of RAOCE (``settings.CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from raoce import recordatorios, trabajos


@shared_task
def aplicar_plazos() -> dict:
    """Beat job (daily, early morning): suspend and cancel the programs that did not file
    the current cycle's RAOCE on time (:func:`raoce.trabajos.aplicar_plazos`). Idempotent:
    running it several times a day, or again after a failure, changes nothing more.
    Returns ``{"anio", "periodo", "suspendidos": [...], "cancelados": [...]}``."""
    return trabajos.aplicar_plazos()


@shared_task
def enviar_recordatorios(hoy: str | None = None) -> dict:
    """Beat job (daily, early morning): remind the companies that must still file the
    RAOCE 15, 5 and 1 business days before their deadlines
    (:func:`raoce.recordatorios.enviar_recordatorios`). Idempotent. ``hoy``: ISO date
    (default: today)."""
    return recordatorios.enviar_recordatorios(dt.date.fromisoformat(hoy) if hoy else None)
