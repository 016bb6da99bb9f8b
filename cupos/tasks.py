"""Beat jobs of cupos (``settings.CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from acuses.models import Documento
from cupos import saldos
from cupos.avisos import aviso_asignacion_vencida
from cupos.models import Asignacion, CertificadoCupo
from tramites.calendario import sumar_dias_habiles
from tramites.services import notificar, registrar_auditoria

logger = logging.getLogger(__name__)

#: Business days the holder has to return an expired certificate (seed 002: "dentro de los
#: quince días siguientes al término de su vigencia"; días hábiles per LFPA art. 28).
DIAS_DEVOLUCION = 15


def _recordar(cert: CertificadoCupo, ahora) -> None:
    limite = sumar_dias_habiles(cert.vigencia_fin, DIAS_DEVOLUCION)
    cupo = cert.asignacion.subcupo.cupo
    notificar(
        persona=cert.titular,
        solicitud=cert.solicitud,
        asunto=f"Devolución del certificado de cupo {cert.folio}",
        cuerpo=(
            f"La vigencia del certificado de cupo {cert.folio} ({cupo.nombre}) terminó el "
            f"{cert.vigencia_fin:%d/%m/%Y}. El certificado es nominativo e intransferible y "
            "debe retornarse a la oficina que lo expidió dentro de los quince días hábiles "
            f"siguientes al término de su vigencia, a más tardar el {limite:%d/%m/%Y}."
        ),
    )
    cert.recordatorio_devolucion = ahora


def vencer(hoy=None, ahora=None) -> tuple[int, int]:
    """Certificates past their vigencia → vencido (audited, their Documento too), and a
    one-time reminder to return them. Returns (vencidos, recordatorios)."""
    hoy = hoy or timezone.localdate()
    ahora = ahora or timezone.now()
    vencidos = recordatorios = 0
    pendientes = CertificadoCupo.objects.filter(vigencia_fin__lt=hoy).filter(
        estado=CertificadoCupo.Estado.VIGENTE
    ) | CertificadoCupo.objects.filter(
        estado=CertificadoCupo.Estado.VENCIDO, recordatorio_devolucion__isnull=True
    )
    for pk in pendientes.values_list("pk", flat=True).distinct():
        with transaction.atomic():
            cert = (
                CertificadoCupo.objects.select_for_update()
                .select_related("titular", "solicitud", "asignacion__subcupo__cupo")
                .get(pk=pk)
            )
            campos = []
            if cert.estado == CertificadoCupo.Estado.VIGENTE and cert.vigencia_fin < hoy:
                cert.estado = CertificadoCupo.Estado.VENCIDO
                campos.append("estado")
                registrar_auditoria(
                    cert,
                    anterior=CertificadoCupo.Estado.VIGENTE,
                    nuevo=CertificadoCupo.Estado.VENCIDO,
                    motivo=f"Terminó su vigencia el {cert.vigencia_fin:%d/%m/%Y}",
                )
                if cert.documento_id:
                    Documento.objects.filter(
                        pk=cert.documento_id, estado=Documento.Estado.VIGENTE
                    ).update(estado=Documento.Estado.VENCIDO)
                vencidos += 1
            if cert.estado == CertificadoCupo.Estado.VENCIDO and not cert.recordatorio_devolucion:
                _recordar(cert, ahora)
                campos.append("recordatorio_devolucion")
                recordatorios += 1
            if campos:
                cert.save(update_fields=campos)
    if vencidos or recordatorios:
        logger.info("Certificados vencidos: %s; recordatorios: %s", vencidos, recordatorios)
    return vencidos, recordatorios


def vencer_asignaciones(hoy=None) -> int:
    """Asignaciones past their vigencia (``vigencia_fin`` < today) → vencida, audited and
    notified to the beneficiario (:func:`cupos.avisos.aviso_asignacion_vencida`).
    Idempotent: only vigentes are touched, each re-checked under a row lock. Returns how
    many were marked."""
    hoy = hoy or timezone.localdate()
    vencidas = 0
    pendientes = list(
        Asignacion.objects.filter(
            estado=Asignacion.Estado.VIGENTE, vigencia_fin__lt=hoy
        ).values_list("pk", flat=True)
    )
    for pk in pendientes:
        with transaction.atomic():
            asignacion = (
                Asignacion.objects.select_for_update(of=("self",))
                .select_related("beneficiario", "solicitud", "subcupo__cupo")
                .get(pk=pk)
            )
            if asignacion.estado != Asignacion.Estado.VIGENTE or asignacion.vigencia_fin >= hoy:
                continue
            asignacion.estado = Asignacion.Estado.VENCIDA
            asignacion.save(update_fields=["estado"])
            registrar_auditoria(
                asignacion,
                anterior=Asignacion.Estado.VIGENTE,
                nuevo=Asignacion.Estado.VENCIDA,
                motivo=f"Terminó su vigencia el {asignacion.vigencia_fin:%d/%m/%Y}",
            )
            notificar(**aviso_asignacion_vencida(asignacion, saldos.disponible(asignacion)))
            vencidas += 1
    if vencidas:
        logger.info("Asignaciones vencidas: %s", vencidas)
    return vencidas


@shared_task
def vencer_certificados() -> int:
    """Beat job (daily): mark expired certificates vencido and remind their holders once;
    mark expired asignaciones vencida. Returns the number of certificates marked."""
    vencidos, _recordatorios = vencer()
    vencer_asignaciones()
    return vencidos
