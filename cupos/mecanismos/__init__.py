"""Allocation mechanisms as pure services (DESIGN §4; seeds 002 avena and 004 lácteos).

Every function here is plain Python: no database, no Django. Quantities are ``Decimal`` in
kilograms (floats are refused). Each result is a small frozen dataclass so a view, the dictamen
back-office and the ``cupos simular-proporcional`` command show the same numbers. Invalid input
raises :class:`MecanismoError` with a stable ``codigo`` and a Spanish ``mensaje``.

Mechanisms
----------
* :func:`consumo_auditado` — asignación directa by consumo auditado, with the capacity-increase
  rule (seed 002, avena).
* :func:`participacion_proporcional` — proportional share of ρ among the prior year's
  beneficiaries (seed 004, subcupo B); its two halves :func:`participaciones` (θ of each
  company) and :func:`monto_proporcional` (θ·ρ against consumo and solicitado).
* :func:`primero_en_tiempo` — primero en tiempo, primero en derecho (seed 004, subcupos C and D).
* :func:`monto_fijo` — a fixed amount up to a maximum (seed 004, subcupo A, LICONSA).
* :func:`bolsa_residual` and :func:`cumple_ejercicio_minimo` — the D pool made of what B and C
  left unassigned, split 80 % / 20 %, and the ≥ 70 % use test for D industrial applicants.
"""

from cupos.mecanismos.base import (
    EJERCICIO_MINIMO,
    MAXIMO_LICONSA,
    MAXIMO_PRIMERO_EN_TIEMPO,
    PROPORCION_INDUSTRIAL,
    MecanismoError,
    a_decimal,
)
from cupos.mecanismos.consumo import ResultadoConsumoAuditado, consumo_auditado
from cupos.mecanismos.primero_en_tiempo import (
    AsignacionPrimeroEnTiempo,
    ResultadoPrimeroEnTiempo,
    SolicitudPrimeroEnTiempo,
    primero_en_tiempo,
)
from cupos.mecanismos.proporcional import (
    FilaProporcional,
    MontoProporcional,
    Participacion,
    ResultadoFilaProporcional,
    ResultadoProporcional,
    monto_proporcional,
    participacion_proporcional,
    participaciones,
)
from cupos.mecanismos.residual import (
    ResultadoBolsaResidual,
    ResultadoEjercicio,
    ResultadoMontoFijo,
    bolsa_residual,
    cumple_ejercicio_minimo,
    monto_fijo,
)

__all__ = [
    "EJERCICIO_MINIMO",
    "MAXIMO_LICONSA",
    "MAXIMO_PRIMERO_EN_TIEMPO",
    "PROPORCION_INDUSTRIAL",
    "AsignacionPrimeroEnTiempo",
    "FilaProporcional",
    "MecanismoError",
    "MontoProporcional",
    "Participacion",
    "ResultadoBolsaResidual",
    "ResultadoConsumoAuditado",
    "ResultadoEjercicio",
    "ResultadoFilaProporcional",
    "ResultadoMontoFijo",
    "ResultadoPrimeroEnTiempo",
    "ResultadoProporcional",
    "SolicitudPrimeroEnTiempo",
    "a_decimal",
    "bolsa_residual",
    "consumo_auditado",
    "cumple_ejercicio_minimo",
    "monto_fijo",
    "monto_proporcional",
    "participacion_proporcional",
    "participaciones",
    "primero_en_tiempo",
]
