"""When a persona can start the annual report (the catálogo's ``Asistente.disponibilidad``).

Available from 1 April (:func:`raoce.reporte.ventana.inicio_presentacion`) when at least one
of the persona's programs must file the current period (:func:`raoce.plazos.debe_reportar`)
and is not past its cancellation date without a timely report (:func:`raoce.plazos.vencido`).
Pure reads: nothing is cancelled here (the wizard and the beat job do that).
"""

from __future__ import annotations

import datetime as dt

from tramites.registro import DISPONIBLE, Disponibilidad

from .. import plazos
from ..models import EstatusPrograma, Programa
from . import ventana
from .programas import motivos_sin_programas, orden, todos_los_programas


def _siguen_activos(todos: list[Programa], periodo: int, hoy: dt.date) -> list[Programa]:
    """Those of ``todos`` (the persona's programs) that are not cancelled and will not be
    cancelled for ``periodo``: they report again in the next cycle."""
    return [
        p
        for p in todos
        if p.estatus != EstatusPrograma.CANCELADO and not plazos.vencido(p, periodo, hoy)
    ]


def reporte_anual(persona, hoy: dt.date | None = None) -> Disponibilidad:
    hoy = hoy or ventana.hoy()
    periodo = ventana.periodo_a_reportar(hoy)
    inicio = ventana.inicio_presentacion(hoy.year)
    todos = todos_los_programas(persona, periodo)
    if hoy < inicio:
        if not _siguen_activos(todos, periodo, hoy):
            return Disponibilidad(False, " ".join(motivos_sin_programas(persona, periodo, todos)))
        return Disponibilidad(
            False,
            f"El reporte anual del periodo {periodo} se presenta a partir del {inicio:%d/%m/%Y}.",
            inicio,
        )
    motivos: list[str] = []
    programas = sorted(todos, key=orden)
    firmados = plazos.folios_firmados(programas, periodo)
    for p in programas:
        debe, motivo = plazos.debe_reportar(p, periodo, folio_firmado=firmados.get(p.pk))
        if debe and not plazos.vencido(p, periodo, hoy):
            return DISPONIBLE
        if debe:
            motivo = plazos.motivo_cancelacion_automatica(p, periodo)
        if motivo:
            motivos.append(motivo)
    if not motivos:
        motivos = motivos_sin_programas(persona, periodo, todos)
    siguiente = ventana.inicio_presentacion(hoy.year + 1)
    abre = siguiente if _siguen_activos(todos, periodo, hoy) else None
    return Disponibilidad(
        False,
        f"Ninguno de sus programas debe presentar hoy el reporte anual del periodo {periodo}. "
        + " ".join(motivos),
        abre,
    )
