"""What the public verification page shows for the cupos documents (issue 9 item 11):
registered with :mod:`acuses.verificacion` for the cupos PDF template when this module is
imported (by :mod:`cupos.asistentes`), so ``acuses`` never imports ``cupos``.

- Certificado de cupo: monto amparado, utilizado, cancelado (monto a favor devuelto) and the
  certificate's saldo, its vigencia, and "Vigente, cancelado parcialmente" when part of it was
  cancelled.
- Oficio de asignación: monto asignado, expedido in certificates and saldo disponible.
"""

from __future__ import annotations

from acuses.models import Documento
from acuses.verificacion import DetalleVerificacion, registrar_proveedor
from cupos import saldos
from cupos.documentos import PLANTILLA_PDF
from cupos.models import CERO, Asignacion, CertificadoCupo
from cupos.montos import formato_monto


def estado_certificado(cert: CertificadoCupo) -> str:
    """The certificate's estado as its holder reads it."""
    if cert.estado == CertificadoCupo.Estado.VIGENTE and cert.monto_cancelado > CERO:
        return "Vigente, cancelado parcialmente"
    if cert.estado == CertificadoCupo.Estado.CANCELADO and cert.monto_utilizado > CERO:
        return "Cancelado (saldo no utilizado devuelto)"
    return cert.get_estado_display()


def detalle_certificado(cert: CertificadoCupo) -> DetalleVerificacion:
    u = cert.asignacion.cupo.unidad
    return DetalleVerificacion(
        estado=estado_certificado(cert),
        lineas=[
            ("Cupo", str(cert.asignacion.cupo)),
            ("Vigencia", f"{cert.vigencia_inicio:%d/%m/%Y} al {cert.vigencia_fin:%d/%m/%Y}"),
            ("Monto amparado", formato_monto(cert.monto_expedido, u)),
            ("Monto utilizado", formato_monto(cert.monto_utilizado, u)),
            ("Monto cancelado", formato_monto(cert.monto_cancelado, u)),
            ("Saldo del certificado", formato_monto(cert.disponible_para_cancelar, u)),
        ],
    )


def detalle_oficio(asignacion: Asignacion) -> DetalleVerificacion:
    u = asignacion.cupo.unidad
    t = saldos.totales(asignacion)
    return DetalleVerificacion(
        estado=asignacion.get_estado_display(),
        lineas=[
            ("Cupo", str(asignacion.cupo)),
            ("Oficio de asignación", f"{asignacion.numero_oficio}/{asignacion.anio}"),
            (
                "Vigencia",
                f"{asignacion.vigencia_inicio:%d/%m/%Y} al {asignacion.vigencia_fin:%d/%m/%Y}",
            ),
            ("Monto asignado", formato_monto(asignacion.monto_asignado, u)),
            ("Monto expedido en certificados", formato_monto(t["expedido"], u)),
            ("Monto cancelado (devuelto al saldo)", formato_monto(t["cancelado"], u)),
            ("Saldo disponible", formato_monto(t["disponible"], u)),
        ],
    )


def detalle(documento: Documento) -> DetalleVerificacion | None:
    """Provider for :func:`acuses.verificacion.registrar_proveedor`."""
    if documento.tipo == Documento.Tipo.CERTIFICADO:
        cert = (
            CertificadoCupo.objects.select_related("asignacion__subcupo__cupo")
            .filter(documento=documento)
            .first()
        )
        return detalle_certificado(cert) if cert else None
    if documento.tipo == Documento.Tipo.OFICIO:
        asignacion = (
            Asignacion.objects.select_related("subcupo__cupo")
            .filter(solicitud_id=documento.solicitud_id)
            .first()
        )
        return detalle_oficio(asignacion) if asignacion else None
    return None


# Registered on import (cupos.asistentes, autodiscovered when the apps are ready).
registrar_proveedor(PLANTILLA_PDF, detalle)
