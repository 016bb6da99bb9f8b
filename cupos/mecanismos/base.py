"""What every allocation mechanism shares: the seeds' constants, :class:`MecanismoError`
and the input helpers (exact decimals only, fields of dicts, tuples or objects)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal, InvalidOperation, localcontext

CERO = Decimal("0")
UNO = Decimal("1")
#: Seed 004, C and D: "El monto máximo a asignar por beneficiario será de 1,400 toneladas".
MAXIMO_PRIMERO_EN_TIEMPO = Decimal("1400000")
#: Seed 004, A: "El monto a asignar es hasta 15,000 Toneladas".
MAXIMO_LICONSA = Decimal("15000000")
#: Seed 004, D: 80 % for industrial companies, 20 % for other personas.
PROPORCION_INDUSTRIAL = Decimal("0.80")
#: Seed 004, D: industrial applicants must prove use of at least 70 % of their assignment.
EJERCICIO_MINIMO = Decimal("0.70")


class MecanismoError(ValueError):
    """Invalid input for an allocation mechanism. ``codigo`` is stable; ``mensaje`` is Spanish
    and meant for the user."""

    def __init__(self, codigo: str, mensaje: str):
        super().__init__(mensaje)
        self.codigo = codigo
        self.mensaje = mensaje

    def __repr__(self) -> str:
        return f"MecanismoError({self.codigo!r}, {self.mensaje!r})"


# -- input helpers -------------------------------------------------------------------------


def a_decimal(valor, campo: str, *, permitir_negativo: bool = False) -> Decimal:
    """Convert ``valor`` (Decimal, int or numeric str) to a finite Decimal; floats are refused
    because they cannot represent kilograms exactly."""
    if isinstance(valor, bool) or isinstance(valor, float):
        raise MecanismoError(
            "tipo_invalido", f"El campo «{campo}» debe ser un número exacto (no de punto flotante)."
        )
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        raise MecanismoError("dato_requerido", f"El campo «{campo}» es obligatorio.")
    try:
        numero = valor if isinstance(valor, Decimal) else Decimal(str(valor).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise MecanismoError(
            "numero_invalido", f"El campo «{campo}» no es un número válido: «{valor}»."
        ) from None
    if not numero.is_finite():
        raise MecanismoError("numero_invalido", f"El campo «{campo}» no es un número válido.")
    if numero < 0 and not permitir_negativo:
        raise MecanismoError("monto_negativo", f"El campo «{campo}» no puede ser negativo.")
    return numero


def _campo(fila, nombre: str, indice: int | None = None):
    if isinstance(fila, Mapping):
        if nombre not in fila:
            raise MecanismoError("dato_requerido", f"Falta el campo «{nombre}».")
        return fila[nombre]
    if isinstance(fila, (tuple, list)) and not hasattr(fila, nombre):
        if indice is None or indice >= len(fila):
            raise MecanismoError("dato_requerido", f"Falta el campo «{nombre}».")
        return fila[indice]
    if not hasattr(fila, nombre):
        raise MecanismoError("dato_requerido", f"Falta el campo «{nombre}».")
    return getattr(fila, nombre)


def _truncar(valor: Decimal, unidad: Decimal) -> Decimal:
    """``valor`` rounded DOWN to the exponent of ``unidad`` (never raises for huge values)."""
    if valor.as_tuple().exponent >= unidad.as_tuple().exponent:
        return valor
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, len(valor.as_tuple().digits))
        return valor.quantize(unidad, rounding=ROUND_DOWN)


def _menor(**candidatos: Decimal | None) -> tuple[Decimal, str]:
    """The smallest candidate and its name; ties go to the first one given."""
    nombre, valor = None, None
    for k, v in candidatos.items():
        if v is not None and (valor is None or v < valor):
            nombre, valor = k, v
    assert valor is not None and nombre is not None
    return valor, nombre
