"""Which programs a report covers (seed 003, DESIGN §5).

The period is the previous calendar year; the table lists the RFC's programs that must
report (:func:`programas_a_reportar`). An IMMEX brings its linked programs along
("IMMEX-PROSEC"), so one choice is a :class:`GrupoProgramas`. What the report captures
depends on its programs: importaciones (c) unless an IMMEX has linked PROSEC/ALTEX/ECEX
(:func:`requiere_importaciones`), bienes producidos only for PROSEC-only reports
(:func:`requiere_bienes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from vucem.consultas import ENTERO, ConsultaCompilada

from .. import plazos
from ..models import EstatusPrograma, Programa, ReporteAnual, TipoPrograma
from ..trabajos import aplicar_vencimientos
from . import ventana

C = EstatusPrograma.CANCELADO

#: IMMEX with one of these linked captures only ventas totales (a) and exportaciones (b).
TIPOS_LIGADOS_IMMEX = (TipoPrograma.PROSEC, TipoPrograma.ALTEX, TipoPrograma.ECEX)

_ORDEN_TIPO = {t: i for i, t in enumerate(TipoPrograma.values)}  # IMMEX, PROSEC, ALTEX, ECEX


def orden(p: Programa):
    """IMMEX first, then PROSEC, ALTEX, ECEX; by número."""
    return (_ORDEN_TIPO.get(p.tipo, 99), p.numero)


_PROGRAMAS = ConsultaCompilada(
    lambda persona: Programa.objects.filter(persona=persona).order_by("tipo", "numero"),
    persona=ENTERO,
)


_PROGRAMAS_Y_FOLIOS = ConsultaCompilada(
    lambda persona, periodo: (
        Programa.objects.filter(persona=persona)
        .annotate(folio_firmado=plazos.folio_firmado_del_periodo(periodo))
        .order_by("tipo", "numero")
    ),
    persona=ENTERO,
    periodo=ENTERO,
)


#: :data:`_PROGRAMAS_Y_FOLIOS`, each program also saying whether a report holds it.
_PROGRAMAS_FOLIOS_Y_REPORTE = ConsultaCompilada(
    lambda persona, periodo, reporte: (
        Programa.objects.filter(persona=persona)
        .annotate(
            folio_firmado=plazos.folio_firmado_del_periodo(periodo),
            en_reporte=Exists(
                ReporteAnual.programas.through.objects.filter(
                    programa_id=OuterRef("pk"), reporteanual_id=reporte
                )
            ),
        )
        .order_by("tipo", "numero")
    ),
    persona=ENTERO,
    periodo=ENTERO,
    reporte=ENTERO,
)


def todos_los_programas(persona, periodo: int | None = None, reporte=None) -> list[Programa]:
    """Every program of the persona, by tipo and número (a query compiled once: the
    catálogo and the wizard read it on every visit). With ``periodo``, each comes with the
    folio of its signed report of that period, in the same query
    (:func:`raoce.plazos.folios_firmados` then reads none); with ``reporte`` too, each says
    whether that report holds it (``en_reporte``)."""
    if periodo is None:
        return _PROGRAMAS.objetos(persona=persona.pk)
    if reporte is not None:
        todos = _PROGRAMAS_FOLIOS_Y_REPORTE.objetos(
            persona=persona.pk, periodo=periodo, reporte=reporte.pk
        )
    else:
        todos = _PROGRAMAS_Y_FOLIOS.objetos(persona=persona.pk, periodo=periodo)
    for p in todos:
        plazos.recordar_folio_firmado(p, periodo, p.folio_firmado)
    return todos


def programas_a_reportar(persona, periodo: int, todos=None) -> list[Programa]:
    """The persona's programs that must file the RAOCE of ``periodo`` (see
    :func:`raoce.plazos.debe_reportar`), IMMEX first, then PROSEC, ALTEX, ECEX. ``todos``:
    :func:`todos_los_programas` when already read."""
    todos = todos_los_programas(persona) if todos is None else todos
    candidatos = [p for p in todos if p.estatus != C]
    firmados = plazos.folios_firmados(candidatos, periodo)
    programas = [
        p
        for p in candidatos
        if plazos.debe_reportar(p, periodo, folio_firmado=firmados.get(p.pk))[0]
    ]
    return sorted(programas, key=orden)


def ligados_activos(programa: Programa):
    """The program's linked programs of the same persona that are not cancelled."""
    return programa.ligados.filter(persona_id=programa.persona_id).exclude(estatus=C)


def requiere_importaciones(programas) -> bool:
    """Whether "Total importaciones (c)" is captured: False when an IMMEX has a linked
    PROSEC, ALTEX or ECEX (seed 003: those capture only ventas totales and exportaciones),
    and when there are no programs yet."""
    programas = list(programas)
    if not programas:
        return False
    for p in programas:
        if p.tipo == TipoPrograma.IMMEX:
            if ligados_activos(p).filter(tipo__in=TIPOS_LIGADOS_IMMEX).exists():
                return False
    return True


def requiere_bienes(programas) -> bool:
    """Whether the report lists bienes producidos: only PROSEC-only reports (every program
    presented is a PROSEC)."""
    programas = list(programas)
    return bool(programas) and all(p.tipo == TipoPrograma.PROSEC for p in programas)


def sectores_de(programas) -> list[str]:
    """Authorized sectors of the report's PROSEC programs (``;`` or new lines separate
    several), offered as *clave y sector* of the bienes producidos."""
    sectores: list[str] = []
    for p in programas:
        if p.tipo != TipoPrograma.PROSEC:
            continue
        for s in re.split(r"[;\n]+", p.sector or ""):
            if (s := s.strip()) and s not in sectores:
                sectores.append(s)
    return sectores


