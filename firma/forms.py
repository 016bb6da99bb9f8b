"""The FIEL signing form (login «Con FIEL» and Paso 2 Firmar).

The browser opens the ``.key`` locally, signs the server's challenge and posts only two fields:
``certificado`` (the ``.cer`` file's bytes, base64) and ``firma`` (the SHA256withRSA signature,
base64). The inputs for the ``.cer`` and ``.key`` files and the password are drawn by the
template ``firma/_firmar.html`` WITHOUT a ``name``, so a form post can never carry them.
"""

import base64
import binascii

from django import forms
from django.conf import settings

from .errores import CODIGOS


def limite_archivo_fiel() -> int:
    """Maximum size in bytes of a .cer or .key (``FIEL_MAX_BYTES``)."""
    return int(getattr(settings, "FIEL_MAX_BYTES", 64 * 1024))


def _b64(valor: str) -> bytes:
    return base64.b64decode("".join((valor or "").split()), validate=True)


class FirmaFielForm(forms.Form):
    certificado = forms.CharField(
        widget=forms.HiddenInput,
        required=True,
        error_messages={"required": CODIGOS["firma_requerida"]},
    )
    firma = forms.CharField(
        widget=forms.HiddenInput,
        required=True,
        error_messages={"required": CODIGOS["firma_requerida"]},
    )

    def clean_certificado(self) -> bytes:
        valor = self.cleaned_data["certificado"]
        if len(valor) > limite_archivo_fiel() * 4 // 3 + 8:
            raise forms.ValidationError(
                f"El archivo del certificado (.cer) es demasiado grande; el máximo es "
                f"{limite_archivo_fiel() // 1024} KiB.",
                code="certificado_demasiado_grande",
            )
        try:
            datos = _b64(valor)
        except (ValueError, binascii.Error):
            raise forms.ValidationError(
                CODIGOS["certificado_mal_formado"], code="certificado_mal_formado"
            ) from None
        if not datos:
            raise forms.ValidationError(CODIGOS["certificado_vacio"], code="certificado_vacio")
        return datos

    def clean_firma(self) -> str:
        valor = "".join(self.cleaned_data["firma"].split())
        try:
            crudo = _b64(valor)
        except (ValueError, binascii.Error):
            crudo = b""
        if not 64 <= len(crudo) <= 1024:
            raise forms.ValidationError(CODIGOS["firma_mal_formada"], code="firma_mal_formada")
        return valor

    def errores(self) -> list[str]:
        """Every error message once, in order (both fields share «firma_requerida»)."""
        vistos: list[str] = []
        for lista in self.errors.values():
            for mensaje in lista:
                if mensaje not in vistos:
                    vistos.append(mensaje)
        return vistos
