"""Deadline jobs of RAOCE (DESIGN §3 "Jobs are set-based", §5): suspend and cancel the
programs that did not file the annual report on time.

:func:`aplicar_plazos` is the daily beat job (``raoce.tasks.aplicar_plazos``);
:func:`aplicar_vencimientos` is the same cancellation for one persona, run by the filing path
(the wizard) so a late filing is refused even when the beat job has not run yet.

Both are set-based: one query selects only the programs whose estatus must change (the
deadlines depend only on the program's tipo, the PROSEC's "has IMMEX/ALTEX/ECEX" and the
signed reports, all expressed in SQL; the index ``programa_plazos_idx`` serves it), then each
batch of :data:`LOTE` programs is locked, re-checked with the same conditions, updated with one
UPDATE and gets its audit rows and outbox notices with one INSERT each, in one transaction.
A worker killed between (or inside) batches leaves every program either fully transitioned
(estatus + audit + notice) or untouched; running again changes only what is left.

Suspensions run before cancellations, so a PROSEC's deadline (April, or May when its
company holds an IMMEX/ALTEX/ECEX that is not cancelled) is judged with the programs as they
were before the day's cancellations.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tramites.calendario import ZONA_MEXICO, Calendario, a_fecha
from tramites.outbox import notificar_en_lote
from tramites.services import auditar_en_lote

from . import plazos as modulo_plazos
from .estatus import C, S, V, dmy, etiqueta
from .models import Programa, ReporteAnual, TipoPrograma
from .plazos import TIPOS_QUE_EXTIENDEN_PROSEC, Plazos, calcular_plazos

logger = logging.getLogger(__name__)

#: Programs changed per transaction.
LOTE = 500

Textos = Callable[[Programa], tuple[str, str, str]]  # programa → (motivo, asunto, cuerpo)


# ------------------------------------------------------------------------------ messages


def textos_cancelacion(periodo: int, plazos: Plazos) -> Textos:
    """Motivo, asunto and cuerpo of an automatic cancellation for not filing ``periodo``."""

    def textos(p: Programa) -> tuple[str, str, str]:
        return (
            modulo_plazos.motivo_auditoria_cancelacion(periodo, plazos.fecha_oportuna),
            f"Cancelación automática del programa {etiqueta(p)}",
            f"Su programa {etiqueta(p)} quedó cancelado automáticamente el "
            f"{dmy(plazos.cancelacion)} porque no presentó el Reporte Anual de "
            f"Operaciones de Comercio Exterior (RAOCE) {periodo} a más tardar el "
            f"{dmy(plazos.fecha_oportuna)}.",
        )

    return textos


def textos_suspension(periodo: int, plazos: Plazos) -> Textos:
    """Motivo, asunto and cuerpo of an automatic suspension (IMMEX/PROSEC past its límite)."""

    def textos(p: Programa) -> tuple[str, str, str]:
        return (
            f"No presentó el RAOCE {periodo} a más tardar el {dmy(plazos.limite)}",
            f"Suspensión automática del programa {etiqueta(p)}",
            f"Su programa {etiqueta(p)} quedó suspendido automáticamente porque no "
            f"presentó el Reporte Anual de Operaciones de Comercio Exterior (RAOCE) "
            f"{periodo} a más tardar el {dmy(plazos.limite)}. Puede presentarlo "
            f"hasta el {dmy(plazos.ultima_fecha)} para evitar la cancelación, "
            f"que ocurrirá el {dmy(plazos.cancelacion)}; al presentarlo, el "
            "programa se reactiva.",
        )

    return textos


# ------------------------------------------------------------------------------ selection


@dataclass(frozen=True)
class Cambio:
    """One set of programs that move to ``nuevo`` with the same texts."""

    programas: QuerySet
    nuevo: str
    textos: Textos
    periodo_suspension: int | None = None


def _inicio_del_dia(fecha: dt.date) -> dt.datetime:
    return dt.datetime.combine(fecha, dt.time(0), tzinfo=ZONA_MEXICO)


def presentado(periodo: int, hasta: dt.date | None = None) -> Q:
    """Programs covered by a signed report of ``periodo`` filed by ``hasta`` (local date of
    ``firmada_en``, or ``RAOCE_FECHA_SIMULADA``; :func:`raoce.plazos.fecha_presentacion`);
    ``hasta=None``: filed on any date."""
    firmados = ReporteAnual.programas.through.objects.filter(
        programa_id=OuterRef("pk"),
        reporteanual__periodo=periodo,
        reporteanual__solicitud__folio__isnull=False,
    )
    if hasta is not None:
        simulada = modulo_plazos.fecha_simulada()
        if simulada is None:
            firmados = firmados.filter(
                reporteanual__solicitud__firmada_en__lt=_inicio_del_dia(hasta + dt.timedelta(1))
            )
        elif simulada > hasta:
            return Q(pk__in=[])  # every report counts as filed on the simulated date
    return Q(Exists(firmados))


def con_programa_mayor() -> Q:
    """PROSEC whose deadline moves to May (:func:`raoce.plazos.prosec_con_programa_mayor`):
    linked to, or of a persona holding, an IMMEX/ALTEX/ECEX that is not cancelled."""
    mayores = Programa.objects.filter(tipo__in=TIPOS_QUE_EXTIENDEN_PROSEC).exclude(estatus=C)
    ligado = Programa.ligados.through.objects.filter(
        from_programa_id=OuterRef("pk"), to_programa__in=mayores
    )
    return Q(Exists(mayores.filter(persona_id=OuterRef("persona_id")))) | Q(Exists(ligado))


def _deben_reportar(periodo: int) -> QuerySet:
    """Programs not cancelled and authorized in ``periodo`` or before."""
    return Programa.objects.exclude(estatus=C).filter(
        fecha_autorizacion__lte=dt.date(periodo, 12, 31)
    )


def cancelaciones(periodo: int, hoy: dt.date, cal: Calendario, persona=None) -> list[Cambio]:
    """Programs on/after their cancelación date of ``periodo``'s cycle without a report
    signed by their fecha oportuna (:func:`raoce.plazos.vencido`). A PROSEC's cancelación
    and última fecha do not depend on its límite."""
    cambios = []
    for tipo in TipoPrograma.values:
        plazos = calcular_plazos(tipo, periodo + 1, calendario=cal)
        if hoy < plazos.cancelacion:
            continue
        programas = _deben_reportar(periodo).filter(tipo=tipo)
        if persona is not None:
            programas = programas.filter(persona=persona)
        programas = programas.exclude(presentado(periodo, plazos.fecha_oportuna))
        cambios.append(Cambio(programas, C, textos_cancelacion(periodo, plazos)))
    return cambios


def suspensiones(periodo: int, hoy: dt.date, cal: Calendario) -> list[Cambio]:
    """IMMEX/PROSEC vigentes past their límite (from the suspensión date on, before the
    cancelación) without any signed report of ``periodo``."""
    anio = periodo + 1
    cambios = []
    for tipo, mayor in (
        (TipoPrograma.IMMEX, None),
        (TipoPrograma.PROSEC, False),
        (TipoPrograma.PROSEC, True),
    ):
        plazos = calcular_plazos(tipo, anio, prosec_con_immex=bool(mayor), calendario=cal)
        if not (plazos.limite < hoy < plazos.cancelacion and hoy >= plazos.suspension):
            continue
        programas = (
            _deben_reportar(periodo).filter(tipo=tipo, estatus=V).exclude(presentado(periodo))
        )
        if mayor is not None:
            programas = programas.filter(con_programa_mayor() if mayor else ~con_programa_mayor())
        cambios.append(Cambio(programas, S, textos_suspension(periodo, plazos), periodo))
    return cambios


# ------------------------------------------------------------------------------ applying


def _lotes(pks: list[int], tamano: int) -> Iterator[list[int]]:
    for i in range(0, len(pks), tamano):
        yield pks[i : i + tamano]


def aplicar_lote(cambio: Cambio, pks: list[int], *, usuario=None) -> list[Programa]:
    """One transaction: lock the batch, keep those that still qualify, change their
    estatus with one UPDATE and write their audit rows and notices in bulk."""
    with transaction.atomic():
        filas = list(
            cambio.programas.filter(pk__in=pks)
            .select_for_update(of=("self",))
            .select_related("persona")
            .order_by("pk")
        )
        if not filas:
            return []
        ahora = timezone.now()
        Programa.objects.filter(pk__in=[p.pk for p in filas]).update(
            estatus=cambio.nuevo, estatus_desde=ahora, periodo_suspension=cambio.periodo_suspension
        )
        cambios, avisos = [], []
        for p in filas:
            motivo, asunto, cuerpo = cambio.textos(p)
            cambios.append((p.pk, p.estatus, cambio.nuevo, motivo))
            avisos.append({"persona": p.persona, "asunto": asunto, "cuerpo": cuerpo})
            p.estatus, p.estatus_desde = cambio.nuevo, ahora
            p.periodo_suspension = cambio.periodo_suspension
        auditar_en_lote(Programa, cambios, usuario=usuario)
        notificar_en_lote(avisos)
    return filas


def aplicar(cambio: Cambio, *, usuario=None, lote: int = LOTE) -> list[Programa]:
    """Apply one change to every program it selects, batch by batch."""
    pks = list(cambio.programas.order_by("pk").values_list("pk", flat=True))
    hechos: list[Programa] = []
    for pks_lote in _lotes(pks, lote):
        hechos += aplicar_lote(cambio, pks_lote, usuario=usuario)
    return hechos


def _calendario(anio: int) -> Calendario:
    return Calendario(desde=dt.date(anio, 1, 1), hasta=dt.date(anio, 12, 31))


def aplicar_vencimientos(persona, periodo: int, hoy=None, *, usuario=None) -> list[Programa]:
    """Filing path (the wizard, outside the signing transaction): cancel the persona's
    programs that are past the cancellation date of ``periodo`` without a timely report
    (:func:`raoce.plazos.vencido`), as the beat job would, without waiting for it. Returns
    the programs cancelled now, by pk."""
    hoy = a_fecha(hoy or modulo_plazos.hoy())
    cancelados: list[Programa] = []
    for cambio in cancelaciones(periodo, hoy, _calendario(periodo + 1), persona=persona):
        cancelados += aplicar(cambio, usuario=usuario)
    return sorted(cancelados, key=lambda p: p.pk)


def aplicar_plazos(hoy=None, *, lote: int = LOTE) -> dict:
    """Suspend and cancel the programs that did not file the current cycle's RAOCE.

    Cycle: filing year ``Y = hoy.year``, period ``Y − 1``; nothing happens before 1 April
    of ``Y`` (and earlier cycles are never revisited). For every program not cancelled and
    authorized in the period or before (:func:`raoce.plazos.debe_reportar`):

    * on/after its cancelación date without a report signed by its última fecha
      (ALTEX/ECEX: by its límite) → ``cancelado``;
    * else, IMMEX/PROSEC vigente after its límite without any signed report of the period →
      ``suspendido`` (``periodo_suspension`` = period; filing by the última fecha
      reactivates it).

    Each change is audited (motivo citing the deadline) and notified to the persona in the
    same transaction as its batch; running it again changes nothing (idempotent).
    Returns ``{"anio", "periodo", "suspendidos": [...], "cancelados": [...]}`` (labels, by
    pk).
    """
    hoy = a_fecha(hoy or modulo_plazos.hoy())
    anio, periodo = hoy.year, hoy.year - 1
    resultado: dict = {"anio": anio, "periodo": periodo, "suspendidos": [], "cancelados": []}
    if hoy < modulo_plazos.inicio_ciclo(anio):  # Plazos.inicio of every program
        return resultado
    cal = _calendario(anio)
    for clave, cambios in (
        ("suspendidos", suspensiones(periodo, hoy, cal)),
        ("cancelados", cancelaciones(periodo, hoy, cal)),
    ):
        hechos: list[Programa] = []
        for cambio in cambios:
            hechos += aplicar(cambio, lote=lote)
        resultado[clave] = [etiqueta(p) for p in sorted(hechos, key=lambda p: p.pk)]
    if resultado["suspendidos"] or resultado["cancelados"]:
        logger.info(
            "RAOCE %s: suspendidos %s; cancelados %s",
            periodo,
            resultado["suspendidos"],
            resultado["cancelados"],
        )
    return resultado
