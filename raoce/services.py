"""RAOCE services (DESIGN §5, seed 003): what the wizard asks before and at signing, and the
program-status job run by Celery beat.

Wizard helpers
    :func:`programas_a_reportar`, :func:`domicilios_invalidos`, :func:`mensaje_domicilios`,
    :func:`validar_domicilios`, :func:`requiere_importaciones`, :func:`requiere_bienes`,
    :func:`evaluar_compromisos` (figures for display before signing).

At signing
    :func:`al_presentar_reporte` runs inside the signing transaction (the solicitud already
    has its folio and seals): re-checks the programs under row locks, replicates an IMMEX
    report to its linked programs, reactivates programs suspended for this report, evaluates
    ALTEX/ECEX commitments and issues the *oficios* (ratificación / cancelación).

Beat job
    :func:`aplicar_plazos` suspends and cancels the programs that did not report on time.

Replication model (seed 003: "al presentar su reporte IMMEX, dicha información será replicada
en su reporte PROSEC, con lo que este último será reactivado"): ``ReporteAnual.solicitud`` is
one-to-one, so there is never a second ReporteAnual. The IMMEX report covers its linked
programs by having them in ``reporte.programas``: the wizard puts the IMMEX and its linked
programs there, and :func:`al_presentar_reporte` adds any linked program (same persona) that
still owes the period's report and is missing. A program "has reported" a period when a
*signed* ReporteAnual of that period lists it. ``ReporteAnual.replicado_de`` stays unused.

Status changes go through :func:`cambiar_estatus` (audited with ``registrar_auditoria``,
notified to the persona through the outbox, same transaction).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from acuses.models import Documento
from acuses.services import emitir_sellado
from tramites.calendario import Calendario, a_fecha
from tramites.services import TramiteError, notificar, registrar_auditoria
from vucem.models import Domicilio

from . import plazos as modulo_plazos
from .models import EstatusPrograma, Programa, ReporteAnual, TipoCambio, TipoPrograma
from .plazos import debe_reportar, plazos_programa, reporte_firmado, reportes_firmados

logger = logging.getLogger(__name__)

__all__ = [
    "Evaluacion",
    "aplicar_plazos",
    "aplicar_vencimientos",
    "al_presentar_reporte",
    "a_dolares",
    "cambiar_estatus",
    "domicilios_invalidos",
    "evaluar_compromisos",
    "mensaje_domicilios",
    "obtener_tipo_cambio",
    "programas_a_reportar",
    "requiere_bienes",
    "requiere_importaciones",
    "validar_domicilios",
]

# -- thresholds (seed 003, "Consideraciones generales") -------------------------------------

#: IMMEX: "ventas al exterior por un valor superior a 500,000 dólares … o facturar
#: exportaciones, cuando menos por el 10% de su facturación total". Informative only.
IMMEX_USD = Decimal("500000")
IMMEX_PORCENTAJE = Decimal("10")
#: ALTEX exportador directo: ≥ 40 % or ≥ USD 2,000,000; otherwise (indirecto) ≥ 50 %.
ALTEX_DIRECTA_PORCENTAJE = Decimal("40")
ALTEX_DIRECTA_USD = Decimal("2000000")
ALTEX_INDIRECTA_PORCENTAJE = Decimal("50")
#: ECEX: seed 003 only says "exportaciones anuales facturadas por cuenta propia de mercancías
#: no petroleras" and gives no amount. We apply the minimum annual exports of USD 250,000
#: (Decreto ECEX, consolidadora de exportación) to total exportaciones (b): b has no split
#: by own account or by oil/non-oil goods.
ECEX_USD = Decimal("250000")

FUNDAMENTO_ALTEX = (
    "Decreto para el Fomento y Operación de las Empresas Altamente Exportadoras (ALTEX), "
    "DOF 03/05/1990; Artículo Cuarto Transitorio del Decreto para el fomento de la Industria "
    "Manufacturera, Maquiladora y de Servicios de Exportación, DOF 24/12/2010."
)
FUNDAMENTO_ECEX = (
    "Decreto que establece Programas para Empresas de Comercio Exterior (ECEX), DOF "
    "11/04/1997; Artículo Cuarto Transitorio del Decreto para el fomento de la Industria "
    "Manufacturera, Maquiladora y de Servicios de Exportación, DOF 24/12/2010."
)

NOMBRES_REGISTRO = {
    TipoPrograma.ALTEX: "empresa altamente exportadora",
    TipoPrograma.ECEX: "empresa de comercio exterior",
}

TIPOS_LIGADOS_IMMEX = (TipoPrograma.PROSEC, TipoPrograma.ALTEX, TipoPrograma.ECEX)

CIEN = Decimal("100")
MIL = Decimal("1000")
CENTAVO = Decimal("0.01")

V, S, C = EstatusPrograma.VIGENTE, EstatusPrograma.SUSPENDIDO, EstatusPrograma.CANCELADO


def _dmy(fecha: dt.date) -> str:
    return f"{fecha:%d/%m/%Y}"


def _etiqueta(programa: Programa) -> str:
    return f"{programa.tipo} {programa.numero}"


def _miles(valor: Decimal | None) -> str:
    return "" if valor is None else f"{valor:,.3f}"


def _usd(valor: Decimal | None) -> str:
    return "" if valor is None else f"USD {valor:,.2f}"


# --------------------------------------------------------------------------- status


def cambiar_estatus(
    programa: Programa,
    nuevo: str,
    *,
    motivo: str,
    usuario=None,
    solicitud=None,
    asunto: str = "",
    cuerpo: str = "",
    periodo_suspension: int | None = None,
) -> bool:
    """Change a program's estatus, audited, and notify its persona (outbox).

    ``programa`` should be locked by the caller (``select_for_update``). Returns False (and
    does nothing) when it already has that estatus. ``periodo_suspension`` records the
    RAOCE whose absence suspended it (only automatic suspensions; cleared otherwise).
    """
    anterior = programa.estatus
    if anterior == nuevo:
        return False
    programa.estatus = nuevo
    programa.estatus_desde = timezone.now()
    programa.periodo_suspension = periodo_suspension if nuevo == S else None
    programa.save(update_fields=["estatus", "estatus_desde", "periodo_suspension"])
    registrar_auditoria(programa, anterior=anterior, nuevo=nuevo, usuario=usuario, motivo=motivo)
    etiqueta = _etiqueta(programa)
    notificar(
        persona=programa.persona,
        solicitud=solicitud,
        asunto=asunto or f"Programa {etiqueta}: {EstatusPrograma(nuevo).label}",
        cuerpo=cuerpo
        or (
            f"El estatus de su programa {etiqueta} cambió de «{EstatusPrograma(anterior).label}» "
            f"a «{EstatusPrograma(nuevo).label}». Motivo: {motivo}"
        ),
    )
    return True


# --------------------------------------------------------------------------- wizard helpers


def programas_a_reportar(persona, periodo: int) -> list[Programa]:
    """The persona's programs that must file the RAOCE of ``periodo`` (see
    :func:`raoce.plazos.debe_reportar`), IMMEX first, then PROSEC, ALTEX, ECEX."""
    orden = {t: i for i, t in enumerate(TipoPrograma.values)}
    programas = [
        p
        for p in Programa.objects.filter(persona=persona).exclude(estatus=C)
        if debe_reportar(p, periodo)[0]
    ]
    return sorted(programas, key=lambda p: (orden.get(p.tipo, 99), p.numero))


def domicilios_invalidos(persona) -> list[Domicilio]:
    """Plant addresses the SAT would not validate: type not allowed for the RAOCE (Local
    Comercial; Industrias, Fábricas y Talleres; Bodega; Terrenos Agropecuarios) or not
    *localizado*."""
    return [
        d
        for d in persona.domicilios.order_by("pk")
        if d.tipo not in Domicilio.TIPOS_PERMITIDOS_RAOCE or not d.localizado
    ]


def _tipos_permitidos_texto() -> str:
    orden = [
        Domicilio.Tipo.LOCAL_COMERCIAL,
        Domicilio.Tipo.INDUSTRIAS,
        Domicilio.Tipo.BODEGA,
        Domicilio.Tipo.TERRENOS_AGROPECUARIOS,
    ]
    return "; ".join(str(t.label) for t in orden if t in Domicilio.TIPOS_PERMITIDOS_RAOCE)


def mensaje_domicilios(domicilios: list[Domicilio]) -> str:
    """Spanish refusal text for invalid plant addresses (seed 003). With an empty list it
    explains that the persona has no plant address registered."""
    if domicilios:
        detalle = "; ".join(
            f"{d.calle} {d.numero_exterior}".strip()
            + (f", {d.municipio}" if d.municipio else "")
            + f" (tipo «{d.get_tipo_display()}»"
            + ("" if d.localizado else ", no localizado")
            + ")"
            for d in domicilios
        )
        inicio = (
            "No es posible presentar el reporte anual: el domicilio de planta no fue validado "
            f"({detalle})."
        )
    else:
        inicio = (
            "No es posible presentar el reporte anual: no tiene registrado ningún domicilio de "
            "planta validado."
        )
    return (
        f"{inicio} Acuda o póngase en contacto con el SAT, en la Administración Local que le "
        "corresponda, y solicite la validación del domicilio como «localizado» y la "
        "verificación del «Tipo de domicilio» en el directorio del SAT, que debe ser uno de "
        f"los siguientes: {_tipos_permitidos_texto()}. Una vez realizadas las modificaciones "
        "ante el SAT, registre el cambio en la Ventanilla Digital ante la SE dando de baja y "
        "nuevamente de alta el o los domicilios."
    )


def validar_domicilios(persona) -> str | None:
    """The refusal message when the persona cannot report because of its plant addresses
    (some invalid, or none registered), else ``None``."""
    invalidos = domicilios_invalidos(persona)
    if invalidos or not persona.domicilios.exists():
        return mensaje_domicilios(invalidos)
    return None


def _ligados_activos(programa: Programa):
    return programa.ligados.filter(persona_id=programa.persona_id).exclude(estatus=C)


def requiere_importaciones(programas) -> bool:
    """Whether "Total importaciones (c)" is captured: False when an IMMEX has a linked
    PROSEC, ALTEX or ECEX (seed 003: those capture only ventas totales and exportaciones)."""
    for p in programas:
        if p.tipo == TipoPrograma.IMMEX:
            if _ligados_activos(p).filter(tipo__in=TIPOS_LIGADOS_IMMEX).exists():
                return False
    return True


def requiere_bienes(programas) -> bool:
    """Whether the report lists bienes producidos: only PROSEC-only reports (every program
    presented is a PROSEC)."""
    programas = list(programas)
    return bool(programas) and all(p.tipo == TipoPrograma.PROSEC for p in programas)


# --------------------------------------------------------------------------- figures


def obtener_tipo_cambio(periodo: int) -> Decimal:
    """Average exchange rate of ``periodo`` (pesos per dollar) from the back-office table.

    Raises :class:`TramiteError` (aborts the signing) when it is not registered or is not
    greater than zero."""
    tc = TipoCambio.objects.filter(anio=periodo).values_list("pesos_por_dolar", flat=True).first()
    if tc is None:
        raise TramiteError(
            f"No está registrado el tipo de cambio promedio de {periodo}, necesario para "
            "convertir a dólares el reporte anual. Intente más tarde; si el problema persiste, "
            "comuníquese con atencion.immex@economia.gob.mx.",
            "raoce_sin_tipo_cambio",
        )
    if tc <= 0:
        # The admin refuses it (MinValueValidator), but a row written another way must not
        # reach a_dolares (division by zero → HTTP 500 at signing).
        raise TramiteError(
            f"El tipo de cambio promedio de {periodo} registrado ({tc} pesos por dólar) no es "
            "válido: debe ser mayor que cero. No es posible convertir a dólares el reporte "
            "anual; intente más tarde o comuníquese con atencion.immex@economia.gob.mx.",
            "raoce_tipo_cambio_invalido",
        )
    return tc


def a_dolares(miles_de_pesos: Decimal, pesos_por_dolar: Decimal) -> Decimal:
    """Miles de pesos → dollars (two decimals, half up)."""
    return (Decimal(miles_de_pesos) * MIL / Decimal(pesos_por_dolar)).quantize(
        CENTAVO, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Evaluacion:
    """Commitment check of one program against a report's figures."""

    programa: Programa
    cumple: bool
    regla: str  # the rule applied, in Spanish
    porcentaje: Decimal | None
    dolares: Decimal | None

    @property
    def texto(self) -> str:
        return f"{'Cumple' if self.cumple else 'No cumple'}: {self.regla}"


