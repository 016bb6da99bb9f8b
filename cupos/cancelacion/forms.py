"""Forms of the cancelación wizard (seed 001). The search filters are choices of the
catalog; the certificate and its monto a favor arrive as text and are checked by the
service (``cupos.cancelacion.services``) so every rule has one place and one message."""

from django import forms

from cupos.cancelacion import services as cancelacion
from cupos.forms import campo_monto
from cupos.models import Mecanismo, Regimen, RepresentacionFederal

VACIO = [("", "Seleccione…")]
TODOS = [("", "Todos")]


class BuscarCuposForm(forms.Form):
    """Régimen aduanero* and mecanismo de asignación* are required; the rest narrow."""

    regimen = forms.ChoiceField(
        label="Régimen aduanero",
        choices=VACIO + list(Regimen.choices),
        error_messages={
            "required": "Seleccione el régimen aduanero.",
            "invalid_choice": "Seleccione un régimen aduanero de la lista.",
        },
    )
    mecanismo = forms.ChoiceField(
        label="Mecanismo de asignación",
        choices=VACIO + list(Mecanismo.choices),
        error_messages={
            "required": "Seleccione el mecanismo de asignación.",
            "invalid_choice": "Seleccione un mecanismo de asignación de la lista.",
        },
    )
    tratado = forms.ChoiceField(
        label="Tratado o bloque comercial",
        required=False,
        error_messages={"invalid_choice": "Seleccione un tratado o bloque comercial de la lista."},
    )
    producto = forms.ChoiceField(
        label="Producto",
        required=False,
        error_messages={"invalid_choice": "Seleccione un producto de la lista."},
    )
    subproducto = forms.ChoiceField(
        label="Subproducto",
        required=False,
        error_messages={"invalid_choice": "Seleccione un subproducto de la lista."},
    )
    representacion_federal = forms.ModelChoiceField(
        label="Representación Federal",
        required=False,
        queryset=RepresentacionFederal.objects.all(),
        empty_label="Todas",
        error_messages={"invalid_choice": "Seleccione una representación federal de la lista."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo, opciones in cancelacion.opciones_filtros().items():
            self.fields[campo].choices = TODOS + opciones

    def filtros(self) -> dict:
        """cleaned_data as JSON-safe filters (the representación as its id)."""
        datos = dict(self.cleaned_data)
        rep = datos.get("representacion_federal")
        datos["representacion_federal"] = rep.pk if rep else ""
        return {k: datos.get(k) or "" for k in cancelacion.FILTROS}


class AgregarCertificadoForm(forms.Form):
    certificado = forms.CharField(required=False, max_length=20)
    monto = campo_monto("Monto a favor")
