"""Proportional share of ρ among the prior year's beneficiaries (seed 004, subcupo B)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cupos.mecanismos.base import (
    CERO,
    UNO,
    MecanismoError,
    _campo,
    _menor,
    _truncar,
    a_decimal,
)
from cupos.montos import compacto

# -- 2. participación proporcional (seed 004, B) ---------------------------------------------


@dataclass(frozen=True)
class FilaProporcional:
    """One applicant of the proportional share (input)."""

    empresa: str
    asignado_anio_anterior: Decimal
    consumo_auditado: Decimal
    monto_solicitado: Decimal


@dataclass(frozen=True)
class ResultadoFilaProporcional:
    empresa: str
    asignado_anio_anterior: Decimal
    consumo_auditado: Decimal
    monto_solicitado: Decimal
    #: Unrounded share (prior amount ÷ total prior amounts).
    theta_exacta: Decimal
    #: Share rounded to ``precision`` decimals (ROUND_HALF_UP), after the Σθ ≤ 1 adjustment.
    theta: Decimal
    #: True when θ was lowered by one unit of the last decimal to keep Σθ ≤ 1.
    theta_ajustada: bool
    #: θ · ρ, rounded DOWN to ``precision_monto`` decimals.
    monto_a_asignar: Decimal
    #: min(monto_a_asignar, consumo_auditado, monto_solicitado), rounded DOWN to
    #: ``precision_monto`` decimals.
    monto_asignado: Decimal
    #: "monto_a_asignar", "consumo_auditado" or "monto_solicitado" (first one on ties).
    limitado_por: str


@dataclass(frozen=True)
class ResultadoProporcional:
    rho: Decimal
    precision: int
    filas: tuple[ResultadoFilaProporcional, ...]
    total_asignado_anio_anterior: Decimal
    total_theta: Decimal
    total_monto_a_asignar: Decimal
    total_consumo_auditado: Decimal
    total_monto_solicitado: Decimal
    total_monto_asignado: Decimal
    #: ρ − total asignado: what stays in the subcupo (it feeds the D pool in seed 004).
    no_asignado: Decimal
    #: Decimals of the montos (the unit's precision: 3 for kilograms).
    precision_monto: int = 3


def _fila_proporcional(fila) -> FilaProporcional:
    if isinstance(fila, FilaProporcional):
        valores = fila
        empresa = fila.empresa
    else:
        valores = None
        empresa = _campo(fila, "empresa", 0)
    empresa = str(empresa).strip()
    if not empresa:
        raise MecanismoError("dato_requerido", "Cada fila debe indicar la empresa.")

    def num(nombre, indice, etiqueta):
        crudo = getattr(valores, nombre) if valores is not None else _campo(fila, nombre, indice)
        try:
            return a_decimal(crudo, etiqueta)
        except MecanismoError as e:
            raise MecanismoError(e.codigo, f"{empresa}: {e.mensaje}") from None

    return FilaProporcional(
        empresa=empresa,
        asignado_anio_anterior=num("asignado_anio_anterior", 1, "monto asignado el año anterior"),
        consumo_auditado=num("consumo_auditado", 2, "consumo auditado"),
        monto_solicitado=num("monto_solicitado", 3, "monto solicitado"),
    )


def _validar_precision(precision, mensaje: str) -> None:
    if not isinstance(precision, int) or isinstance(precision, bool) or not 0 <= precision <= 12:
        raise MecanismoError("precision_invalida", mensaje)


PRECISION_THETA = "La precisión debe ser un entero entre 0 y 12 decimales."
PRECISION_MONTO = "Los decimales del monto deben ser un entero entre 0 y 12."


@dataclass(frozen=True)
class Participacion:
    """θ of one company among the prior year's beneficiaries."""

    empresa: str
    asignado_anio_anterior: Decimal
    theta_exacta: Decimal
    theta: Decimal
    theta_ajustada: bool


def participaciones(filas: Iterable, precision: int = 3) -> tuple[Participacion, ...]:
    """θ of each company from its prior-year amount (seed 004, step 1), in input order.

    ``filas`` are ``(empresa, asignado_anio_anterior)`` pairs. θ is rounded half-up to
    ``precision`` decimals; while Σθ > 1, one unit of the last decimal is taken from the row
    whose rounded θ exceeds its exact value the most (ties by input order), so Σθ ≤ 1."""
    _validar_precision(precision, PRECISION_THETA)
    entradas = []
    for fila in filas:
        empresa, anterior = fila
        empresa = str(empresa).strip()
        if not empresa:
            raise MecanismoError("dato_requerido", "Cada fila debe indicar la empresa.")
        try:
            monto = a_decimal(anterior, "monto asignado el año anterior")
        except MecanismoError as e:
            raise MecanismoError(e.codigo, f"{empresa}: {e.mensaje}") from None
        entradas.append((empresa, monto))
    if not entradas:
        raise MecanismoError("sin_filas", "No hay empresas para repartir el monto.")
    total = sum((m for _, m in entradas), CERO)
    if total == 0:
        raise MecanismoError(
            "sin_antecedentes",
            "La suma de los montos asignados el año anterior es cero; no se puede calcular la "
            "participación de cada empresa.",
        )
    unidad = Decimal(1).scaleb(-precision)
    exactas = [m / total for _, m in entradas]
    thetas = [t.quantize(unidad, rounding=ROUND_HALF_UP) for t in exactas]
    ajustadas = [False] * len(thetas)
    exceso = int((sum(thetas, CERO) - UNO) / unidad)  # whole units of the last decimal
    if exceso > 0:
        # Largest rounding-up error first, ties by input order. Half-up errors are at most half a
        # unit and add up to the excess, so at least 2·exceso rows have a positive error and no
        # row needs to give back more than one unit.
        orden = sorted(range(len(thetas)), key=lambda k: (-(thetas[k] - exactas[k]), k))
        for k in orden[:exceso]:
            thetas[k] -= unidad
            ajustadas[k] = True
    return tuple(
        Participacion(e, m, exacta, theta, ajustada)
        for (e, m), exacta, theta, ajustada in zip(
            entradas, exactas, thetas, ajustadas, strict=True
        )
    )