def _porcentaje_cumple(a: Decimal, b: Decimal, minimo: Decimal) -> bool:
    """b / a · 100 ≥ minimo, exactly (no rounding)."""
    return a > 0 and b * CIEN >= minimo * a


def evaluar_programa(
    programa: Programa,
    ventas: Decimal,
    exportaciones: Decimal,
    tipo_cambio: Decimal | None,
) -> Evaluacion | None:
    """Evaluate IMMEX (informative), ALTEX and ECEX commitments; ``None`` for PROSEC.

    ``ventas`` and ``exportaciones`` in miles de pesos. IMMEX tolerates a missing
    ``tipo_cambio`` (only the percentage is checked); ALTEX/ECEX need it.
    """
    a, b = Decimal(ventas), Decimal(exportaciones)
    pct = (b / a * CIEN).quantize(CENTAVO, rounding=ROUND_HALF_UP) if a > 0 else None
    usd = a_dolares(b, tipo_cambio) if tipo_cambio else None
    if programa.tipo == TipoPrograma.IMMEX:
        cumple = _porcentaje_cumple(a, b, IMMEX_PORCENTAJE) or (usd is not None and usd > IMMEX_USD)
        regla = (
            f"ventas al exterior superiores a {_usd(IMMEX_USD)} o exportaciones de al menos el "
            f"{IMMEX_PORCENTAJE} % de la facturación total"
        )
        return Evaluacion(programa, cumple, regla, pct, usd)
    if programa.tipo == TipoPrograma.ALTEX:
        if tipo_cambio is None:
            raise ValueError("ALTEX requiere tipo de cambio")
        if programa.exportacion_directa:
            cumple = _porcentaje_cumple(a, b, ALTEX_DIRECTA_PORCENTAJE) or usd >= ALTEX_DIRECTA_USD
            regla = (
                f"exportador directo: exportaciones iguales o mayores al "
                f"{ALTEX_DIRECTA_PORCENTAJE} % de las ventas totales o a {_usd(ALTEX_DIRECTA_USD)}"
            )
        else:
            cumple = _porcentaje_cumple(a, b, ALTEX_INDIRECTA_PORCENTAJE)
            regla = (
                f"exportaciones iguales o mayores al {ALTEX_INDIRECTA_PORCENTAJE} % de las "
                "ventas totales"
            )
        return Evaluacion(programa, cumple, regla, pct, usd)
    if programa.tipo == TipoPrograma.ECEX:
        if tipo_cambio is None:
            raise ValueError("ECEX requiere tipo de cambio")
        cumple = usd >= ECEX_USD
        regla = f"exportaciones anuales iguales o mayores a {_usd(ECEX_USD)}"
        return Evaluacion(programa, cumple, regla, pct, usd)
    return None


