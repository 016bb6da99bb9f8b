"""Asignación directa by consumo auditado, with the capacity-increase rule (seed 002, avena)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from cupos.mecanismos.base import (
    UNO,
    MecanismoError,
    _menor,
    a_decimal,
)

# -- 1. consumo auditado (seed 002, avena) ---------------------------------------------------


@dataclass(frozen=True)
class ResultadoConsumoAuditado:
    solicitado: Decimal
    consumo_auditado_12m: Decimal
    #: consumo_asignacion_anterior × capacidad_actual / capacidad_anterior (None if not applied).
    limite_por_capacidad: Decimal | None
    #: capacidad_actual / capacidad_anterior − 1 (e.g. Decimal("0.25") for +25 %), or None.
    incremento_capacidad: Decimal | None
    aplica_incremento: bool
    #: The ceiling actually used: limite_por_capacidad when the increase applies, else consumo.
    limite: Decimal
    asignado: Decimal
    #: Which bound decided: "monto_solicitado", "consumo_auditado" or "incremento_capacidad".
    limitado_por: str


def consumo_auditado(
    solicitado,
    consumo_auditado_12m,
    *,
    capacidad_anterior=None,
    capacidad_actual=None,
    consumo_asignacion_anterior=None,
    unidad_minima: Decimal = UNO,
) -> ResultadoConsumoAuditado:
    """Asignación directa by consumo auditado (seed 002, Artículo tercero, inciso b).

    Rule: "La cantidad asignada ... no podrá ser superior al consumo auditado de los últimos doce
    meses". So ``asignado = min(solicitado, consumo_auditado_12m)``.

    Capacity increase ("No obstante lo dispuesto en el párrafo anterior ... se les asignará el monto
    que resulte de aplicar el incremento porcentual de la capacidad actual respecto a la capacidad
    anterior; aplicando dicho incremento porcentual al consumo anual auditado presentado en la
    asignación anterior"). Our reading:

    * it applies only when the three figures are given and ``capacidad_actual >
      capacidad_anterior`` (a proven *increase*); otherwise the general rule applies;
    * the increase is ``capacidad_actual / capacidad_anterior − 1`` and is applied to the audited
      consumption *presented in the previous assignment*, so the ceiling becomes
      ``consumo_asignacion_anterior × capacidad_actual / capacidad_anterior``;
    * "No obstante" makes it replace the 12-month ceiling (it is not a max of both), and the
      amount is still capped by what was requested: ``asignado = min(solicitado, ceiling)``;
    * the ceiling is rounded *down* to ``unidad_minima`` (whole kilograms by default), so the
      rounding never grants more than the proven capacity.
    """
    solicitado = a_decimal(solicitado, "monto solicitado")
    consumo = a_decimal(consumo_auditado_12m, "consumo auditado de los últimos 12 meses")
    datos_capacidad = (capacidad_anterior, capacidad_actual, consumo_asignacion_anterior)
    limite_capacidad = incremento = None
    aplica = False
    if any(v is not None for v in datos_capacidad):
        if any(v is None for v in datos_capacidad):
            raise MecanismoError(
                "datos_incompletos",
                "Para aplicar el incremento de capacidad se requieren la capacidad anterior, la "
                "capacidad actual y el consumo auditado presentado en la asignación anterior.",
            )
        cap_ant = a_decimal(capacidad_anterior, "capacidad anterior")
        cap_act = a_decimal(capacidad_actual, "capacidad actual")
        consumo_ant = a_decimal(
            consumo_asignacion_anterior, "consumo auditado de la asignación anterior"
        )
        if cap_ant == 0:
            raise MecanismoError(
                "capacidad_anterior_cero", "La capacidad anterior debe ser mayor que cero."
            )
        if cap_act > cap_ant:
            aplica = True
            incremento = cap_act / cap_ant - 1
            limite_capacidad = (consumo_ant * cap_act / cap_ant).quantize(
                unidad_minima, rounding=ROUND_DOWN
            )
    if aplica:
        asignado, por = _menor(monto_solicitado=solicitado, incremento_capacidad=limite_capacidad)
        limite = limite_capacidad
    else:
        asignado, por = _menor(monto_solicitado=solicitado, consumo_auditado=consumo)
        limite = consumo
    return ResultadoConsumoAuditado(
        solicitado=solicitado,
        consumo_auditado_12m=consumo,
        limite_por_capacidad=limite_capacidad,
        incremento_capacidad=incremento,
        aplica_incremento=aplica,
        limite=limite,
        asignado=asignado,
        limitado_por=por,
    )