@dataclass(frozen=True)
class MontoProporcional:
    #: θ · ρ, rounded DOWN to the unit's decimals.
    monto_a_asignar: Decimal
    #: min(monto_a_asignar, consumo_auditado, monto_solicitado), rounded DOWN likewise.
    monto_asignado: Decimal
    #: "monto_a_asignar", "consumo_auditado" or "monto_solicitado" (first one on ties).
    limitado_por: str


def monto_proporcional(
    rho, theta, consumo_auditado, monto_solicitado, *, precision_monto: int = 3
) -> MontoProporcional:
    """Seed 004, steps 2–4 for one company whose θ is already known."""
    _validar_precision(precision_monto, PRECISION_MONTO)
    rho = a_decimal(rho, "monto a repartir (ρ)")
    theta = a_decimal(theta, "participación θ")
    unidad_monto = Decimal(1).scaleb(-precision_monto)
    a_asignar = compacto(_truncar(theta * rho, unidad_monto))
    asignado, por = _menor(
        monto_a_asignar=a_asignar,
        consumo_auditado=a_decimal(consumo_auditado, "consumo auditado"),
        monto_solicitado=a_decimal(monto_solicitado, "monto solicitado"),
    )
    return MontoProporcional(a_asignar, compacto(_truncar(asignado, unidad_monto)), por)


def participacion_proporcional(
    rho, filas: Iterable, precision: int = 3, *, precision_monto: int = 3
) -> ResultadoProporcional:
    """Proportional share of ρ (seed 004, beneficiaries B).

    For each company j: ``θj = asignado_anio_anterior_j / Σ asignado_anio_anterior``, rounded to
    ``precision`` decimals with ROUND_HALF_UP; ``monto_a_asignar_j = θj · ρ``;
    ``monto_asignado_j = min(monto_a_asignar_j, consumo_auditado_j, monto_solicitado_j)``.
    Both montos are rounded DOWN to ``precision_monto`` decimals (the unit's precision: 3 for
    kilograms, 0 for pieces), so a ρ with decimals never yields 4-decimal kilograms and the
    total never exceeds ρ.

    Never more than ρ: rounding each θ half-up can make Σθ exceed 1 (seed 004 itself: 7,000,000 /
    26,550,000 = 0.26365… would round to 0.264 and Σθ to 1.001); :func:`participaciones` takes
    the excess back (seed's 0.263). When Σθ < 1 nothing is added: the remainder stays
    unassigned.

    ``filas`` items may be :class:`FilaProporcional`, mappings with the four keys, or 4-tuples
    ``(empresa, asignado_anio_anterior, consumo_auditado, monto_solicitado)``.
    """
    rho = a_decimal(rho, "monto a repartir (ρ)")
    _validar_precision(precision, PRECISION_THETA)
    _validar_precision(precision_monto, PRECISION_MONTO)
    entradas = [_fila_proporcional(f) for f in filas]
    if not entradas:
        raise MecanismoError("sin_filas", "No hay empresas para repartir el monto.")
    partes = participaciones([(f.empresa, f.asignado_anio_anterior) for f in entradas], precision)

    resultado = []
    for f, p in zip(entradas, partes, strict=True):
        m = monto_proporcional(
            rho, p.theta, f.consumo_auditado, f.monto_solicitado, precision_monto=precision_monto
        )
        resultado.append(
            ResultadoFilaProporcional(
                empresa=f.empresa,
                asignado_anio_anterior=f.asignado_anio_anterior,
                consumo_auditado=f.consumo_auditado,
                monto_solicitado=f.monto_solicitado,
                theta_exacta=p.theta_exacta,
                theta=p.theta,
                theta_ajustada=p.theta_ajustada,
                monto_a_asignar=m.monto_a_asignar,
                monto_asignado=m.monto_asignado,
                limitado_por=m.limitado_por,
            )
        )
    total_asignado = sum((r.monto_asignado for r in resultado), CERO)
    total_a_asignar = sum((r.monto_a_asignar for r in resultado), CERO)
    assert total_a_asignar <= rho  # guaranteed by Σθ ≤ 1
    return ResultadoProporcional(
        rho=rho,
        precision=precision,
        filas=tuple(resultado),
        total_asignado_anio_anterior=sum((p.asignado_anio_anterior for p in partes), CERO),
        total_theta=sum((p.theta for p in partes), CERO),
        total_monto_a_asignar=total_a_asignar,
        total_consumo_auditado=sum((f.consumo_auditado for f in entradas), CERO),
        total_monto_solicitado=sum((f.monto_solicitado for f in entradas), CERO),
        total_monto_asignado=total_asignado,
        no_asignado=rho - total_asignado,
        precision_monto=precision_monto,
    )
