"""Rules of the cancelación a petición del interesado (CAN001…CAN010): the docstring IS the
message."""

from __future__ import annotations

from decimal import Decimal

from cupos.models import CERO, CertificadoCupo
from cupos.montos import ReglaDecimalesUnidad, ReglaMontoPositivo, formato_monto
from tramites.reglas import Regla

#: Most certificates one solicitud may cancel.
MAX_CERTIFICADOS = 99


class CAN001(Regla):
    """El monto a favor debe ser un número, por ejemplo 1500 o 1500.250."""

    codigo = "CAN001"
    campo = "monto"


class CAN002(ReglaMontoPositivo):
    """El monto a favor debe ser mayor a cero."""

    codigo = "CAN002"


class CAN003(ReglaDecimalesUnidad):
    """El monto a favor tiene más decimales de los que permite la unidad del cupo."""

    codigo = "CAN003"


class CAN004(Regla):
    """El monto a favor excede el disponible del certificado (expedido − utilizado −
    ya cancelado)."""

    codigo = "CAN004"
    campo = "monto"

    def validar(self, monto: Decimal, *, certificado: CertificadoCupo, unidad: str = ""):
        disponible = certificado.disponible_para_cancelar
        if monto > disponible:
            raise self.falla(
                f"Certificado {certificado.folio}: monto a favor "
                f"{formato_monto(monto, unidad)}; disponible {formato_monto(disponible, unidad)}."
            )


class CAN005(Regla):
    """El certificado seleccionado no está disponible para cancelar por este solicitante."""

    codigo = "CAN005"
    campo = "certificado"

    def validar(self, certificado: CertificadoCupo | None, *, persona_id: int, cupo_id=None):
        if (
            certificado is None
            or certificado.titular_id != persona_id
            or certificado.estado != CertificadoCupo.Estado.VIGENTE
            or (cupo_id is not None and certificado.asignacion.subcupo.cupo_id != cupo_id)
            or certificado.disponible_para_cancelar <= CERO
        ):
            raise self.falla()


class CAN006(Regla):
    """Agregue al menos un certificado a cancelar."""

    codigo = "CAN006"

    def validar(self, lineas, **contexto) -> None:
        if not lineas:
            raise self.falla()


class CAN007(Regla):
    """El certificado {folio} ya está en la lista de certificados a cancelar; quítelo si
    desea cambiar el monto a favor."""

    codigo = "CAN007"
    campo = "certificado"


class CAN008(Regla):
    """Una solicitud puede incluir como máximo {maximo} certificados a cancelar."""

    codigo = "CAN008"

    def validar(self, numero_lineas: int, **contexto) -> None:
        if numero_lineas > MAX_CERTIFICADOS:
            raise self.falla(maximo=MAX_CERTIFICADOS)


class CAN009(Regla):
    """Seleccione un cupo de la lista de cupos disponibles."""

    codigo = "CAN009"
    campo = "cupo"


class CAN010(Regla):
    """Seleccione el certificado a cancelar de la sección «Certificados disponibles»."""

    codigo = "CAN010"
    campo = "certificado"
