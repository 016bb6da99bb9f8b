"""The saldo of an asignación as a ledger of movements (DESIGN §4).

Every write locks the asignación row first (``select_for_update``), so concurrent
expediciones serialize and the total issued never exceeds the assigned amount.
"""

from decimal import Decimal

from django.db import transaction

from cupos.models import Asignacion, MovimientoSaldo


def bloquear(asignacion_id: int) -> Asignacion:
    """Lock and return the asignación row (must be inside transaction.atomic)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bloquear() must run inside transaction.atomic()")
    return Asignacion.objects.select_for_update().select_related("subcupo__cupo", "beneficiario").get(pk=asignacion_id)


def registrar_asignacion(asignacion: Asignacion, *, usuario=None, solicitud=None) -> MovimientoSaldo:
    """Opening movement of a new asignación: + monto asignado."""
    return MovimientoSaldo.objects.create(
        asignacion=asignacion,
        tipo=MovimientoSaldo.Tipo.ASIGNACION,
        monto=asignacion.monto_asignado,
        solicitud=solicitud,
        usuario=usuario if getattr(usuario, "is_authenticated", False) else None,
        descripcion=f"Oficio de asignación {asignacion.numero_oficio}/{asignacion.anio}",
    )


def totales(asignacion: Asignacion) -> dict[str, Decimal]:
    """aprobado, expedido, cancelado, disponible."""
    return MovimientoSaldo.totales(asignacion)
