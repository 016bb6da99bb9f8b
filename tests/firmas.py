"""Signing a draft in tests exactly as the browser does (static/js/firma.js), without a page.

The Ventanilla issues the cadena original; the test signs it with the credential's key in
Python (SHA256withRSA, like node-forge) and hands the service certificate + signature only.
"""

import base64
import re

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from firma.testing import Credencial
from tramites import services


def firma_navegador(
    credencial: Credencial, cadena: str | bytes, *, cer: bytes | None = None
) -> dict:
    """POST data exactly as static/js/firma.js sends it: the .cer bytes and the SHA256withRSA
    (PKCS#1 v1.5) signature of the issued bytes, both base64. Nothing else (no key, no
    password). ``cer`` overrides the certificate sent (e.g. another one than the key's)."""
    datos = cadena.encode("utf-8") if isinstance(cadena, str) else cadena
    firma = credencial.abrir().sign(datos, padding.PKCS1v15(), hashes.SHA256())
    return {
        "certificado": base64.b64encode(credencial.cer if cer is None else cer).decode("ascii"),
        "firma": base64.b64encode(firma).decode("ascii"),
    }


_CADENA = re.compile(r'data-cadena="([A-Za-z0-9+/=]*)"')


def cadena_de(respuesta) -> str | None:
    """The challenge (login nonce or cadena original) a page issued for the browser to sign."""
    m = _CADENA.search(respuesta.content.decode("utf-8"))
    return base64.b64decode(m.group(1)).decode("utf-8") if m else None


def firmar_en(client, url: str, credencial: Credencial, extra: dict | None = None, **kw):
    """What a user does in the browser: open ``url`` (the signing page or the login page), sign
    the cadena it issued with the credential, and post certificate + signature. Returns the
    POST's response. When the page issues nothing (e.g. already signed), signs an empty cadena
    and posts anyway, as a stale tab would."""
    cadena = cadena_de(client.get(url)) or ""
    return client.post(url, {**firma_navegador(credencial, cadena, **kw), **(extra or {})})


def firmar_como_navegador(solicitud, cred, *, usuario, rfc_sesion=None, cer=None):
    emitida = services.emision_cadena()
    cadena = services.cadena_para_firma(solicitud, emitida)
    datos = firma_navegador(cred, cadena, cer=cer)
    return services.firmar_solicitud(
        solicitud,
        certificado=base64.b64decode(datos["certificado"]),
        firma=datos["firma"],
        cadena=cadena,
        emitida=emitida,
        usuario=usuario,
        rfc_sesion=rfc_sesion,
    )