def evaluar_compromisos(
    reporte: ReporteAnual, programas=None, *, exigir_tipo_cambio: bool = True
) -> tuple[Decimal | None, list[Evaluacion]]:
    """(tipo de cambio, evaluations) for the report's programs (or ``programas``).

    With ALTEX/ECEX among them a missing exchange rate raises :class:`TramiteError` when
    ``exigir_tipo_cambio`` (at signing); for display pass False and get no ALTEX/ECEX
    evaluation instead. IMMEX without a rate is evaluated by percentage only.
    """
    programas = list(reporte.programas.all() if programas is None else programas)
    if reporte.ventas_totales is None or reporte.total_exportaciones is None:
        return None, []
    requiere_tc = any(p.tipo in NOMBRES_REGISTRO for p in programas)
    tc = None
    try:
        tc = obtener_tipo_cambio(reporte.periodo)
    except TramiteError:
        if requiere_tc and exigir_tipo_cambio:
            raise
    evaluaciones = []
    for p in programas:
        if p.tipo in NOMBRES_REGISTRO and tc is None:
            continue
        ev = evaluar_programa(p, reporte.ventas_totales, reporte.total_exportaciones, tc)
        if ev is not None:
            evaluaciones.append(ev)
    return tc, evaluaciones


# --------------------------------------------------------------------------- at signing


