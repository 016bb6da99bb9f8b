"""The allocation mechanisms keyed by criterio, and what the asignación asks of them: the
rules of the "datos" step, the documents to attach and the dictamen proposals.

A criterio without a mechanism here (licitación) has no data rules, no required documents
and no automatic proposal.
"""

from __future__ import annotations

from cupos.asignacion.estrategias import ConsumoAuditado, MontoFijo, Proporcional
from cupos.asignacion.estrategias_fcfs import BolsaResidual, PrimeroEnTiempo
from cupos.asignacion.mecanismo import CERO, Mecanismo, Propuesta
from cupos.asignacion.saldo import ESTADOS_PENDIENTES, solicitudes_del_subcupo
from cupos.models import SolicitudAsignacion, Subcupo

MECANISMOS: dict[str, Mecanismo] = {
    m.criterio: m
    for m in (ConsumoAuditado(), Proporcional(), PrimeroEnTiempo(), MontoFijo(), BolsaResidual())
}
_NINGUNO = Mecanismo()


def mecanismo_de(criterio: str) -> Mecanismo:
    return MECANISMOS.get(criterio, _NINGUNO)


def validar_datos(subcupo: Subcupo, datos: dict) -> dict[str, list[str]]:
    """The business rules of the "datos de la solicitud" step for the subcupo's criterio.

    ``datos`` are already typed values (``Decimal``/``bool``/``None``, e.g. a form's
    ``cleaned_data``). Returns ``{campo: [mensaje, ...]}`` in the order the rules ran;
    empty when every rule holds. Does not modify ``datos``."""
    errores: dict[str, list[str]] = {}
    for campo, mensaje in mecanismo_de(subcupo.criterio).reglas_datos(subcupo, datos):
        errores.setdefault(campo, []).append(mensaje)
    return errores


def normalizar_datos(subcupo: Subcupo, datos: dict) -> dict:
    """A copy of ``datos`` without values that do not apply: the capacity fields when no
    increase is asked for (consumo auditado), the prior-assignment fields of a
    non-industrial applicant (bolsa residual)."""
    limpios = dict(datos)
    limpios.update(dict.fromkeys(mecanismo_de(subcupo.criterio).no_aplican(datos)))
    return limpios


def documentos_requeridos(sa: SolicitudAsignacion | None) -> list[str]:
    """Claves of the documents the solicitud's criterio requires (seeds 002 and 004)."""
    if sa is None:
        return []
    return mecanismo_de(sa.subcupo.criterio).documentos_requeridos(sa)


def calcular_propuestas(
    subcupo: Subcupo, filas: list[SolicitudAsignacion] | None = None
) -> dict[int, Propuesta]:
    """Proposals (by solicitud id) for ``filas`` (default: the subcupo's pending solicitudes),
    computed together because proportional and FCFS proposals depend on each other."""
    if filas is None:
        filas = solicitudes_del_subcupo(subcupo, ESTADOS_PENDIENTES)
    if not filas:
        return {}
    return mecanismo_de(subcupo.criterio).propuestas(
        subcupo, filas, subcupo.cupo.get_unidad_display()
    )


def propuesta_de(sa: SolicitudAsignacion) -> Propuesta:
    p = calcular_propuestas(sa.subcupo, [sa]).get(sa.solicitud_id)
    if p is None:
        return Propuesta(
            criterio=sa.subcupo.criterio,
            monto=CERO,
            limite_legal=CERO,
            saldo=CERO,
            explicacion=("El criterio de este subcupo no tiene un cálculo automático.",),
        )
    return p


def guardar_propuesta(sa: SolicitudAsignacion, propuesta: Propuesta | None = None) -> Propuesta:
    propuesta = propuesta or propuesta_de(sa)
    sa.monto_propuesto = propuesta.monto
    sa.detalle_propuesta = propuesta.a_json()
    sa.save(update_fields=["monto_propuesto", "detalle_propuesta"])
    return propuesta