@dataclass
class GrupoProgramas:
    """What one report covers: a program, or an IMMEX with its linked programs."""

    programas: list[Programa] = field(default_factory=list)

    @property
    def principal(self) -> Programa:
        return self.programas[0]

    @property
    def clave(self) -> str:
        return str(self.principal.pk)

    @property
    def tipo(self) -> str:
        return "-".join(p.tipo for p in self.programas)

    @property
    def folio(self) -> str:
        return ",".join(p.numero for p in self.programas)

    @property
    def modalidad(self) -> str:
        return "-".join(p.modalidad for p in self.programas if p.modalidad)

    @property
    def estatus(self) -> str:
        etiquetas: list[str] = []
        for p in self.programas:
            if (e := p.get_estatus_display()) not in etiquetas:
                etiquetas.append(e)
        return ", ".join(etiquetas)

    @property
    def suspendido(self) -> bool:
        return any(p.estatus == EstatusPrograma.SUSPENDIDO for p in self.programas)

    @property
    def ids(self) -> list[int]:
        return [p.pk for p in self.programas]


#: (program, linked program) pairs of one persona's programs, compiled once.
_LIGADOS_DE_PERSONA = ConsultaCompilada(
    lambda persona: Programa.ligados.through.objects.filter(
        from_programa__persona_id=persona
    ).values("from_programa_id", "to_programa_id"),
    persona=ENTERO,
)


def _ligados(programas: list[Programa]) -> dict[int, set[int]]:
    """pk -> pks of its linked programs, of the IMMEX among ``programas`` (only those in
    ``programas`` matter to :func:`agrupar`)."""
    immex = [p for p in programas if p.tipo == TipoPrograma.IMMEX]
    if len(programas) < 2:  # an IMMEX alone: nothing of the list to take along, no query
        return {p.pk: set() for p in immex}
    personas = {p.persona_id for p in immex}
    if len(personas) != 1:
        return {p.pk: {q.pk for q in p.ligados.all()} for p in immex}
    ligados: dict[int, set[int]] = {p.pk: set() for p in immex}
    for fila in _LIGADOS_DE_PERSONA.filas(persona=personas.pop()):
        if fila["from_programa_id"] in ligados:
            ligados[fila["from_programa_id"]].add(fila["to_programa_id"])
    return ligados


def agrupar(programas) -> list[GrupoProgramas]:
    """Group the programs that must report: each IMMEX takes its linked (non-IMMEX)
    programs along; the rest stand alone."""
    disponibles = sorted(programas, key=orden)
    por_pk = {p.pk: p for p in disponibles}
    ligados_de = _ligados(disponibles)
    usados: set[int] = set()
    grupos: list[GrupoProgramas] = []
    for p in disponibles:
        if p.pk in usados or p.tipo != TipoPrograma.IMMEX:
            continue
        ligados = sorted(
            (
                por_pk[pk]
                for pk in ligados_de[p.pk]
                if pk in por_pk and pk not in usados and por_pk[pk].tipo != TipoPrograma.IMMEX
            ),
            key=orden,
        )
        grupo = GrupoProgramas([p, *ligados])
        usados.update(grupo.ids)
        grupos.append(grupo)
    for p in disponibles:
        if p.pk not in usados:
            usados.add(p.pk)
            grupos.append(GrupoProgramas([p]))
    return grupos


def programas_disponibles(persona, periodo: int) -> list[Programa]:
    """The persona's programs that must report ``periodo`` and have not reported it. Those
    past their cancellation date without a timely report are cancelled first (audited,
    as the beat job would: :func:`raoce.trabajos.aplicar_vencimientos`)."""
    _aplicar_vencimientos(persona, periodo)
    return programas_a_reportar(persona, periodo)


def _aplicar_vencimientos(persona, periodo: int) -> None:
    if periodo == ventana.periodo_a_reportar():
        aplicar_vencimientos(persona, periodo, ventana.hoy())


def grupos_disponibles(persona, periodo: int) -> list[GrupoProgramas]:
    return agrupar(programas_disponibles(persona, periodo))


def grupos_y_programas(
    persona, periodo: int, reporte=None
) -> tuple[list[GrupoProgramas], list[Programa]]:
    """:func:`grupos_disponibles` and :func:`todos_los_programas` as read for them (after the
    vencimientos), with one query for both (``reporte``: see :func:`todos_los_programas`)."""
    _aplicar_vencimientos(persona, periodo)
    todos = todos_los_programas(persona, periodo, reporte)
    return agrupar(programas_a_reportar(persona, periodo, todos)), todos


def motivos_sin_programas(persona, periodo: int, todos=None) -> list[str]:
    """Why none of the persona's programs is listed (shown when the table is empty), e.g.
    "Cancelado automáticamente el 01/09/2026 por no presentar el reporte …". ``todos``:
    :func:`todos_los_programas` when already read."""
    todos = todos_los_programas(persona) if todos is None else todos
    if not todos:
        return ["No hay programas de la Secretaría de Economía registrados para su RFC."]
    motivos = []
    firmados = plazos.folios_firmados(todos, periodo)
    for p in todos:
        debe, motivo = plazos.debe_reportar(p, periodo, folio_firmado=firmados.get(p.pk))
        if not debe and motivo:
            motivos.append(motivo)
    return motivos


def motivos_cancelacion_automatica(persona, periodo: int, todos=None) -> list[str]:
    """The persona's programs cancelled automatically for not filing ``periodo``: not
    reportable, shown with the reason under the table of those that are. ``todos``:
    :func:`todos_los_programas` when already read."""
    todos = todos_los_programas(persona) if todos is None else todos
    return [
        plazos.motivo_cancelacion_automatica(p, periodo)
        for p in todos
        if p.estatus == C and plazos.cancelado_por_no_reportar(p, periodo)
    ]
