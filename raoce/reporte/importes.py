"""Amounts of the annual report: the one place that parses and formats them.

The balanza comercial is captured in *miles de pesos* (ventas totales a, exportaciones b,
importaciones c) and the bienes producidos carry a volumen; both arrive as text
(``1234.5``, ``1,234.5``) and are kept as Decimal with three decimals. Exports in dollars
print as ``USD 1,234.56``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from . import reglas

#: Largest amount (and volumen) accepted: 15 significant digits in total, 12 integer + 3
#: decimal. SQLite keeps decimals as floats (15 exact significant digits); a bigger value
#: would be saved altered (123456789012345.678 → …346.000) or unreadable, so it is refused
#: up front. The model columns (max_digits=18) are wider on purpose (PostgreSQL).
MAXIMO_MILES = Decimal("999999999999.999")
DIGITOS_MAXIMOS = 15
DECIMALES = 3
MILESIMA = Decimal("0.001")

_RE_NUMERO = re.compile(r"^\+?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_RE_MILES = re.compile(r"^\+?\d{1,3}(,\d{3})+(\.\d*)?$", re.ASCII)


# ------------------------------------------------------------------------------ parsing


def parsear_decimal(texto, etiqueta: str, *, positivo: bool = False) -> Decimal:
    """User input (``1234.5``, ``1,234.5``) → Decimal ≥ 0 (> 0 if ``positivo``) with at
    most three decimals, or :class:`~tramites.reglas.ReglaError` naming the field."""
    crudo = str(texto if texto is not None else "").strip().replace(" ", "")
    mayuscula = etiqueta[:1].upper() + etiqueta[1:]
    if not crudo:
        raise reglas.ImporteRequerido.falla(etiqueta=etiqueta)
    if crudo.startswith("-"):
        raise reglas.ImporteNegativo.falla(mayuscula=mayuscula)
    if _RE_MILES.match(crudo):
        crudo = crudo.replace(",", "")
    try:
        if not _RE_NUMERO.match(crudo):
            raise InvalidOperation
        valor = Decimal(crudo)
    except InvalidOperation:
        raise reglas.ImporteNoNumerico.falla(mayuscula=mayuscula) from None
    if valor > MAXIMO_MILES:
        raise reglas.ImporteDemasiadoGrande.falla(
            etiqueta=etiqueta,
            digitos=DIGITOS_MAXIMOS,
            decimales=DECIMALES,
            maximo=f"{MAXIMO_MILES:,}",
        )
    if valor.as_tuple().exponent < -DECIMALES and valor != valor.quantize(MILESIMA):
        raise reglas.ImporteConDecimalesDeMas.falla(mayuscula=mayuscula, decimales=DECIMALES)
    if positivo and valor <= 0:
        raise reglas.ImporteCero.falla(mayuscula=mayuscula)
    return valor.quantize(MILESIMA)


def parsear_miles(texto, etiqueta: str) -> Decimal:
    """An amount of the balanza comercial in miles de pesos (≥ 0, up to 3 decimals)."""
    return parsear_decimal(texto, f"el campo «{etiqueta}»")


def parsear_volumen(texto) -> Decimal:
    return parsear_decimal(texto, "el volumen del total producido", positivo=True)


# ------------------------------------------------------------------------------ formatting


def texto_miles(valor: Decimal | None) -> str | None:
    """Stored/cadena form: ``"1234.000"`` (None stays None)."""
    return None if valor is None else f"{valor:.3f}"


def cifra_miles(valor: Decimal | None) -> str:
    """``"1,234.000"`` ("" when None), for the oficios."""
    return "" if valor is None else f"{valor:,.3f}"


def formato_miles(valor: Decimal | None) -> str:
    """``Decimal("1234")`` → ``"1,234.000 miles de pesos"``."""
    if valor is None:
        return "—"
    return f"{valor:,.3f} miles de pesos"


def formato_numero(valor: Decimal | None, decimales: int = 3) -> str:
    return "—" if valor is None else f"{valor:,.{decimales}f}"


def formato_porcentaje(valor: Decimal | None) -> str:
    """``"60.00 %"`` ("—" when None)."""
    return "—" if valor is None else f"{valor:.2f} %"


def formato_usd(valor: Decimal | None) -> str:
    return "" if valor is None else f"USD {valor:,.2f}"


def formato_periodo(periodo: int) -> str:
    return f"01-{periodo} a 12-{periodo}"


def inicial(valor: Decimal | None) -> str:
    """How a saved amount is shown again in its text input (``1000``, ``0.5``)."""
    return "" if valor is None else f"{valor.normalize():f}"
