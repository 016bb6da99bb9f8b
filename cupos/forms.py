"""Form fields several cupos procedures share."""

from decimal import Decimal

from django import forms

from cupos.montos import leer_decimal


class CampoCantidad(forms.DecimalField):
    """A quantity typed as text and read like every other monto of cupos
    (:func:`cupos.montos.leer_decimal`: "1,000" and "1000.5" are numbers). A text input, not
    ``type=number``, so the browser keeps what the user typed when it is refused."""

    widget = forms.TextInput

    default_error_messages = {"invalid": "Capture un número, por ejemplo 1,500.250."}

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        numero = leer_decimal(value)
        if numero is None or not numero.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return numero

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs


def campo_cantidad(
    label: str, decimales: int, *, required=True, help_text=""
) -> forms.DecimalField:
    """A quantity in the cupo's unit with the unit's decimals (the asignación's data step)."""
    return CampoCantidad(
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
