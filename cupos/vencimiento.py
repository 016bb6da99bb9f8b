"""Expiry of certificados de cupo and asignaciones (DESIGN §3 "Jobs are set-based").

The daily beat job (``cupos.tasks.vencer_certificados``) runs :func:`vencer` and
:func:`vencer_asignaciones`. Both select only the rows whose state must change (partial indexes
``certificado_vigente_vence``, ``certificado_sin_recordatorio`` and
``asignacion_vigente_vence`` serve those queries), lock a batch of :data:`LOTE` rows
(``SKIP LOCKED``: a row another transaction holds, e.g. a certificate being cancelled, is left
for the next run), change it with one UPDATE and write its audit rows and notices with one
INSERT each, in one transaction per batch. A worker killed between batches leaves every row
fully transitioned (state + audit + notice) or untouched; the next run finishes the rest, and a
run with nothing to do costs one query per kind of change.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from acuses.models import Documento
from acuses.services import actualizar_estados_en_lote
from cupos.avisos import aviso_asignacion_vencida
from cupos.models import Asignacion, CertificadoCupo, MovimientoSaldo
from tramites.calendario import Calendario
from tramites.outbox import notificar_en_lote
from tramites.services import auditar_en_lote
from tramites.trabajos import lote_por_cambiar

logger = logging.getLogger(__name__)

#: Rows changed per transaction.
LOTE = 1000

#: Business days the holder has to return an expired certificate (seed 002: "dentro de los
#: quince días siguientes al término de su vigencia"; días hábiles per LFPA art. 28).
DIAS_DEVOLUCION = 15

CV, CX = CertificadoCupo.Estado.VIGENTE, CertificadoCupo.Estado.VENCIDO
AV, AX = Asignacion.Estado.VIGENTE, Asignacion.Estado.VENCIDA


def _motivo(fin) -> str:
    return f"Terminó su vigencia el {fin:%d/%m/%Y}"


# ------------------------------------------------------------------------- certificados


def aviso_devolucion(cert: CertificadoCupo, cal: Calendario) -> dict:
    """The one-time notice asking the holder to return an expired certificate."""
    limite = cal.sumar_dias_habiles(cert.vigencia_fin, DIAS_DEVOLUCION)
    cupo = cert.asignacion.subcupo.cupo
    return {
        "persona": cert.titular,
        "solicitud": cert.solicitud,
        "asunto": f"Devolución del certificado de cupo {cert.folio}",
        "cuerpo": (
            f"La vigencia del certificado de cupo {cert.folio} ({cupo.nombre}) terminó el "
            f"{cert.vigencia_fin:%d/%m/%Y}. El certificado es nominativo e intransferible y "
            "debe retornarse a la oficina que lo expidió dentro de los quince días hábiles "
            f"siguientes al término de su vigencia, a más tardar el {limite:%d/%m/%Y}."
        ),
    }


def _certificados(**filtro) -> QuerySet:
    return CertificadoCupo.objects.filter(**filtro).select_related(
        "titular", "solicitud", "asignacion__subcupo__cupo"
    )


def vencer_lote_certificados(
    hoy, ahora, cal: Calendario, lote: int
) -> tuple[list[CertificadoCupo], int]:
    """One transaction: certificates past their vigencia → vencido, their Documento too,
    audited, with the reminder to return them. Returns the batch (empty: nothing left) and
    how many reminders it wrote."""
    with transaction.atomic():
        filas = list(lote_por_cambiar(_certificados(estado=CV, vigencia_fin__lt=hoy), lote))
        if not filas:
            return [], 0
        pks = [c.pk for c in filas]
        a_recordar = [c for c in filas if c.recordatorio_devolucion is None]
        CertificadoCupo.objects.filter(pk__in=pks).update(estado=CX)
        CertificadoCupo.objects.filter(pk__in=[c.pk for c in a_recordar]).update(
            recordatorio_devolucion=ahora
        )
        actualizar_estados_en_lote(
            {c.documento_id: _motivo(c.vigencia_fin) for c in filas if c.documento_id},
            Documento.Estado.VENCIDO,
        )
        auditar_en_lote(CertificadoCupo, [(c.pk, CV, CX, _motivo(c.vigencia_fin)) for c in filas])
        notificar_en_lote([aviso_devolucion(c, cal) for c in a_recordar])
        for c in filas:
            c.estado = CX
        for c in a_recordar:
            c.recordatorio_devolucion = ahora
        return filas, len(a_recordar)


def recordar_lote_certificados(ahora, cal: Calendario, lote: int) -> int:
    """One transaction: certificates already vencido (by another path, or before the
    reminder existed) that were never reminded get the reminder once."""
    with transaction.atomic():
        filas = list(
            lote_por_cambiar(_certificados(estado=CX, recordatorio_devolucion__isnull=True), lote)
        )
        if filas:
            CertificadoCupo.objects.filter(pk__in=[c.pk for c in filas]).update(
                recordatorio_devolucion=ahora
            )
            notificar_en_lote([aviso_devolucion(c, cal) for c in filas])
        return len(filas)


def vencer(hoy=None, ahora=None, *, lote: int = LOTE) -> tuple[int, int]:
    """Certificates past their vigencia → vencido (audited; their Documento too), and a
    one-time reminder to return them. Returns (vencidos, recordatorios)."""
    hoy = hoy or timezone.localdate()
    ahora = ahora or timezone.now()
    cal = Calendario()
    vencidos = recordatorios = 0
    while True:
        filas, recordados = vencer_lote_certificados(hoy, ahora, cal, lote)
        if not filas:
            break
        vencidos += len(filas)
        recordatorios += recordados
    while n := recordar_lote_certificados(ahora, cal, lote):
        recordatorios += n
    if vencidos or recordatorios:
        logger.info("Certificados vencidos: %s; recordatorios: %s", vencidos, recordatorios)
    return vencidos, recordatorios


# ------------------------------------------------------------------------- asignaciones


def avisos_asignaciones_vencidas(asignaciones: list[Asignacion]) -> list[dict]:
    """The notices to each beneficiario (:func:`cupos.avisos.aviso_asignacion_vencida`), with
    the saldo not used read for the whole batch in one query; written by the job with one
    INSERT per batch. ``beneficiario`` and ``subcupo__cupo`` are already loaded."""
    saldos = dict(
        MovimientoSaldo.objects.filter(asignacion__in=asignaciones)
        .values("asignacion")
        .annotate(disponible=Sum("monto"))
        .values_list("asignacion", "disponible")
    )
    return [aviso_asignacion_vencida(a, saldos.get(a.pk) or Decimal("0")) for a in asignaciones]


def vencer_lote_asignaciones(hoy, lote: int) -> list[Asignacion]:
    """One transaction: asignaciones past their vigencia → vencida, audited and notified."""
    with transaction.atomic():
        filas = list(
            lote_por_cambiar(
                Asignacion.objects.filter(estado=AV, vigencia_fin__lt=hoy).select_related(
                    "beneficiario", "solicitud", "subcupo__cupo"
                ),
                lote,
            )
        )
        if not filas:
            return []
        Asignacion.objects.filter(pk__in=[a.pk for a in filas]).update(estado=AX)
        auditar_en_lote(Asignacion, [(a.pk, AV, AX, _motivo(a.vigencia_fin)) for a in filas])
        for a in filas:
            a.estado = AX
        avisos = avisos_asignaciones_vencidas(filas)
        if avisos:
            notificar_en_lote(avisos)
        return filas


def vencer_asignaciones(hoy=None, *, lote: int = LOTE) -> int:
    """Asignaciones past their vigencia (``vigencia_fin`` < today) → vencida, audited.
    Idempotent: only vigentes past their vigencia are read. Returns how many were marked."""
    hoy = hoy or timezone.localdate()
    vencidas = 0
    while filas := vencer_lote_asignaciones(hoy, lote):
        vencidas += len(filas)
    if vencidas:
        logger.info("Asignaciones vencidas: %s", vencidas)
    return vencidas
