"""Template helpers of cupos: amounts printed by the one money module (cupos.montos)."""

from django import template

from cupos.montos import formato_monto

register = template.Library()


@register.filter
def monto(valor, unidad: str = "") -> str:
    """``Decimal("14776400.000")`` → ``"14,776,400"`` ("" for None)."""
    return formato_monto(valor, unidad)