def _bloquear(pks) -> list[Programa]:
    return list(
        Programa.objects.select_for_update()
        .filter(pk__in=list(pks))
        .select_related("persona")
        .order_by("pk")
    )


def _verificar_programas(
    reporte: ReporteAnual, programas: list[Programa], fecha: dt.date | None = None
) -> None:
    s = reporte.solicitud
    fecha = fecha or modulo_plazos.fecha_presentacion(s)
    if not programas:
        raise TramiteError("Seleccione al menos un programa para presentar el reporte anual.")
    for p in programas:
        if p.persona_id != s.solicitante_id:
            raise TramiteError(f"El programa {_etiqueta(p)} no pertenece al solicitante.")
        if p.estatus == C:
            raise TramiteError(
                f"El programa {_etiqueta(p)} está cancelado; ya no debe presentar el reporte anual."
            )
        if p.fecha_autorizacion.year > reporte.periodo:
            raise TramiteError(debe_reportar(p, reporte.periodo)[1])
        if modulo_plazos.vencido(p, reporte.periodo, fecha):
            # The wizard's checks (outside the signing transaction) have already applied
            # the cancellation (aplicar_vencimientos); this rolls the signing back.
            raise TramiteError(modulo_plazos.motivo_cancelacion_automatica(p, reporte.periodo))
        otro = reportes_firmados(p, reporte.periodo).exclude(pk=reporte.pk).first()
        if otro is not None:
            raise TramiteError(
                f"El programa {_etiqueta(p)} ya presentó el reporte anual de {reporte.periodo} "
                f"con el folio {otro.solicitud.folio}; un reporte firmado no puede modificarse."
            )


