"""The one place where cupos parses and formats amounts (montos).

* :func:`leer_decimal` reads a number typed by a person or a CSV cell (ASCII digits, an
  optional sign, ``,`` only as a thousands separator) → ``Decimal`` or ``None``;
* :func:`leer_monto` applies a procedure's rules to it (number, > 0, the unit's decimals,
  not absurdly large) and raises that procedure's :class:`~tramites.reglas.ReglaError`;
* :func:`formato_monto` prints an amount for people: thousands with ``,``, no trailing
  fractional zeros (``Decimal("14776400.000")`` → ``"14,776,400"``), plus the unit.

Plain Python (no Django): the allocation mechanisms use it too.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from tramites.reglas import Regla, ReglaError

CERO = Decimal("0")
#: Decimal places each unit (``Cupo.unidad``) allows in a monto (kg to the gram; pieces whole).
DECIMALES_UNIDAD = {"kg": 3, "l": 3, "pza": 0, "usd": 2}
MONTO_MAXIMO = Decimal("1e15")
_RE_NUMERO = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_RE_MILES = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$", re.ASCII)
_RE_ID = re.compile(r"[0-9]{1,18}", re.ASCII)


def compacto(valor) -> Decimal:
    """Same value without trailing fractional zeros: 202000.00 → 202000, 0.50 → 0.5."""
    numero = Decimal(valor)
    if numero == numero.to_integral_value():
        return numero.quantize(Decimal("1"))
    return numero.normalize()


def formato_monto(valor, unidad: str = "") -> str:
    """``Decimal("14776400.000")`` → ``"14,776,400"``; ``1234.5`` → ``"1,234.5"`` (+ unidad)."""
    if valor is None or valor == "":
        return ""
    try:
        numero = compacto(str(valor))
    except InvalidOperation:
        return str(valor)
    return f"{numero:,f} {unidad}".strip()


def decimales_de(valor: Decimal) -> int:
    """Significant decimal places of ``valor`` (1.500 → 1)."""
    exponente = Decimal(valor).normalize().as_tuple().exponent
    return max(0, -exponente) if isinstance(exponente, int) else 0


def leer_id(texto) -> int | None:
    """The row id of a button like ``accion=quitar-<id>``: ASCII digits only, else None."""
    texto = str(texto or "")
    return int(texto) if _RE_ID.fullmatch(texto) else None


def leer_decimal(texto) -> Decimal | None:
    """``"1500"``, ``"-1,500.250"`` → Decimal; ``None`` for anything else (no exponents,
    NaN, Infinity or non-ASCII digits)."""
    crudo = str(texto if texto is not None else "").strip().replace(" ", "")
    if _RE_MILES.match(crudo):
        crudo = crudo.replace(",", "")
    if not _RE_NUMERO.match(crudo):
        return None
    return Decimal(crudo)  # the pattern admits only plain decimal numbers


class ReglaMontoPositivo(Regla):
    """Base of the "monto > 0" rules; subclasses give the code and the message."""

    campo = "monto"

    def validar(self, monto: Decimal, **contexto) -> None:
        if monto <= CERO:
            raise self.falla()


class ReglaDecimalesUnidad(Regla):
    """Base of the "no more decimals than the unit allows" rules."""

    campo = "monto"

    def validar(self, monto: Decimal, *, unidad: str, **contexto) -> None:
        permitidos = DECIMALES_UNIDAD.get(unidad, 3)
        if decimales_de(monto) > permitidos:
            if permitidos == 0:
                raise self.falla("Capture una cantidad entera.")
            raise self.falla(f"Se permiten hasta {permitidos} decimales.")


def leer_monto(
    texto,
    unidad: str,
    *,
    numero: type[Regla],
    positivo: type[ReglaMontoPositivo],
    decimales: type[ReglaDecimalesUnidad],
    vacio: str,
    grande: str,
) -> Decimal:
    """A monto typed by a user ("1500", "1,500.250") → Decimal > 0 with the unit's decimals.

    Raises the ReglaError of the procedure's own rules (``numero``, ``positivo``,
    ``decimales``); ``vacio`` and ``grande`` are its messages for an empty and an absurdly
    large monto.
    """
    if not str(texto or "").strip().replace(" ", ""):
        raise ReglaError(vacio, numero.codigo, "monto")
    monto = leer_decimal(texto)
    if monto is None:
        raise numero.falla()
    positivo().validar(monto)
    decimales().validar(monto, unidad=unidad)
    if monto >= MONTO_MAXIMO:
        raise ReglaError(grande, numero.codigo, "monto")
    return monto
