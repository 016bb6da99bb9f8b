"""Applying a signed cancelación (seed 001; trámite 140104).

:func:`aplicar_cancelacion` is called by ``Asistente.al_firmar`` inside the signing
transaction: locks every asignación involved, re-checks each line against the fresh
numbers, returns the monto a favor to the saldo, marks fully cancelled certificates, and
writes the notices ("Aviso de Certificados … pendientes por Cancelar") to the outbox; or
raises ``TramiteError`` so the whole signing rolls back. :func:`lineas_acuse` gives the
acuse de recepción its rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from acuses.models import Documento
from acuses.services import actualizar_estado
from cupos import saldos
from cupos.cancelacion.reglas import CAN005, CAN006, CAN009
from cupos.cancelacion.services import (
    MOTIVO,
    asunto_aviso,
    cupo_de,
    lineas_de,
    validar_lineas,
)
from cupos.models import CERO, CertificadoCupo, Cupo, Mecanismo, MovimientoSaldo
from cupos.montos import formato_monto
from tramites.reglas import ReglaError
from tramites.services import notificar, registrar_auditoria
from vucem.models import Rol, User


def destinatarios_funcionarios(cupo: Cupo):
    """Staff users to notify: dictaminadores; nivel central too for licitación pública."""

    grupos = [Rol.DICTAMINADOR]
    if cupo.mecanismo == Mecanismo.LICITACION_PUBLICA:
        grupos.append(Rol.NIVEL_CENTRAL)
    return list(
        User.objects.filter(is_active=True, groups__name__in=[str(g) for g in grupos])
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _cuerpo_aviso(solicitud, cupo: Cupo, filas: list[tuple[CertificadoCupo, Decimal]]) -> str:
    p = solicitud.solicitante
    renglones = [
        f"Se registró la solicitud de cancelación de certificados de cupo con el folio "
        f"{solicitud.folio}.",
        "",
        f"Solicitante: {p.nombre} ({p.rfc})",
        f"Cupo: {cupo.nombre} ({cupo.anio})",
        f"Régimen aduanero: {cupo.get_regimen_display()}",
        f"Mecanismo de asignación: {cupo.get_mecanismo_display()}",
        f"Motivo de cancelación: {MOTIVO}",
        "",
        "Certificados:",
    ]
    for cert, monto in filas:
        estado = "cancelado" if cert.estado == CertificadoCupo.Estado.CANCELADO else "vigente"
        renglones.append(
            f"- {cert.folio}: monto a favor {formato_monto(monto, cupo.unidad)}; "
            f"disponible restante {formato_monto(cert.disponible_para_cancelar, cupo.unidad)} "
            f"({estado})"
        )
    renglones.append("")
    renglones.append(
        f"Total a favor devuelto al saldo: {formato_monto(sum((m for _, m in filas), CERO), cupo.unidad)}"
    )
    return "\n".join(renglones)


def aplicar_cancelacion(solicitud, *, usuario) -> list[CertificadoCupo]:
    """Return each line's monto a favor to its asignación's saldo. Runs inside the signing
    transaction.

    The asignaciones are locked first (in id order, so concurrent signings serialize
    without deadlocks); each certificate is then re-read and every rule checked against
    the fresh numbers. Raises ``TramiteError`` (→ the signing rolls back) when a line no
    longer fits. Idempotent: a solicitud already applied returns its certificates.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("aplicar_cancelacion() must run inside transaction.atomic()")
    ya = MovimientoSaldo.objects.filter(solicitud=solicitud, tipo=MovimientoSaldo.Tipo.CANCELACION)
    if ya.exists():
        return list(
            CertificadoCupo.objects.filter(pk__in=ya.values("certificado")).order_by("folio")
        )

    cupo = cupo_de(solicitud)
    lineas = lineas_de(solicitud)
    if cupo is None:
        raise CAN009.falla()
    CAN006().validar(lineas)
    if any(linea.certificado is None for linea in lineas):
        raise CAN005.falla()

    for asignacion_id in sorted({linea.certificado.asignacion_id for linea in lineas}):
        saldos.bloquear(asignacion_id)
    # Fresh numbers under the locks.
    frescos = CertificadoCupo.objects.select_related("asignacion__subcupo__cupo").in_bulk(
        [linea.certificado_id for linea in lineas]
    )
    for linea in lineas:
        linea.certificado = frescos.get(linea.certificado_id)
    validar_lineas(solicitud, cupo, lineas)

    filas: list[tuple[CertificadoCupo, Decimal]] = []
    for linea in lineas:
        cert = linea.certificado
        try:
            saldos.registrar_devolucion(cert, linea.monto, usuario=usuario, solicitud=solicitud)
        except ValueError as exc:  # re-checked above; defensive
            raise ReglaError(str(exc), "CAN004") from None
        cert.refresh_from_db()
        anterior = cert.estado
        completa = cert.disponible_para_cancelar <= CERO
        if completa:
            cert.estado = CertificadoCupo.Estado.CANCELADO
            cert.save(update_fields=["estado"])
        registrar_auditoria(
            cert,
            anterior=anterior,
            nuevo=cert.estado,
            usuario=usuario,
            motivo=(
                f"{'Cancelado' if completa else 'Cancelación parcial'} {MOTIVO.lower()} con la "
                f"solicitud {solicitud.folio}; monto a favor {formato_monto(linea.monto, cupo.unidad)}"
            ),
        )
        if completa and cert.documento_id:
            actualizar_estado(
                cert.documento,
                Documento.Estado.CANCELADO,
                motivo=f"{MOTIVO} (solicitud {solicitud.folio})",
                usuario=usuario,
            )
        filas.append((cert, linea.monto))

    cuerpo = _cuerpo_aviso(solicitud, cupo, filas)
    asunto = asunto_aviso(cupo)  # the seed's wording; the folio is in the body
    notificar(persona=solicitud.solicitante, solicitud=solicitud, asunto=asunto, cuerpo=cuerpo)
    for funcionario in destinatarios_funcionarios(cupo):
        notificar(usuario=funcionario, solicitud=solicitud, asunto=asunto, cuerpo=cuerpo)
    return [cert for cert, _ in filas]


def lineas_acuse(solicitud) -> list[dict]:
    """The acuse de recepción's rows: cupo, motivo, each certificate cancelled and the total."""
    cupo = cupo_de(solicitud)
    filas = [(linea.folio, linea.monto) for linea in lineas_de(solicitud)]
    lineas = [
        {"etiqueta": "Cupo", "valor": f"{cupo.nombre} ({cupo.anio})"},
        {"etiqueta": "Motivo de cancelación", "valor": MOTIVO},
    ]
    for folio, monto in filas:
        lineas.append(
            {
                "etiqueta": f"Certificado {folio}",
                "valor": f"Monto a favor {formato_monto(monto, cupo.unidad)}",
            }
        )
    lineas.append(
        {
            "etiqueta": "Total a favor",
            "valor": formato_monto(sum((m for _, m in filas), CERO), cupo.unidad),
        }
    )
    return lineas
