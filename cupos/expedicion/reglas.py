"""Rules of the expedición de certificados (EXP001…EXP008): the docstring IS the message."""

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
