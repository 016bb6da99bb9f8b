"""Forms of the expedición wizard. Montos arrive as text and are parsed by the service
(``cupos.expedicion.services.parsear_monto``) so every rule has one place and one message."""

from django import forms
from django.utils import timezone

from cupos.forms import campo_monto


class BuscarAsignacionForm(forms.Form):
    anio = forms.IntegerField(
        label="Año del oficio de asignación",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Capture el año del oficio de asignación.",
            "invalid": "El año del oficio debe ser un número de cuatro dígitos.",
            "min_value": "El año del oficio no es válido.",
            "max_value": "El año del oficio no es válido.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    numero_oficio = forms.CharField(
        label="Número de oficio de asignación",
        max_length=30,
        error_messages={"required": "Capture el número de oficio de asignación."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anio"].initial = timezone.localdate().year


class MontoForm(forms.Form):
    monto = campo_monto("Monto a expedir")
