"""Monto fijo (seed 004, A, LICONSA), the residual pool of B and C split 80 % / 20 % and the
≥ 70 % use test of D industrial applicants (seed 004, D)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from cupos.mecanismos.base import (
    EJERCICIO_MINIMO,
    PROPORCION_INDUSTRIAL,
    MecanismoError,
    _menor,
    a_decimal,
)

# -- 4. monto fijo (seed 004, A) -------------------------------------------------------------


@dataclass(frozen=True)
class ResultadoMontoFijo:
    solicitado: Decimal
    maximo: Decimal
    asignado: Decimal
    #: "monto_solicitado" or "maximo".
    limitado_por: str


def monto_fijo(solicitado, maximo) -> ResultadoMontoFijo:
    """A fixed amount up to ``maximo`` (seed 004, A: LICONSA "hasta 15,000 Toneladas"; see
    :data:`MAXIMO_LICONSA`)."""
    solicitado = a_decimal(solicitado, "monto solicitado")
    maximo = a_decimal(maximo, "monto máximo")
    asignado, por = _menor(monto_solicitado=solicitado, maximo=maximo)
    return ResultadoMontoFijo(
        solicitado=solicitado, maximo=maximo, asignado=asignado, limitado_por=por
    )


# -- 5. bolsa residual and ejercicio mínimo (seed 004, D) ------------------------------------


@dataclass(frozen=True)
class ResultadoBolsaResidual:
    no_asignado_b: Decimal
    no_asignado_c: Decimal
    #: no_asignado_b + no_asignado_c.
    bolsa: Decimal
    #: bolsa × proporcion_industrial (80 %), for industrial companies.
    industrial: Decimal
    #: bolsa − industrial (20 %), for other personas físicas o morales.
    otros: Decimal


def bolsa_residual(
    monto_b, asignado_b, monto_c, asignado_c, *, proporcion_industrial=PROPORCION_INDUSTRIAL
) -> ResultadoBolsaResidual:
    """The D pool: what B and C left unassigned, split 80 % industrial / 20 % others.

    The split is exact Decimal arithmetic; ``otros`` is computed as ``bolsa − industrial`` so the
    two parts always add up to the pool.
    """
    monto_b = a_decimal(monto_b, "monto del subcupo B")
    asignado_b = a_decimal(asignado_b, "monto asignado del subcupo B")
    monto_c = a_decimal(monto_c, "monto del subcupo C")
    asignado_c = a_decimal(asignado_c, "monto asignado del subcupo C")
    proporcion = a_decimal(proporcion_industrial, "proporción para empresas industriales")
    if proporcion > 1:
        raise MecanismoError(
            "proporcion_invalida", "La proporción para empresas industriales no puede exceder 1."
        )
    for letra, monto, asignado in (("B", monto_b, asignado_b), ("C", monto_c, asignado_c)):
        if asignado > monto:
            raise MecanismoError(
                "asignado_excede_monto",
                f"Lo asignado en el subcupo {letra} ({asignado}) excede su monto ({monto}).",
            )
    no_b = monto_b - asignado_b
    no_c = monto_c - asignado_c
    bolsa = no_b + no_c
    industrial = bolsa * proporcion
    return ResultadoBolsaResidual(
        no_asignado_b=no_b,
        no_asignado_c=no_c,
        bolsa=bolsa,
        industrial=industrial,
        otros=bolsa - industrial,
    )


@dataclass(frozen=True)
class ResultadoEjercicio:
    asignado_anterior: Decimal
    ejercido: Decimal
    #: ejercido / asignado_anterior (Decimal("0.75") = 75 %).
    proporcion_ejercida: Decimal
    minimo: Decimal
    cumple: bool

    def __bool__(self) -> bool:
        return self.cumple

    @property
    def mensaje(self) -> str:
        """Spanish explanation for the dictaminador / the applicant."""
        pct = (self.proporcion_ejercida * 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        minimo = (self.minimo * 100).normalize()
        if self.cumple:
            return f"Se acreditó el ejercicio del {pct} % de la asignación (mínimo {minimo:f} %)."
        return (
            f"Los pedimentos acreditan el ejercicio del {pct} % de la asignación anterior; se "
            f"requiere al menos el {minimo:f} %."
        )


def cumple_ejercicio_minimo(
    asignado_anterior, ejercido, minimo=EJERCICIO_MINIMO
) -> ResultadoEjercicio:
    """Seed 004, D: industrial applicants "deberán demostrar el ejercicio de por lo menos el 70% de
    la asignación", proved by the pedimentos attached. ``ejercido`` is the sum of the amounts on
    those pedimentos; the test is ``ejercido ≥ minimo × asignado_anterior``.
    Truthy when it is met."""
    asignado_anterior = a_decimal(asignado_anterior, "monto asignado anteriormente")
    ejercido = a_decimal(ejercido, "monto ejercido")
    minimo = a_decimal(minimo, "porcentaje mínimo de ejercicio")
    if minimo > 1:
        raise MecanismoError(
            "minimo_invalido", "El porcentaje mínimo de ejercicio no puede exceder 100 %."
        )
    if asignado_anterior == 0:
        raise MecanismoError(
            "sin_asignacion_anterior",
            "No hay una asignación anterior contra la cual acreditar el ejercicio mínimo.",
        )
    return ResultadoEjercicio(
        asignado_anterior=asignado_anterior,
        ejercido=ejercido,
        proporcion_ejercida=ejercido / asignado_anterior,
        minimo=minimo,
        cumple=ejercido >= minimo * asignado_anterior,
    )
