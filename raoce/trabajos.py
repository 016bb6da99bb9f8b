"""Deadline jobs of RAOCE (DESIGN §5): suspend and cancel the programs that did not file
the annual report on time.

:func:`aplicar_plazos` is the daily beat job (``raoce.tasks.aplicar_plazos``);
:func:`aplicar_vencimientos` is the same cancellation for one persona, run by the filing path
(the wizard) so a late filing is refused even when the beat job has not run yet.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from tramites.calendario import Calendario, a_fecha

from . import plazos as modulo_plazos
from .estatus import C, S, V, cambiar_estatus, dmy, etiqueta
from .models import Programa
from .plazos import Plazos, plazos_programa, reporte_firmado

logger = logging.getLogger(__name__)


def cancelar_por_vencimiento(p: Programa, periodo: int, plazos: Plazos, *, usuario=None) -> None:
    """Automatic cancellation for not filing ``periodo`` in time (``p`` locked), audited and
    notified; shared by the beat job and the filing path."""
    cambiar_estatus(
        p,
        C,
        usuario=usuario,
        motivo=modulo_plazos.motivo_auditoria_cancelacion(periodo, plazos.fecha_oportuna),
        asunto=f"Cancelación automática del programa {etiqueta(p)}",
        cuerpo=(
            f"Su programa {etiqueta(p)} quedó cancelado automáticamente el "
            f"{dmy(plazos.cancelacion)} porque no presentó el Reporte Anual de "
            f"Operaciones de Comercio Exterior (RAOCE) {periodo} a más tardar el "
            f"{dmy(plazos.fecha_oportuna)}."
        ),
    )


def suspender_por_falta_de_reporte(p: Programa, periodo: int, plazos: Plazos) -> None:
    """Automatic suspension of an IMMEX/PROSEC past its límite without a report (``p``
    locked), audited and notified; filing by the última fecha reactivates it."""
    cambiar_estatus(
        p,
        S,
        motivo=f"No presentó el RAOCE {periodo} a más tardar el {dmy(plazos.limite)}",
        periodo_suspension=periodo,
        asunto=f"Suspensión automática del programa {etiqueta(p)}",
        cuerpo=(
            f"Su programa {etiqueta(p)} quedó suspendido automáticamente porque no "
            f"presentó el Reporte Anual de Operaciones de Comercio Exterior (RAOCE) "
            f"{periodo} a más tardar el {dmy(plazos.limite)}. Puede presentarlo "
            f"hasta el {dmy(plazos.ultima_fecha)} para evitar la cancelación, "
            f"que ocurrirá el {dmy(plazos.cancelacion)}; al presentarlo, el "
            "programa se reactiva."
        ),
    )


def aplicar_vencimientos(persona, periodo: int, hoy=None, *, usuario=None) -> list[Programa]:
    """Filing path (the wizard, outside the signing transaction): cancel the persona's
    programs that are past the cancellation date of ``periodo`` without a timely report
    (:func:`raoce.plazos.vencido`), as the beat job would, without waiting for it. Each in
    its own transaction under a row lock; returns the programs cancelled now."""
    hoy = a_fecha(hoy or modulo_plazos.hoy())
    cancelados = []
    pks = list(
        Programa.objects.filter(persona=persona)
        .exclude(estatus=C)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in pks:
        with transaction.atomic():
            p = Programa.objects.select_for_update().select_related("persona").get(pk=pk)
            if p.estatus == C or not modulo_plazos.vencido(p, periodo, hoy):
                continue
            cancelar_por_vencimiento(p, periodo, plazos_programa(p, periodo + 1), usuario=usuario)
            cancelados.append(p)
    return cancelados


def aplicar_plazos(hoy=None) -> dict:
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
    same transaction, under a row lock; running it again changes nothing (idempotent).
    Returns ``{"anio", "periodo", "suspendidos": [...], "cancelados": [...]}`` (labels).
    """
    hoy = a_fecha(hoy or modulo_plazos.hoy())
    anio, periodo = hoy.year, hoy.year - 1
    resultado: dict = {"anio": anio, "periodo": periodo, "suspendidos": [], "cancelados": []}
    if hoy < modulo_plazos.inicio_ciclo(anio):  # Plazos.inicio of every program
        return resultado
    cal = Calendario(desde=dt.date(anio, 1, 1), hasta=dt.date(anio, 12, 31))
    candidatos = list(
        Programa.objects.exclude(estatus=C)
        .filter(fecha_autorizacion__year__lte=periodo)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Suspensions first: a PROSEC's deadline (April, or May while its company holds an
    # IMMEX/ALTEX/ECEX that is not cancelled) is judged before the day's cancellations, not
    # after whichever of them happened to have a lower pk.
    for cancelar in (False, True):
        for pk in candidatos:
            with transaction.atomic():
                p = Programa.objects.select_for_update().select_related("persona").get(pk=pk)
                if p.estatus == C or p.fecha_autorizacion.year > periodo:
                    continue
                plazos = plazos_programa(p, anio, calendario=cal)
                if hoy <= plazos.limite:
                    continue
                vencido = modulo_plazos.vencido(p, periodo, hoy, calendario=cal)
                if cancelar and vencido:
                    cancelar_por_vencimiento(p, periodo, plazos)
                    resultado["cancelados"].append(etiqueta(p))
                elif (
                    not cancelar
                    and not vencido
                    and plazos.suspension is not None
                    and hoy >= plazos.suspension
                    and p.estatus == V
                    and reporte_firmado(p, periodo) is None
                ):
                    suspender_por_falta_de_reporte(p, periodo, plazos)
                    resultado["suspendidos"].append(etiqueta(p))
    if resultado["suspendidos"] or resultado["cancelados"]:
        logger.info(
            "RAOCE %s: suspendidos %s; cancelados %s",
            periodo,
            resultado["suspendidos"],
            resultado["cancelados"],
        )
    return resultado