def _replicar(reporte: ReporteAnual, programas: list[Programa]) -> list[Programa]:
    """Add to the report the linked programs of its IMMEX that still owe the period."""
    presentes = {p.pk for p in programas}
    nuevos = []
    for p in programas:
        if p.tipo != TipoPrograma.IMMEX:
            continue
        for ligado in _ligados_activos(p).order_by("pk"):
            if ligado.pk in presentes or not debe_reportar(ligado, reporte.periodo)[0]:
                continue
            presentes.add(ligado.pk)
            nuevos.append(ligado.pk)
    if not nuevos:
        return []
    replicados = _bloquear(nuevos)
    reporte.programas.add(*replicados)
    return replicados


def _emitir_oficio(
    reporte: ReporteAnual, ev: Evaluacion, tc: Decimal, fecha: dt.date, *, ratifica: bool
):
    s = reporte.solicitud
    p = ev.programa
    persona = s.solicitante
    registro = NOMBRES_REGISTRO[p.tipo]
    clase = "ratificación" if ratifica else "cancelación"
    titulo = f"Oficio de {clase} de registro de {registro}"
    fundamento = FUNDAMENTO_ALTEX if p.tipo == TipoPrograma.ALTEX else FUNDAMENTO_ECEX
    cifras = (
        f"ventas totales por {_miles(reporte.ventas_totales)} miles de pesos y exportaciones por "
        f"{_miles(reporte.total_exportaciones)} miles de pesos, equivalentes a {_usd(ev.dolares)} "
        f"al tipo de cambio promedio de {reporte.periodo} de {tc} pesos por dólar"
        + (f" ({ev.porcentaje} % de sus ventas totales)" if ev.porcentaje is not None else "")
    )
    antecedente = (
        f"{persona.nombre}, con RFC {persona.rfc}, presentó el {_dmy(fecha)} el Reporte Anual de "
        f"Operaciones de Comercio Exterior del ejercicio {reporte.periodo} con el folio {s.folio}, "
        f"en el que manifestó {cifras}."
    )
    if ratifica:
        texto = (
            f"{antecedente}\n\nLa empresa cumple con el compromiso de exportación del programa "
            f"{p.tipo} ({ev.regla}).\n\nEn consecuencia, esta Secretaría ratifica el registro "
            f"{p.numero} de {registro} ({p.tipo}) de {persona.nombre}."
        )
        resultado = "Registro ratificado"
    else:
        texto = (
            f"{antecedente}\n\nLa empresa no cumple con el compromiso de exportación del programa "
            f"{p.tipo} ({ev.regla}).\n\nEn consecuencia, esta Secretaría cancela el registro "
            f"{p.numero} de {registro} ({p.tipo}) de {persona.nombre} a partir de la fecha de "
            "este oficio."
        )
        resultado = "Registro cancelado"
    campos = [
        ("folio", s.folio),
        ("oficio", "RATIFICACION" if ratifica else "CANCELACION"),
        ("programa", p.tipo),
        ("registro", p.numero),
        ("rfc", persona.rfc),
        ("periodo", reporte.periodo),
        ("ventas_totales", reporte.ventas_totales),
        ("total_exportaciones", reporte.total_exportaciones),
        ("tipo_cambio", tc),
        ("exportaciones_usd", ev.dolares),
        ("porcentaje_exportacion", ev.porcentaje),
        ("fecha", fecha.isoformat()),
    ]
    return emitir_sellado(
        solicitud=s,
        tipo=Documento.Tipo.OFICIO,
        titulo=titulo,
        encabezado="OFICIO",
        campos_cadena=campos,
        con_sello_solicitante=True,
        contexto={
            "resultado": resultado,
            "texto": texto,
            "fundamento": fundamento,
            "programa": {"tipo": p.tipo, "numero": p.numero, "modalidad": p.modalidad},
            "periodo": reporte.periodo,
            "lineas": [
                {"etiqueta": "Programa", "valor": f"{p.tipo} {p.numero}"},
                {
                    "etiqueta": "Periodo que cubre el reporte",
                    "valor": f"01-{reporte.periodo} a 12-{reporte.periodo}",
                },
                {
                    "etiqueta": "Ventas totales (a), miles de pesos",
                    "valor": _miles(reporte.ventas_totales),
                },
                {
                    "etiqueta": "Total exportaciones (b), miles de pesos",
                    "valor": _miles(reporte.total_exportaciones),
                },
                {
                    "etiqueta": "Porcentaje de exportación b/a*100",
                    "valor": "" if ev.porcentaje is None else f"{ev.porcentaje} %",
                },
                {
                    "etiqueta": f"Tipo de cambio promedio {reporte.periodo}",
                    "valor": f"{tc} pesos por dólar",
                },
                {"etiqueta": "Exportaciones en dólares", "valor": _usd(ev.dolares)},
                {"etiqueta": "Compromiso de exportación", "valor": ev.texto},
            ],
        },
    )


@dataclass
class Presentacion:
    """What presenting a report did: the oficios issued and the acuse rows that describe it
    (``presentados``: period and programs; ``efectos``: reactivations and commitments)."""

    documentos: list
    presentados: list[dict]
    efectos: list[dict]


def al_presentar_reporte(reporte: ReporteAnual, *, usuario) -> Presentacion:
    """Effects of a signed annual report; call it from the wizard's ``al_firmar``, inside the
    signing transaction (the solicitud already has its folio, cadena and seals).

    1. Locks the report's programs and re-checks them (same persona, not cancelled, not
       authorized after the period, not already covered by another signed report):
       otherwise :class:`TramiteError` aborts the signing.
    2. IMMEX: its linked programs (PROSEC, ALTEX, ECEX of the same persona) that still owe
       the period are added to ``reporte.programas`` (replication, see the module docstring).
    3. A program suspended automatically for *this* period's report
       (``periodo_suspension``) is reactivated (vigente-activo, audited, notified) when the
       report is filed by its última fecha (local date of ``firmada_en``). Later filings do
       not reactivate it; the beat job cancels it on the cancellation date. Manual
       suspensions (back-office) are not lifted by filing.
    4. ALTEX/ECEX: b is converted to dollars with the period's ``TipoCambio`` (missing →
       ``TramiteError``), the commitment is evaluated; meeting it issues an *oficio de
       ratificación*; an ALTEX below it gets an *oficio de cancelación* and is cancelled
       (audited, notified). An ECEX below it keeps its estatus and gets no oficio (the seed
       foresees automatic cancellation only for ALTEX); the acuse says so.
    5. Describes it for the acuse de recepción: programs covered, exchange rate, exports in
       dollars, the IMMEX threshold (informative, no status change).

    Returns a :class:`Presentacion` (the oficios issued, in program order, and the rows).
    """
    s = reporte.solicitud
    if not s.folio:
        raise ValueError("al_presentar_reporte() requires a signed solicitud (with folio)")
    fecha = modulo_plazos.fecha_presentacion(s)
    periodo = reporte.periodo
    anio = periodo + 1
    programas = _bloquear(reporte.programas.values_list("pk", flat=True))
    _verificar_programas(reporte, programas, fecha)
    replicados = _replicar(reporte, programas)
    todos = sorted(
        [*programas, *replicados],
        key=lambda p: (TipoPrograma.values.index(p.tipo), p.numero),
    )

    cal = Calendario(desde=dt.date(anio, 1, 1), hasta=dt.date(anio, 12, 31))
    presentados: list[dict] = [
        {"etiqueta": "Periodo que cubre el reporte", "valor": f"01-{periodo} a 12-{periodo}"},
        {
            "etiqueta": "Programas presentados",
            "valor": ", ".join(
                _etiqueta(p) + (" (replicado del reporte IMMEX)" if p in replicados else "")
                for p in todos
            ),
        },
    ]
    lineas: list[dict] = []

    # -- reactivation -----------------------------------------------------------------
    for p in todos:
        if p.estatus != S or p.periodo_suspension != periodo:
            continue
        plazos = plazos_programa(p, anio, calendario=cal)
        if plazos.ultima_fecha is None or fecha > plazos.ultima_fecha:
            lineas.append(
                {
                    "etiqueta": f"Estatus {_etiqueta(p)}",
                    "valor": (
                        f"Suspendido: el reporte se presentó después del "
                        f"{_dmy(plazos.fecha_oportuna)}"
                    ),
                }
            )
            continue
        motivo = f"Presentó el RAOCE {periodo} el {_dmy(fecha)} con el folio {s.folio}" + (
            " (replicado del reporte IMMEX)" if p in replicados else ""
        )
        cambiar_estatus(
            p,
            V,
            usuario=usuario,
            solicitud=s,
            motivo=motivo,
            asunto=f"Reactivación del programa {_etiqueta(p)}",
            cuerpo=(
                f"Su programa {_etiqueta(p)} fue reactivado (Vigente - Activo) porque presentó "
                f"el Reporte Anual de Operaciones de Comercio Exterior {periodo} el {_dmy(fecha)} "
                f"con el folio {s.folio}."
            ),
        )
        lineas.append({"etiqueta": f"Estatus {_etiqueta(p)}", "valor": "Reactivado"})

    # -- commitments ------------------------------------------------------------------
    documentos = []
    tc, evaluaciones = evaluar_compromisos(reporte, todos)
    if tc is not None and reporte.tipo_cambio != tc:
        reporte.tipo_cambio = tc
        reporte.save(update_fields=["tipo_cambio"])
    if tc is not None and reporte.total_exportaciones is not None:
        lineas.append(
            {"etiqueta": f"Tipo de cambio promedio {periodo}", "valor": f"{tc} pesos por dólar"}
        )
        lineas.append(
            {
                "etiqueta": "Total exportaciones en dólares",
                "valor": _usd(a_dolares(reporte.total_exportaciones, tc)),
            }
        )
    for ev in evaluaciones:
        p = ev.programa
        if p.tipo == TipoPrograma.IMMEX:
            nota = "" if ev.dolares is not None else " (sin tipo de cambio registrado)"
            lineas.append({"etiqueta": f"Compromiso {_etiqueta(p)}", "valor": ev.texto + nota})
            continue
        oportuna = plazos_programa(p, anio, calendario=cal).fecha_oportuna
        if ev.cumple and fecha > oportuna:
            lineas.append(
                {
                    "etiqueta": f"Compromiso {_etiqueta(p)}",
                    "valor": (
                        f"{ev.texto}. El reporte se presentó después del {_dmy(oportuna)}: "
                        "no se emite oficio de ratificación."
                    ),
                }
            )
        elif ev.cumple:
            documentos.append(_emitir_oficio(reporte, ev, tc, fecha, ratifica=True))
            lineas.append(
                {
                    "etiqueta": f"Compromiso {_etiqueta(p)}",
                    "valor": f"{ev.texto}. Se emitió el oficio de ratificación.",
                }
            )
        elif p.tipo == TipoPrograma.ALTEX:
            documentos.append(_emitir_oficio(reporte, ev, tc, fecha, ratifica=False))
            cambiar_estatus(
                p,
                C,
                usuario=usuario,
                solicitud=s,
                motivo=(
                    f"RAOCE {periodo} (folio {s.folio}): no cumple el compromiso de exportación "
                    f"ALTEX ({ev.regla}); oficio de cancelación emitido"
                ),
                asunto=f"Oficio de cancelación del registro {_etiqueta(p)}",
                cuerpo=(
                    f"Con base en su reporte anual {periodo} (folio {s.folio}), su registro "
                    f"{_etiqueta(p)} fue cancelado por no cumplir el compromiso de exportación "
                    f"({ev.regla}). Descargue el oficio en «Acuses y resoluciones»."
                ),
            )
            lineas.append(
                {
                    "etiqueta": f"Compromiso {_etiqueta(p)}",
                    "valor": f"{ev.texto}. Se emitió el oficio de cancelación.",
                }
            )
        else:
            lineas.append(
                {
                    "etiqueta": f"Compromiso {_etiqueta(p)}",
                    "valor": f"{ev.texto}. No se emite oficio de ratificación.",
                }
            )
    return Presentacion(documentos=documentos, presentados=presentados, efectos=lineas)


