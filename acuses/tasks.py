"""Celery tasks of the acuses app."""

import logging
import threading

from celery import current_app, shared_task
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver

from acuses.models import Documento
from acuses.services import generar_y_guardar, pdf_por_generar

logger = logging.getLogger(__name__)

# Errors worth retrying: database hiccups (locks, lost connections) and storage I/O.
ERRORES_TRANSITORIOS = (OperationalError, InterfaceError, OSError)


@shared_task(
    bind=True,
    autoretry_for=ERRORES_TRANSITORIOS,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)
def generar_pdf(self, documento_id: int) -> str | None:
    """Render and store the PDF of a Documento once (idempotent: a second call, or a
    concurrent one, keeps the first file). Returns the sha256 of the stored PDF."""
    try:
        doc = generar_y_guardar(documento_id)
    except Documento.DoesNotExist:
        logger.warning("generar_pdf: no existe el documento %s", documento_id)
        return None
    return doc.sha256


# Eager Celery (the embedded default) would render inside the user's request: there the
# rendering waits until the response has been sent (Django's request_finished).
_peticion = threading.local()


@receiver(request_started)
def _inicia_peticion(sender, **kwargs) -> None:
    _peticion.pendientes = []


@receiver(request_finished)
def _termina_peticion(sender, **kwargs) -> None:
    pendientes, _peticion.pendientes = getattr(_peticion, "pendientes", None), None
    for documento_id in pendientes or ():
        try:
            generar_pdf.delay(documento_id)
        except Exception:  # the download renders it on demand
            logger.exception("No se pudo generar el PDF del documento %s", documento_id)


@receiver(pdf_por_generar)
def encolar(sender, documento_id: int, **kwargs) -> None:
    """Queue the rendering of a document issued in a transaction that just committed:
    to the worker, or (eager) after the current response is sent."""
    pendientes = getattr(_peticion, "pendientes", None)
    if current_app.conf.task_always_eager and pendientes is not None:
        pendientes.append(documento_id)
    else:
        generar_pdf.delay(documento_id)


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


#: Seconds during which a download that found no PDF does not queue it again.
PEDIDO_RECIENTE = 30


def pedir_al_worker(documento_id: int) -> bool:
    """A download found no PDF: queue its rendering once more (the first task may have been
    lost). True when a worker will make it, so the page asks the user to wait instead of
    rendering inside the request (issue 8); False when this process must render it (eager
    Celery, or the broker is down)."""
    if _eager():
        return False
    clave = f"acuses:pdf-pedido:{documento_id}"
    try:
        if not cache.add(clave, 1, PEDIDO_RECIENTE):
            return True  # queued a moment ago: the worker has it
        generar_pdf.delay(documento_id)
    except Exception:  # broker or cache down: the download renders it itself
        logger.warning("No se pudo encolar el PDF del documento %s", documento_id, exc_info=True)
        try:
            cache.delete(clave)
        except Exception:
            pass
        return False
    return True
