"""FIEL private keys (``.key``): opening PKCS#8 with the password (UTF-8, then Windows-1252),
key/certificate pairing and SHA256withRSA signing.

Only the CLI (``fiel verificar``), the Ventanilla's own seal and test helpers open keys: the web
path receives a certificate and a signature, never a user's key or password. The key and its
password are never written, logged, cached or put in an exception message.
"""

from __future__ import annotations

import base64
import binascii

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.views.decorators.debug import sensitive_variables

from . import asn1
from .certificados import _bloques_pem, _cuerpo_pem, _es_pem, _revisar_tamano
from .errores import FielError


def _der_de_la_llave(data: bytes) -> tuple[bytes, bool]:
    """Return (bytes, is_legacy_pem). Legacy ``RSA PRIVATE KEY`` PEM encrypted with
    Proc-Type/DEK-Info is handed whole to cryptography's PEM loader."""
    if not _es_pem(data):
        return data, False
    bloques = _bloques_pem(data)
    for etiqueta, cuerpo, completo in bloques:
        if etiqueta == "ENCRYPTED PRIVATE KEY":
            if not completo:
                raise FielError(
                    "llave_mal_formada",
                    "La llave privada PEM está incompleta: falta «-----END ENCRYPTED PRIVATE KEY-----».",
                )
            try:
                return _cuerpo_pem(cuerpo), False
            except (ValueError, binascii.Error):
                raise FielError(
                    "llave_mal_formada",
                    "La llave privada PEM está dañada: su contenido no es Base64 válido.",
                ) from None
    etiquetas = [b[0] for b in bloques]
    for etiqueta, cuerpo, completo in bloques:
        if etiqueta in ("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY"):
            if completo and b"ENCRYPTED" in cuerpo and etiqueta == "RSA PRIVATE KEY":
                return data, True
            raise FielError("llave_sin_cifrar")
    if any("CERTIFICATE" in e for e in etiquetas):
        raise FielError("llave_es_certificado")
    encontrado = etiquetas[0] if etiquetas else "?"
    raise FielError(
        "llave_pem_incorrecta",
        "El archivo de la llave privada es PEM pero no contiene una llave privada cifrada: "
        f"tiene «-----BEGIN {encontrado}-----» y se esperaba "
        "«-----BEGIN ENCRYPTED PRIVATE KEY-----».",
    )


@sensitive_variables()
def _candidatas(password: str) -> list[bytes]:
    """UTF-8 first, then Windows-1252 (SAT's tools encode passwords that way)."""
    candidatas = [password.encode("utf-8")]
    try:
        cp = password.encode("cp1252")
    except UnicodeEncodeError:
        cp = None
    if cp is not None and cp not in candidatas:
        candidatas.append(cp)
    return candidatas


@sensitive_variables()
def abrir_llave(data: bytes, password: str):
    """Open a ``.key`` (PKCS#8 EncryptedPrivateKeyInfo, DER or PEM) with its password.

    Returns an RSA private key object. Unencrypted keys are refused (``llave_sin_cifrar``): a
    FIEL key always has a password, and accepting a bare key would skip that factor.
    """
    data = _revisar_tamano(data, "llave_vacia", "llave_demasiado_grande")
    if not password:
        raise FielError("password_requerida")
    der, pem_legado = _der_de_la_llave(data)
    if not pem_legado:
        try:
            estructura = asn1.tipo_de_estructura(der)
        except asn1.DerError:
            raise FielError(
                "llave_mal_formada",
                "El archivo de la llave privada (.key) está dañado o incompleto (truncado).",
            ) from None
        if estructura == "certificado":
            raise FielError("llave_es_certificado")
        if estructura == "llave_sin_cifrar":
            raise FielError("llave_sin_cifrar")
        if estructura != "llave_cifrada":
            raise FielError("llave_mal_formada")
    cargar = (
        serialization.load_pem_private_key if pem_legado else serialization.load_der_private_key
    )
    llave = None
    incorrecta = False
    for candidata in _candidatas(password):
        try:
            llave = cargar(der, password=candidata)
            break
        except UnsupportedAlgorithm:
            raise FielError("llave_algoritmo_no_soportado") from None
        except (ValueError, TypeError) as exc:
            # The exception is dropped (never chained) so no key material travels further.
            # A DER key's outer structure was checked above: whatever fails after decrypting
            # is the password (with 3DES-CBC a wrong one passes the padding check about once
            # in 256 tries and then yields garbage, not a "bad decrypt"). For legacy PEM only
            # the library's wording tells a wrong password from damaged data.
            mensaje = str(exc).lower()
            if not pem_legado or "password" in mensaje or "decrypt" in mensaje:
                incorrecta = True
                continue
            raise FielError("llave_mal_formada") from None
        except Exception:
            raise FielError("llave_mal_formada") from None
    if llave is None:
        raise FielError("password_incorrecta" if incorrecta else "llave_mal_formada")
    if not isinstance(llave, rsa.RSAPrivateKey):
        raise FielError("llave_no_rsa")
    return llave


def llave_corresponde(llave, certificado: x509.Certificate) -> bool:
    try:
        return llave.public_key().public_numbers() == certificado.public_key().public_numbers()
    except Exception:
        return False


@sensitive_variables("llave")
def firmar(llave, cadena: str) -> str:
    """SHA256withRSA over the UTF-8 bytes of ``cadena``; returns base64."""
    firma = llave.sign(cadena.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(firma).decode("ascii")
