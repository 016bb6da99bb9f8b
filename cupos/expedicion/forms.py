"""Forms of the expedición wizard. Montos arrive as text and are parsed by the service
(``cupos.expedicion.services.parsear_monto``) so every rule has one place and one message."""

from django import forms
from django.utils import timezone

from cupos.expedicion import titular
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


class TitularForm(forms.Form):
    """In whose name the certificates are issued (seed 002). The rules (RFC, the required
    letter) are the service's (:mod:`cupos.expedicion.titular`), so each has one message."""

    a_nombre_de = forms.ChoiceField(
        label="Expedir los certificados a nombre",
        choices=titular.OPCIONES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Seleccione a nombre de quién se expiden los certificados.",
            "invalid_choice": "Seleccione a nombre de quién se expiden los certificados.",
        },
    )
    rfc_comercializadora = forms.CharField(
        label="RFC de la comercializadora", max_length=13, required=False
    )
    nombre_comercializadora = forms.CharField(
        label="Denominación o razón social de la comercializadora", max_length=254, required=False
    )
    carta_conjunta = forms.FileField(
        label=titular.NOMBRE_CARTA + " (PDF)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )
