"""RAOCE deadlines (DESIGN §5, seed 003), computed only from :mod:`tramites.calendario`.

The report filed in year ``Y`` covers the period ``Y − 1`` (the previous calendar year).

========  ==================================  ===========  ======================  ============
program   límite (due)                        suspensión   última fecha            cancelación
========  ==================================  ===========  ======================  ============
IMMEX     last business day of May            límite + 1   last business day Aug   1 Sep
PROSEC    last business day of Apr (May when  límite + 1   last business day Jun   1 Jul
          the persona also has IMMEX/ALTEX/
          ECEX)
ALTEX     last business day of May            —            —                       1 Jun
ECEX      last business day of May            —            —                       1 Jun
========  ==================================  ===========  ======================  ============

Every cycle opens on 1 April of ``Y`` (:func:`inicio_ciclo`; ``Plazos.inicio``). Every date
comes from :mod:`tramites.calendario` (``ultimo_dia_habil``; ``dia_siguiente`` and
``primer_dia_del_mes`` for the natural days). Suspension and cancellation dates are natural days
(the seed: "quedará suspendido automáticamente en caso de no presentar el RAOCE antes de la
fecha señalada"; "quedará cancelado automáticamente el 1 de septiembre").

PROSEC exception ("las empresas que también cuenten con programa IMMEX, ALTEX o ECEX"): the
PROSEC gets the May deadline when it is *linked* to an IMMEX/ALTEX/ECEX that is not cancelled,
or when its persona holds any IMMEX/ALTEX/ECEX that is not cancelled (vigente or suspendido,
whatever its authorization date). The seed speaks of the company, so a link is not required.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.utils import timezone

from tramites.calendario import Calendario, a_fecha, dia_siguiente, primer_dia_del_mes
from tramites.calendario import fecha_simulada as fecha_simulada_de
from tramites.calendario import memoria as memoria_calendario
from tramites.services import historial
from vucem.consultas import ENTERO, ConsultaCompilada

from .models import EstatusPrograma, Programa, ReporteAnual, TipoPrograma

__all__ = [
    "Plazos",
    "calcular_plazos",
    "inicio_ciclo",
    "FECHA_SIMULADA",
    "debe_reportar",
    "fecha_presentacion",
    "hoy",
    "plazos_programa",
    "primera_cancelacion",
    "prosec_con_programa_mayor",
    "reporte_firmado",
    "folios_firmados",
    "vencido",
]

#: Name of the Django setting (from the environment variable of the same name, ISO date,
#: e.g. ``2026-05-15``; see vucem/settings.py) that makes the RAOCE rules act as if today
#: were that date: the wizard's window and period, the filing date of every signed report
#: (:func:`fecha_presentacion`) and the default date of the beat job. For demos and tests
#: only (tests: ``settings.RAOCE_FECHA_SIMULADA = dt.date(...)``); the settings refuse it
#: when DEBUG is off.
FECHA_SIMULADA = "RAOCE_FECHA_SIMULADA"

#: Programs whose holder extends the PROSEC deadline to May.
TIPOS_QUE_EXTIENDEN_PROSEC = (TipoPrograma.IMMEX, TipoPrograma.ALTEX, TipoPrograma.ECEX)

# Months of the cycle (seed 003); the dates come from tramites.calendario.
MES_INICIO = 4  # "a partir del 1 de abril"
MES_LIMITE_PROSEC = 4  # last business day of April (PROSEC alone)
MES_LIMITE = 5  # last business day of May (IMMEX, ALTEX, ECEX; PROSEC with them)
MES_ULTIMA_PROSEC, MES_CANCELACION_PROSEC = 6, 7  # last business day of June; 1 July
MES_ULTIMA_IMMEX, MES_CANCELACION_IMMEX = 8, 9  # last business day of August; 1 September
MES_CANCELACION_ALTEX_ECEX = 6  # 1 June
#: Programs suspended the day after their límite: months of their última fecha and cancelación.
MESES_TRAS_SUSPENSION = {
    TipoPrograma.IMMEX: (MES_ULTIMA_IMMEX, MES_CANCELACION_IMMEX),
    TipoPrograma.PROSEC: (MES_ULTIMA_PROSEC, MES_CANCELACION_PROSEC),
}


@dataclass(frozen=True)
class Plazos:
    """Deadlines of one program for the cycle that opens in ``inicio.year``.

    ``suspension`` and ``ultima_fecha`` are ``None`` for ALTEX/ECEX (no suspension: they are
    cancelled the day after their límite).
    """

    inicio: dt.date
    limite: dt.date
    suspension: dt.date | None
    ultima_fecha: dt.date | None
    cancelacion: dt.date

    @property
    def fecha_oportuna(self) -> dt.date:
        """The last day a report still avoids cancellation (última fecha, or the límite)."""
        return self.ultima_fecha or self.limite


def fecha_simulada() -> dt.date | None:
    """The date set with the :data:`FECHA_SIMULADA` setting, or None."""
    return fecha_simulada_de(FECHA_SIMULADA)


def hoy() -> dt.date:
    """ "Today" for the RAOCE rules: the Mexico City date, or :data:`FECHA_SIMULADA`."""
    return fecha_simulada() or timezone.localdate()


def fecha_presentacion(solicitud) -> dt.date:
    """The date a report was filed: the local date of ``firmada_en`` (now while signing),
    or :data:`FECHA_SIMULADA` when set."""
    return fecha_simulada() or a_fecha(solicitud.firmada_en or timezone.now())


def inicio_ciclo(anio: int) -> dt.date:
    """The day the RAOCE filed in ``anio`` (period anio − 1) opens: 1 April, every program."""
    return primer_dia_del_mes(anio, MES_INICIO)


def _calendario(calendario: Calendario | None, anio: int) -> Calendario:
    return calendario or Calendario(desde=dt.date(anio, 1, 1), hasta=dt.date(anio, 12, 31))


def calcular_plazos(
    tipo: str,
    anio: int,
    *,
    prosec_con_immex: bool = False,
    calendario: Calendario | None = None,
) -> Plazos:
    """Deadlines of a program of ``tipo`` for the RAOCE filed in ``anio`` (period anio − 1).

    ``prosec_con_immex``: for PROSEC, the persona also has an IMMEX/ALTEX/ECEX (May deadline).
    Without ``calendario`` (the SE's), kept per process while the días inhábiles do not
    change (:data:`tramites.calendario.memoria`): alike for every program of a kind.
    """
    if calendario is None:
        clave = ("plazos", tipo, anio, tipo == TipoPrograma.PROSEC and bool(prosec_con_immex))
        return memoria_calendario.recordar(
            clave,
            lambda: _calcular_plazos(tipo, anio, clave[3], _calendario(None, anio)),
        )
    return _calcular_plazos(tipo, anio, prosec_con_immex, calendario)


def _calcular_plazos(tipo: str, anio: int, prosec_con_immex: bool, cal: Calendario) -> Plazos:
    inicio = inicio_ciclo(anio)
    if tipo in MESES_TRAS_SUSPENSION:
        mes_ultima, mes_cancelacion = MESES_TRAS_SUSPENSION[tipo]
        prosec_solo = tipo == TipoPrograma.PROSEC and not prosec_con_immex
        limite = cal.ultimo_dia_habil(anio, MES_LIMITE_PROSEC if prosec_solo else MES_LIMITE)
        return Plazos(
            inicio=inicio,
            limite=limite,
            suspension=dia_siguiente(limite),
            ultima_fecha=cal.ultimo_dia_habil(anio, mes_ultima),
            cancelacion=primer_dia_del_mes(anio, mes_cancelacion),
        )
    if tipo in (TipoPrograma.ALTEX, TipoPrograma.ECEX):
        return Plazos(
            inicio=inicio,
            limite=cal.ultimo_dia_habil(anio, MES_LIMITE),
            suspension=None,
            ultima_fecha=None,
            cancelacion=primer_dia_del_mes(anio, MES_CANCELACION_ALTEX_ECEX),
        )
    raise ValueError(f"Tipo de programa desconocido: {tipo!r}")


def primera_cancelacion(anio: int) -> dt.date:
    """The earliest cancelación date of the cycle filed in ``anio``, of any kind of program:
    before it no program can be past its deadline (:func:`vencido`). The first day of a
    month, whatever the calendar."""
    meses = [cancelacion for _, cancelacion in MESES_TRAS_SUSPENSION.values()]
    return primer_dia_del_mes(anio, min([*meses, MES_CANCELACION_ALTEX_ECEX]))


def prosec_con_programa_mayor(programa: Programa) -> bool:
    """True when the PROSEC's deadline moves to May (see the module docstring)."""
    if programa.tipo != TipoPrograma.PROSEC:
        return False
    no_cancelados = Programa.objects.filter(tipo__in=TIPOS_QUE_EXTIENDEN_PROSEC).exclude(
        estatus=EstatusPrograma.CANCELADO
    )
    if programa.pk and no_cancelados.filter(ligados=programa).exists():
        return True
    return no_cancelados.filter(persona_id=programa.persona_id).exists()


def plazos_programa(
    programa: Programa, anio: int, *, calendario: Calendario | None = None
) -> Plazos:
    """Deadlines of ``programa`` for the RAOCE filed in ``anio`` (period anio − 1)."""
    return calcular_plazos(
        programa.tipo,
        anio,
        prosec_con_immex=prosec_con_programa_mayor(programa),
        calendario=calendario,
    )


def reportes_firmados(programa: Programa, periodo: int):
    """Signed annual reports of ``periodo`` that cover ``programa`` (a draft does not count)."""
    return ReporteAnual.objects.filter(
        programas=programa, periodo=periodo, solicitud__folio__isnull=False
    )


def reporte_firmado(programa: Programa, periodo: int) -> ReporteAnual | None:
    """The first signed report of ``periodo`` covering ``programa``, or ``None``."""
    return (
        reportes_firmados(programa, periodo)
        .select_related("solicitud")
        .order_by("solicitud__firmada_en", "pk")
        .first()
    )


def _vinculos_firmados(**filtro):
    """(programa, periodo, folio) of the signed reports covering the programs of
    ``filtro``, the first signed first."""
    return (
        ReporteAnual.programas.through.objects.filter(
            **filtro, reporteanual__solicitud__folio__isnull=False
        )
        .order_by("reporteanual__solicitud__firmada_en", "reporteanual_id")
        .values("programa_id", "reporteanual__periodo", "reporteanual__solicitud__folio")
    )


#: Those of one persona's programs, every period (a few rows: one per program and year):
#: compiled once, the catálogo and the wizard ask on every visit.
_FIRMADOS_DE_PERSONA = ConsultaCompilada(
    lambda persona: _vinculos_firmados(programa__persona_id=persona), persona=ENTERO
)


def folio_firmado_del_periodo(periodo):
    """An annotation for a query of programs: the folio of each one's :func:`reporte_firmado`
    of ``periodo`` (``None``: none), read with the programs instead of afterwards."""
    # Value(): a compiled query (vucem.consultas) passes an out-of-range marker, which a plain
    # int would turn into an empty lookup
    return Subquery(
        _vinculos_firmados(
            programa_id=OuterRef("pk"),
            reporteanual__periodo=Value(periodo, output_field=IntegerField()),
        ).values("reporteanual__solicitud__folio")[:1]
    )


_FOLIOS_LEIDOS = "_raoce_folios_firmados"


def recordar_folio_firmado(programa: Programa, periodo: int, folio: str | None) -> None:
    """``folio`` (or ``None``) is the folio of the program's signed report of ``periodo``, as
    just read with the program (:func:`folio_firmado_del_periodo`): :func:`folios_firmados`
    of this instance reads it from here."""
    programa.__dict__.setdefault(_FOLIOS_LEIDOS, {})[periodo] = folio


def folios_firmados(programas, periodo: int) -> dict[int, str]:
    """The folio of :func:`reporte_firmado` of each of ``programas`` that has one (by pk), in
    one query, or none when the programs were read with theirs (:func:`recordar_folio_firmado`;
    cancelled programs and those authorized after ``periodo`` never report it: not read)."""
    elegidos = [
        p
        for p in programas
        if p.estatus != EstatusPrograma.CANCELADO and p.fecha_autorizacion.year <= periodo
    ]
    if not elegidos:
        return {}
    leidos = [p.__dict__.get(_FOLIOS_LEIDOS, {}) for p in elegidos]
    if all(periodo in f for f in leidos):
        return {p.pk: f[periodo] for p, f in zip(elegidos, leidos, strict=True) if f[periodo]}
    ids = {p.pk for p in elegidos}
    personas = {p.persona_id for p in programas}
    if len(personas) == 1:  # the usual case: the persona's programs, by persona
        filas = _FIRMADOS_DE_PERSONA.filas(persona=personas.pop())
    else:
        filas = _vinculos_firmados(programa_id__in=ids, reporteanual__periodo=periodo)
    primeros: dict[int, str] = {}
    for fila in filas:
        if fila["programa_id"] in ids and fila["reporteanual__periodo"] == periodo:
            primeros.setdefault(fila["programa_id"], fila["reporteanual__solicitud__folio"])
    return primeros


_SIN_LEER = object()


def debe_reportar(programa: Programa, periodo: int, *, folio_firmado=_SIN_LEER) -> tuple[bool, str]:
    """Whether ``programa`` must file the RAOCE of ``periodo``, and why not (Spanish).

    * cancelled programs do not report (seed 003: "si la empresa canceló su programa ya NO
      debe presentar reporte");
    * programs authorized in the filing year (periodo + 1) or later do not report;
    * a program already covered by a signed report of the period does not report again
      (a signed RAOCE cannot be modified, seed 003).

    Deadlines are *not* checked here: a late report is still owed (see
    :func:`raoce.reporte.presentacion.al_presentar_reporte` for what a late filing does).
    ``folio_firmado``: the folio of the program's :func:`reporte_firmado` (``None``: it has
    none) when already read, e.g. by :func:`folios_firmados`.
    """
    etiqueta = f"{programa.tipo} {programa.numero}"
    if programa.estatus == EstatusPrograma.CANCELADO:
        if cancelado_por_no_reportar(programa, periodo):
            return False, motivo_cancelacion_automatica(programa, periodo)
        return False, (
            f"El programa {etiqueta} está cancelado; ya no debe presentar el reporte anual."
        )
    if programa.fecha_autorizacion.year > periodo:
        return False, (
            f"El programa {etiqueta} fue autorizado en {programa.fecha_autorizacion.year}: "
            f"no presenta el reporte anual de {periodo} (los programas autorizados en el año "
            "en curso no lo presentan)."
        )
    if folio_firmado is _SIN_LEER:
        folio_firmado = folios_firmados([programa], periodo).get(programa.pk)
    if folio_firmado is not None:
        return False, (
            f"El programa {etiqueta} ya presentó el reporte anual de {periodo} con el folio "
            f"{folio_firmado}."
        )
    return True, ""


def vencido(
    programa: Programa,
    periodo: int,
    hoy: dt.date | dt.datetime,
    *,
    calendario: Calendario | None = None,
) -> bool:
    """Whether ``programa`` can no longer file the RAOCE of ``periodo`` and is due for
    automatic cancellation: ``hoy`` is on/after the cancelación date of that cycle (filed in
    ``periodo + 1``) and no signed report of the period covering it was filed by its
    ``fecha_oportuna`` (última fecha; ALTEX/ECEX: límite). Programs authorized after the
    period never are. Estatus is not looked at (callers skip cancelled programs).

    The one rule used by the beat job (:func:`raoce.trabajos.aplicar_plazos`) and by the
    filing path (wizard checks and :func:`raoce.reporte.presentacion.al_presentar_reporte`),
    so a late filing is refused even when the beat job has not run.
    """
    if programa.fecha_autorizacion.year > periodo:
        return False
    plazos = plazos_programa(programa, periodo + 1, calendario=calendario)
    if a_fecha(hoy) < plazos.cancelacion:
        return False
    return not any(
        fecha_presentacion(r.solicitud) <= plazos.fecha_oportuna
        for r in reportes_firmados(programa, periodo).select_related("solicitud")
    )


def motivo_auditoria_cancelacion(periodo: int, fecha_oportuna: dt.date) -> str:
    """The audit motivo of an automatic cancellation (beat job or filing path)."""
    return f"No presentó el RAOCE {periodo} a más tardar el {fecha_oportuna:%d/%m/%Y}"


def motivo_del_estatus(programa: Programa) -> str | None:
    """The audit motivo of the program's latest change to its current estatus, or None."""
    return (
        historial(programa)
        .filter(estado_nuevo=programa.estatus)
        .order_by("-fecha", "-pk")
        .values_list("motivo", flat=True)
        .first()
    )


def cancelado_por_no_reportar(programa: Programa, periodo: int) -> bool:
    """Whether the program's latest audited change to cancelado was the automatic
    cancellation for not filing ``periodo`` (see :func:`motivo_auditoria_cancelacion`)."""
    if programa.estatus != EstatusPrograma.CANCELADO or not programa.pk:
        return False
    ultimo = motivo_del_estatus(programa)
    return bool(ultimo) and ultimo.startswith(f"No presentó el RAOCE {periodo} a más tardar")


def motivo_cancelacion_automatica(programa: Programa, periodo: int) -> str:
    """ "Cancelado automáticamente el DD/MM/AAAA por no presentar el reporte …" (Spanish)."""
    plazos = plazos_programa(programa, periodo + 1)
    return (
        f"El programa {programa.tipo} {programa.numero}: Cancelado automáticamente el "
        f"{plazos.cancelacion:%d/%m/%Y} por no presentar el reporte anual de {periodo} a más "
        f"tardar el {plazos.fecha_oportuna:%d/%m/%Y}; ya no puede presentarlo."
    )
