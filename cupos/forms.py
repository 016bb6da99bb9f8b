"""Form fields several cupos procedures share."""

from django import forms


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
