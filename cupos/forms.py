"""Form fields several cupos procedures share."""

from decimal import Decimal

from django import forms


def campo_cantidad(
    label: str, decimales: int, *, required=True, help_text=""
) -> forms.DecimalField:
    """A quantity in the cupo's unit with the unit's decimals (the asignación's data step)."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=18,
        decimal_places=decimales,
        min_value=Decimal(0),
        help_text=help_text,
        localize=False,
    )


def campo_monto(label: str) -> forms.CharField:
    """A monto typed as text: the procedure's service parses it (:func:`cupos.montos.leer_monto`)
    so every rule has one place and one message."""
    return forms.CharField(
        label=label,
        max_length=40,
        required=False,
        error_messages={"max_length": "El monto tiene demasiados dígitos."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
