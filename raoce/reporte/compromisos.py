"""Export commitments evaluated on a report's figures (seed 003, "Consideraciones
generales"): IMMEX (informative), ALTEX and ECEX. Pesos convert to dollars with the period's
average exchange rate (:class:`~raoce.models.TipoCambio`, kept by the back-office).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tramites.reglas import ReglaError

from ..models import Programa, ReporteAnual, TipoCambio, TipoPrograma
from . import reglas
from .importes import formato_usd

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

#: The programs whose commitment needs the exchange rate, with the name of their registro.
NOMBRES_REGISTRO = {
    TipoPrograma.ALTEX: "empresa altamente exportadora",
    TipoPrograma.ECEX: "empresa de comercio exterior",
}

CIEN = Decimal("100")
MIL = Decimal("1000")
CENTAVO = Decimal("0.01")


def obtener_tipo_cambio(periodo: int) -> Decimal:
    """Average exchange rate of ``periodo`` (pesos per dollar) from the back-office table.

    Raises :class:`~tramites.reglas.ReglaError` (aborts the signing) when it is not
    registered or is not greater than zero."""
    tc = TipoCambio.objects.filter(anio=periodo).values_list("pesos_por_dolar", flat=True).first()
    if tc is None:
        raise reglas.SinTipoCambio.falla(periodo=periodo)
    if tc <= 0:
        # The admin refuses it (MinValueValidator), but a row written another way must not
        # reach a_dolares (division by zero → HTTP 500 at signing).
        raise reglas.TipoCambioInvalido.falla(periodo=periodo, tc=tc)
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
            f"ventas al exterior superiores a {formato_usd(IMMEX_USD)} o exportaciones de al "
            f"menos el {IMMEX_PORCENTAJE} % de la facturación total"
        )
        return Evaluacion(programa, cumple, regla, pct, usd)
    if programa.tipo == TipoPrograma.ALTEX:
        if tipo_cambio is None:
            raise ValueError("ALTEX requiere tipo de cambio")
        if programa.exportacion_directa:
            cumple = _porcentaje_cumple(a, b, ALTEX_DIRECTA_PORCENTAJE) or usd >= ALTEX_DIRECTA_USD
            regla = (
                f"exportador directo: exportaciones iguales o mayores al "
                f"{ALTEX_DIRECTA_PORCENTAJE} % de las ventas totales o a "
                f"{formato_usd(ALTEX_DIRECTA_USD)}"
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
        regla = f"exportaciones anuales iguales o mayores a {formato_usd(ECEX_USD)}"
        return Evaluacion(programa, cumple, regla, pct, usd)
    return None


def evaluar_compromisos(
    reporte: ReporteAnual, programas=None, *, exigir_tipo_cambio: bool = True
) -> tuple[Decimal | None, list[Evaluacion]]:
    """(tipo de cambio, evaluations) for the report's programs (or ``programas``).

    With ALTEX/ECEX among them a missing exchange rate raises
    :class:`~tramites.reglas.ReglaError` when ``exigir_tipo_cambio`` (at signing); for
    display pass False and get no ALTEX/ECEX evaluation instead. IMMEX without a rate is
    evaluated by percentage only.
    """
    programas = list(reporte.programas.all() if programas is None else programas)
    if reporte.ventas_totales is None or reporte.total_exportaciones is None:
        return None, []
    requiere_tc = any(p.tipo in NOMBRES_REGISTRO for p in programas)
    tc = None
    try:
        tc = obtener_tipo_cambio(reporte.periodo)
    except ReglaError:
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


def filas_compromisos(reporte: ReporteAnual, programas) -> list[tuple[str, str]]:
    """Rows of the signing page: what each commitment evaluation (IMMEX informative,
    ALTEX, ECEX) will mean at signing, so an ALTEX is warned before it is cancelled."""
    _tc, evaluaciones = evaluar_compromisos(reporte, programas, exigir_tipo_cambio=False)
    evaluados = {ev.programa.pk: ev for ev in evaluaciones}
    filas: list[tuple[str, str]] = []
    for p in programas:
        etiqueta = f"Compromiso {p.tipo} {p.numero}"
        ev = evaluados.get(p.pk)
        if ev is None:
            if p.tipo in NOMBRES_REGISTRO and (
                reporte.ventas_totales is not None and reporte.total_exportaciones is not None
            ):
                filas.append(
                    (
                        etiqueta,
                        "No se puede evaluar: no está registrado un tipo de cambio promedio "
                        f"válido de {reporte.periodo}; sin él no es posible firmar.",
                    )
                )
            continue
        if p.tipo == TipoPrograma.IMMEX:
            consecuencia = "informativo, no cambia el estatus del programa"
        elif ev.cumple:
            consecuencia = "al firmar se emitirá el oficio de ratificación"
        elif p.tipo == TipoPrograma.ALTEX:
            consecuencia = "al firmar se emitirá el oficio de cancelación del programa"
        else:
            consecuencia = "no se emitirá el oficio de ratificación"
        filas.append((etiqueta, f"{ev.texto} — {consecuencia}"))
    return filas
