"""Forms of the FIEL (e.firma): the upload form of login «Con FIEL» and of Paso 2 Firmar."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings


def limite_archivo_fiel() -> int:
    """Maximum size in bytes of a .cer or .key (``FIEL_MAX_BYTES``)."""
    return int(getattr(settings, "FIEL_MAX_BYTES", 64 * 1024))


class ArchivoFielField(forms.FileField):
    """A .cer/.key upload read into memory, size-limited, never saved."""

    def __init__(self, *args, nombre: str, **kwargs):
        self.nombre = nombre
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "required": f"Seleccione el archivo {nombre}.",
            "empty": f"El archivo {nombre} está vacío.",
            "invalid": f"No se pudo leer el archivo {nombre}.",
        }

    def clean(self, data, initial=None):
        archivo = super().clean(data, initial)
        limite = limite_archivo_fiel()
        if archivo.size > limite:
            raise forms.ValidationError(
                f"El archivo {self.nombre} es demasiado grande ({archivo.size // 1024} KiB); "
                f"el máximo es {limite // 1024} KiB. Verifique que seleccionó el archivo correcto.",
                code="archivo_grande",
            )
        contenido = archivo.read(limite + 1)
        if not contenido:
            raise forms.ValidationError(self.error_messages["empty"], code="empty")
        return contenido


class IngresoFielForm(forms.Form):
    cer = ArchivoFielField(
        label="Certificado (.cer)",
        nombre="del certificado (.cer)",
        widget=forms.ClearableFileInput(attrs={"accept": ".cer,.crt,.pem"}),
        allow_empty_file=False,
    )
    key = ArchivoFielField(
        label="Clave privada (.key)",
        nombre="de la clave privada (.key)",
        widget=forms.ClearableFileInput(attrs={"accept": ".key,.pem"}),
        allow_empty_file=False,
    )
    # Named "password" so django-axes masks it in its failure records.
    password = forms.CharField(
        label="Contraseña de la clave privada",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Escriba la contraseña de la clave privada."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
