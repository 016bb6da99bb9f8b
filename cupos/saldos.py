"""The saldo of an asignación as a ledger of movements (DESIGN §4).

Every write locks the asignación row first (``select_for_update``), so concurrent
expediciones serialize and the total issued never exceeds the assigned amount. The saldo
is never stored: it is the sum of the movements, recomputed under the lock.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from cupos.models import CERO, Asignacion, MovimientoSaldo
from tramites.services import siguiente_valor


def _usuario(usuario):
    return usuario if getattr(usuario, "is_authenticated", False) else None


def bloquear(asignacion_id: int) -> Asignacion:
    """Lock and return the asignación row (must be inside transaction.atomic), with its
    subcupo, cupo and beneficiario joined but not locked: those rows are shared by every
    asignación of the cupo, whose expediciones would otherwise wait for each other."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bloquear() must run inside transaction.atomic()")
    return (
        Asignacion.objects.select_for_update(of=("self",))
        .select_related("subcupo__cupo", "beneficiario")
        .get(pk=asignacion_id)
    )


def registrar_asignacion(
    asignacion: Asignacion, *, usuario=None, solicitud=None
) -> MovimientoSaldo:
    """Opening movement of a new asignación: + monto asignado."""
    return MovimientoSaldo.objects.create(
        asignacion=asignacion,
        tipo=MovimientoSaldo.Tipo.ASIGNACION,
        monto=asignacion.monto_asignado,
        solicitud=solicitud,
        usuario=_usuario(usuario),
        descripcion=f"Oficio de asignación {asignacion.numero_oficio}/{asignacion.anio}",
    )


def registrar_expedicion(certificado, *, usuario=None) -> MovimientoSaldo:
    """− monto expedido of one certificate. The caller holds the asignación lock and has
    checked the saldo (``cupos.expedicion.services.emitir_certificados``)."""
    return MovimientoSaldo.objects.create(
        asignacion_id=certificado.asignacion_id,
        tipo=MovimientoSaldo.Tipo.EXPEDICION,
        monto=-certificado.monto_expedido,
        certificado=certificado,
        solicitud=certificado.solicitud,
        usuario=_usuario(usuario),
        descripcion=f"Certificado {certificado.folio}",
    )


def registrar_devolucion(
    certificado, monto: Decimal, *, usuario=None, solicitud=None
) -> MovimientoSaldo:
    """+ monto a favor of a cancelled certificate (seed 001): it returns to the saldo.

    Locks the asignación and checks the monto against what the certificate can still give
    back (expedido − utilizado − ya cancelado)."""
    if monto <= CERO:
        raise ValueError("El monto a favor debe ser mayor a cero.")
    bloquear(certificado.asignacion_id)
    certificado.refresh_from_db()
    if monto > certificado.disponible_para_cancelar:
        raise ValueError("El monto a favor excede lo disponible del certificado.")
    certificado.monto_cancelado += monto
    certificado.save(update_fields=["monto_cancelado"])
    return MovimientoSaldo.objects.create(
        asignacion_id=certificado.asignacion_id,
        tipo=MovimientoSaldo.Tipo.CANCELACION,
        monto=monto,
        certificado=certificado,
        solicitud=solicitud,
        usuario=_usuario(usuario),
        descripcion=f"Monto a favor del certificado {certificado.folio}",
    )


def totales(asignacion: Asignacion) -> dict[str, Decimal]:
    """aprobado, expedido, cancelado, disponible."""
    return MovimientoSaldo.totales(asignacion)


def disponible(asignacion: Asignacion) -> Decimal:
    return totales(asignacion)["disponible"]


def totales_por_cupo(cupos) -> dict[int, dict[str, Decimal]]:
    """cupo pk → asignado, expedido, cancelado (from the ledger), for the consulta page."""
    filas = (
        MovimientoSaldo.objects.filter(asignacion__subcupo__cupo__in=cupos)
        .values("asignacion__subcupo__cupo")
        .annotate(
            asignado=Sum("monto", filter=Q(tipo__in=["asignacion", "ajuste"])),
            expedido=Sum("monto", filter=Q(tipo="expedicion")),
            cancelado=Sum("monto", filter=Q(tipo="cancelacion")),
        )
    )
    return {
        f["asignacion__subcupo__cupo"]: {
            "asignado": f["asignado"] or CERO,
            "expedido": -(f["expedido"] or CERO),
            "cancelado": f["cancelado"] or CERO,
        }
        for f in filas
    }


def nuevo_numero_oficio(anio: int) -> str:
    """Next free número de oficio de asignación of ``anio`` (6 digits), from the same locked
    counter the dictamen uses (``oficio_asignacion:<anio>``, ``cupos.asignacion.dictamen``)."""
    while True:
        numero = f"{siguiente_valor(f'oficio_asignacion:{anio}'):06d}"
        if not Asignacion.objects.filter(anio=anio, numero_oficio=numero).exists():
            return numero