# --------------------------------------------------------------------------- beat job


def _cancelar_por_vencimiento(p: Programa, periodo: int, plazos, *, usuario=None) -> None:
    """Automatic cancellation for not filing ``periodo`` in time (``p`` locked), audited and
    notified; shared by the beat job and the filing path."""
    etiqueta = _etiqueta(p)
    cambiar_estatus(
        p,
        C,
        usuario=usuario,
        motivo=modulo_plazos.motivo_auditoria_cancelacion(periodo, plazos.fecha_oportuna),
        asunto=f"Cancelación automática del programa {etiqueta}",
        cuerpo=(
            f"Su programa {etiqueta} quedó cancelado automáticamente el "
            f"{_dmy(plazos.cancelacion)} porque no presentó el Reporte Anual de "
            f"Operaciones de Comercio Exterior (RAOCE) {periodo} a más tardar el "
            f"{_dmy(plazos.fecha_oportuna)}."
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
            _cancelar_por_vencimiento(p, periodo, plazos_programa(p, periodo + 1), usuario=usuario)
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
    for pk in candidatos:
        with transaction.atomic():
            p = Programa.objects.select_for_update().select_related("persona").get(pk=pk)
            if p.estatus == C or p.fecha_autorizacion.year > periodo:
                continue
            plazos = plazos_programa(p, anio, calendario=cal)
            if hoy <= plazos.limite:
                continue
            reporte = reporte_firmado(p, periodo)
            etiqueta = _etiqueta(p)
            if modulo_plazos.vencido(p, periodo, hoy, calendario=cal):
                _cancelar_por_vencimiento(p, periodo, plazos)
                resultado["cancelados"].append(etiqueta)
            elif (
                plazos.suspension is not None
                and hoy >= plazos.suspension
                and p.estatus == V
                and reporte is None
            ):
                motivo = f"No presentó el RAOCE {periodo} a más tardar el {_dmy(plazos.limite)}"
                cambiar_estatus(
                    p,
                    S,
                    motivo=motivo,
                    periodo_suspension=periodo,
                    asunto=f"Suspensión automática del programa {etiqueta}",
                    cuerpo=(
                        f"Su programa {etiqueta} quedó suspendido automáticamente porque no "
                        f"presentó el Reporte Anual de Operaciones de Comercio Exterior (RAOCE) "
                        f"{periodo} a más tardar el {_dmy(plazos.limite)}. Puede presentarlo "
                        f"hasta el {_dmy(plazos.ultima_fecha)} para evitar la cancelación, "
                        f"que ocurrirá el {_dmy(plazos.cancelacion)}; al presentarlo, el "
                        "programa se reactiva."
                    ),
                )
                resultado["suspendidos"].append(etiqueta)
    if resultado["suspendidos"] or resultado["cancelados"]:
        logger.info(
            "RAOCE %s: suspendidos %s; cancelados %s",
            periodo,
            resultado["suspendidos"],
            resultado["cancelados"],
        )
    return resultado
