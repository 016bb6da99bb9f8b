"""Forms of the acuses pages (Spanish labels). Their templates lay them out with
``includes/campo.html``: both pages are hot, and crispy-forms cost ~40 % of their CPU."""

from django import forms

from acuses.models import ALFABETO_CODIGO


class BusquedaDocumentosForm(forms.Form):
    folio = forms.CharField(
        label="Folio",
        required=False,
        max_length=40,
        help_text="Folio del trámite o del documento (completo o en parte).",
    )
    fecha_inicial = forms.DateField(
        label="Fecha inicial",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    fecha_final = forms.DateField(
        label="Fecha final",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    error_messages = {
        "rango": "La fecha final debe ser igual o posterior a la fecha inicial.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nombre in ("fecha_inicial", "fecha_final"):
            self.fields[nombre].error_messages["invalid"] = (
                f"Escriba una {self.fields[nombre].label.lower()} válida (DD/MM/AAAA)."
            )

    def clean_folio(self):
        return (self.cleaned_data.get("folio") or "").strip()

    def clean(self):
        datos = super().clean()
        inicial, final = datos.get("fecha_inicial"), datos.get("fecha_final")
        if inicial and final and final < inicial:
            self.add_error("fecha_final", self.error_messages["rango"])
        return datos


class VerificacionForm(forms.Form):
    folio = forms.CharField(
        label="Folio",
        max_length=40,
        error_messages={"required": "Escriba el folio del documento."},
    )
    codigo = forms.CharField(
        label="Código de verificación",
        max_length=20,
        help_text="Los 12 caracteres impresos junto al código QR del documento.",
        error_messages={"required": "Escriba el código de verificación."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codigo"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_folio(self):
        return self.cleaned_data["folio"].strip()

    def clean_codigo(self):
        codigo = self.cleaned_data["codigo"].strip().upper().replace("-", "").replace(" ", "")
        if len(codigo) != 12 or any(c not in ALFABETO_CODIGO for c in codigo):
            raise forms.ValidationError(
                "El código de verificación tiene 12 letras y números; revíselo en el documento."
            )
        return codigo
