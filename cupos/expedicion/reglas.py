"""Rules of the expedición de certificados (EXP001…EXP011): the docstring IS the message."""

from __future__ import annotations

from decimal import Decimal

from cupos.montos import ReglaDecimalesUnidad, ReglaMontoPositivo, formato_monto
from tramites.reglas import Regla

#: Most certificates one solicitud may ask for (the certificate folio has two digits).
MAX_CERTIFICADOS = 99


class EXP001(Regla):
    """El monto a expedir debe ser un número, por ejemplo 1500 o 1500.250."""

    codigo = "EXP001"
    campo = "monto"


class EXP002(ReglaMontoPositivo):
    """El monto a expedir debe ser mayor a cero."""

    codigo = "EXP002"


class EXP003(ReglaDecimalesUnidad):
    """El monto a expedir tiene más decimales de los que permite la unidad del cupo."""

    codigo = "EXP003"


class EXP004(Regla):
    """Saldo insuficiente: el total a expedir excede el saldo disponible de la asignación."""

    codigo = "EXP004"
    campo = "monto"

    def validar(self, total: Decimal, *, disponible: Decimal, unidad: str = "", **contexto):
        if total > disponible:
            raise self.falla(
                f"Total a expedir: {formato_monto(total, unidad)}; "
                f"saldo disponible: {formato_monto(disponible, unidad)}."
            )


class EXP005(Regla):
    """La asignación ya no está vigente."""

    codigo = "EXP005"

    def validar(self, asignacion, *, hoy, **contexto) -> None:
        if asignacion.estado != asignacion.Estado.VIGENTE or not (
            asignacion.vigencia_inicio <= hoy <= asignacion.vigencia_fin
        ):
            raise self.falla()


class EXP006(Regla):
    """Agregue al menos un monto a expedir."""

    codigo = "EXP006"

    def validar(self, lineas, **contexto) -> None:
        if not lineas:
            raise self.falla()


class EXP007(Regla):
    """Una solicitud puede incluir como máximo {maximo} certificados."""

    codigo = "EXP007"

    def validar(self, numero_lineas: int, **contexto) -> None:
        if numero_lineas > MAX_CERTIFICADOS:
            raise self.falla(maximo=MAX_CERTIFICADOS)


class EXP008(Regla):
    """No se encontró la asignación con el año y número de oficio indicados."""

    codigo = "EXP008"


class EXP009(Regla):
    """Adjunte el escrito conjunto (carta conjunta) dirigido a la DGIB y firmado por el
    representante legal del beneficiario y el de la comercializadora: es obligatorio para
    expedir el certificado a nombre de una comercializadora."""

    codigo = "EXP009"
    campo = "carta_conjunta"

    def validar(self, titular: dict, carta, **contexto) -> None:
        if titular.get("a_nombre_de") == "comercializadora" and carta is None:
            raise self.falla()


class EXP010(Regla):
    """Capture el RFC (válido) y la denominación o razón social de la comercializadora."""

    codigo = "EXP010"
    campo = "rfc_comercializadora"


class EXP011(Regla):
    """Este cupo no admite certificados a nombre de una comercializadora."""

    codigo = "EXP011"
    campo = "a_nombre_de"
