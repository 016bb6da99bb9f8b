from django import forms
from django.conf import settings


class FirmaForm(forms.Form):
    """The solicitante's FIEL for Paso 2 Firmar solicitud. Files are read into memory
    only; nothing is stored."""

    cer = forms.FileField(
        label="Certificado (.cer)",
        widget=forms.ClearableFileInput(attrs={"accept": ".cer,.pem,.crt"}),
    )
    key = forms.FileField(
        label="Clave privada (.key)", widget=forms.ClearableFileInput(attrs={"accept": ".key,.pem"})
    )
    password = forms.CharField(
        label="Contraseña de la clave privada",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def _leer(self, nombre: str) -> bytes:
        f = self.cleaned_data[nombre]
        # Read one byte more than allowed so firma can report "demasiado grande" precisely.
        return f.read(settings.FIEL_MAX_BYTES + 1)

    def archivos(self) -> tuple[bytes, bytes, str]:
        return self._leer("cer"), self._leer("key"), self.cleaned_data["password"]


class BusquedaFolioForm(forms.Form):
    folio = forms.CharField(label="Folio o número temporal", required=False, max_length=25)
    fecha_inicial = forms.DateField(
        label="Fecha inicial", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    fecha_final = forms.DateField(
        label="Fecha final", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        ini, fin = data.get("fecha_inicial"), data.get("fecha_final")
        if ini and fin and fin < ini:
            raise forms.ValidationError("La fecha final no puede ser anterior a la fecha inicial.")
        return data
