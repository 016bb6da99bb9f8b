"""FIEL certificates (``.cer``): parsing DER or PEM, SAT names (T61String/Latin-1), FIEL vs CSD.

Everything here works on bytes in memory; untrusted input never raises anything but
:class:`~firma.errores.FielError`.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID
from django.conf import settings

from . import asn1
from .errores import CODIGOS, FielError

OID_CN = "2.5.4.3"
OID_SERIAL_NUMBER = "2.5.4.5"  # CURP
OID_O = "2.5.4.10"
OID_OU = "2.5.4.11"
OID_NAME = "2.5.4.41"
OID_UNIQUE_ID = "2.5.4.45"  # x500UniqueIdentifier: RFC


@dataclass
class CertificadoInfo:
    rfc: str
    rfc_representante: str
    curp: str
    curp_representante: str
    nombre: str
    tipo: str  # "FIEL" | "CSD"
    persona: str  # "fisica" | "moral"
    numero_certificado: str
    valido_desde: datetime
    valido_hasta: datetime
    emisor: str
    certificado: x509.Certificate = field(repr=False, compare=False)
    der: bytes = field(repr=False)

    @property
    def pem(self) -> str:
        cuerpo = base64.encodebytes(self.der).decode("ascii").replace("\n", "")
        lineas = [cuerpo[i : i + 64] for i in range(0, len(cuerpo), 64)]
        return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lineas) + "\n-----END CERTIFICATE-----\n"

    def __getstate__(self):
        estado = self.__dict__.copy()
        estado.pop("certificado", None)  # rebuilt from ``der``
        return estado

    def __setstate__(self, estado):
        self.__dict__.update(estado)
        self.certificado = x509.load_der_x509_certificate(self.der)

    @property
    def es_fiel(self) -> bool:
        return self.tipo == "FIEL"


_PEM_BLOQUE = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----", re.DOTALL)
_PEM_INICIO = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")


def _es_pem(data: bytes) -> bool:
    return b"-----BEGIN " in data[:2048]


def _bloques_pem(data: bytes) -> list[tuple[str, bytes, bool]]:
    """Return [(label, body, complete)] for every BEGIN marker in ``data``."""
    bloques = []
    completos = {m.start(): m for m in _PEM_BLOQUE.finditer(data)}
    for inicio in _PEM_INICIO.finditer(data):
        etiqueta = inicio.group(1).decode("ascii")
        m = completos.get(inicio.start())
        if m and m.group(1) == m.group(3):
            bloques.append((etiqueta, m.group(2), True))
        else:
            bloques.append((etiqueta, b"", False))
    return bloques


def _cuerpo_pem(cuerpo: bytes) -> bytes:
    """Base64-decode a PEM body (raises ValueError on bad base64)."""
    if b":" in cuerpo:  # RFC 1421 headers (Proc-Type, DEK-Info): not a plain DER body
        raise ValueError("encabezados PEM")
    limpio = b"".join(cuerpo.split())
    return base64.b64decode(limpio, validate=True)


def _revisar_tamano(data: bytes | None, vacio: str, grande: str) -> bytes:
    if not data:
        raise FielError(vacio)
    maximo = int(getattr(settings, "FIEL_MAX_BYTES", 64 * 1024))
    if len(data) > maximo:
        raise FielError(
            grande,
            f"{CODIGOS[grande][:-1]} (máximo {maximo // 1024} KiB; se recibieron "
            f"{len(data) // 1024} KiB).",
        )
    return bytes(data)


def _der_del_certificado(data: bytes) -> bytes:
    """Extract the certificate's DER from DER or PEM input, or raise a specific FielError."""
    if _es_pem(data):
        bloques = _bloques_pem(data)
        certificados = [b for b in bloques if b[0] in ("CERTIFICATE", "X509 CERTIFICATE")]
        if not certificados:
            etiquetas = [b[0] for b in bloques]
            if any("PRIVATE KEY" in e for e in etiquetas):
                raise FielError("certificado_es_llave")
            encontrado = etiquetas[0] if etiquetas else "?"
            raise FielError(
                "certificado_pem_incorrecto",
                "El archivo del certificado es PEM pero no contiene un certificado: tiene "
                f"«-----BEGIN {encontrado}-----» y se esperaba «-----BEGIN CERTIFICATE-----».",
            )
        _, cuerpo, completo = certificados[0]
        if not completo:
            raise FielError(
                "certificado_mal_formado",
                "El certificado PEM está incompleto: falta «-----END CERTIFICATE-----».",
            )
        try:
            return _cuerpo_pem(cuerpo)
        except (ValueError, binascii.Error):
            raise FielError(
                "certificado_mal_formado",
                "El certificado PEM está dañado: su contenido no es Base64 válido.",
            ) from None
    return data


def _formatear_nombre(atributos: list[tuple[str, str]]) -> str:
    datos = dict(atributos)
    partes = [datos.get(OID_CN, ""), datos.get(OID_O, "")]
    partes = [p for i, p in enumerate(partes) if p and p not in partes[:i]]
    return ", ".join(partes) or "(sin nombre)"


def _dos_partes(valor: str) -> tuple[str, str]:
    if "/" in valor:
        a, b = valor.split("/", 1)
        return a.strip().upper(), b.strip().upper()
    return valor.strip().upper(), ""


def _numero_certificado(serial: int) -> str:
    if serial <= 0:
        return str(serial)
    crudo = serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")
    try:
        texto = crudo.decode("ascii")
    except UnicodeDecodeError:
        return str(serial)
    return texto if texto.isdigit() else str(serial)


def _tipo(cert: x509.Certificate, atributos: list[tuple[str, str]]) -> str:
    """FIEL or CSD. A CSD carries an OU (the sucursal); a FIEL allows data encipherment /
    key agreement and has clientAuth + emailProtection in extKeyUsage (DESIGN §6)."""
    if any(oid == OID_OU for oid, _ in atributos):
        return "CSD"
    senales_fiel = False
    try:
        ku = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
        senales_fiel = ku.data_encipherment or ku.key_agreement
    except (x509.ExtensionNotFound, ValueError):
        pass
    try:
        eku = cert.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE).value
        if ExtendedKeyUsageOID.CLIENT_AUTH in eku or ExtendedKeyUsageOID.EMAIL_PROTECTION in eku:
            senales_fiel = True
    except (x509.ExtensionNotFound, ValueError):
        pass
    return "FIEL" if senales_fiel else "CSD"


def leer_certificado(data: bytes) -> CertificadoInfo:
    """Parse a ``.cer`` (DER or PEM). Raises :class:`FielError` with a specific code."""
    data = _revisar_tamano(data, "certificado_vacio", "certificado_demasiado_grande")
    der = _der_del_certificado(data)
    try:
        estructura = asn1.tipo_de_estructura(der)
    except asn1.DerError:
        raise FielError(
            "certificado_mal_formado",
            "El archivo del certificado (.cer) está dañado o incompleto (truncado); "
            "no es un certificado válido.",
        ) from None
    if estructura in ("llave_cifrada", "llave_sin_cifrar"):
        raise FielError("certificado_es_llave")
    if estructura == "llave_publica":
        raise FielError(
            "certificado_mal_formado",
            "El archivo contiene una llave pública, no un certificado (.cer).",
        )
    try:
        cert = x509.load_der_x509_certificate(der)
        emisor_der, sujeto_der = asn1.nombres_del_tbs(cert.tbs_certificate_bytes)
        sujeto = asn1.leer_nombre(sujeto_der)
        emisor = asn1.leer_nombre(emisor_der)
        serial = cert.serial_number
        desde, hasta = cert.not_valid_before_utc, cert.not_valid_after_utc
        tipo = _tipo(cert, sujeto)
    except Exception:  # any parse failure of untrusted bytes is "malformed", never a 500
        raise FielError("certificado_mal_formado") from None
    try:
        publica = cert.public_key()
    except Exception:
        publica = None
    if not isinstance(publica, rsa.RSAPublicKey):
        raise FielError(
            "certificado_mal_formado",
            "El certificado no contiene una llave pública RSA válida; no es una e.firma del SAT.",
        )
    datos = dict(sujeto)
    rfc, rfc_rep = _dos_partes(datos.get(OID_UNIQUE_ID, ""))
    if not rfc:
        raise FielError("certificado_sin_rfc")
    curp, curp_rep = _dos_partes(datos.get(OID_SERIAL_NUMBER, ""))
    nombre = datos.get(OID_CN) or datos.get(OID_NAME) or datos.get(OID_O) or ""
    return CertificadoInfo(
        rfc=rfc,
        rfc_representante=rfc_rep,
        curp=curp,
        curp_representante=curp_rep,
        nombre=nombre.strip(),
        tipo=tipo,
        persona="moral" if len(rfc) == 12 else "fisica",
        numero_certificado=_numero_certificado(serial),
        valido_desde=desde,
        valido_hasta=hasta,
        emisor=_formatear_nombre(emisor),
        certificado=cert,
        der=der,
    )


def _certificado_de(certificado_pem_o_der) -> x509.Certificate:
    if isinstance(certificado_pem_o_der, x509.Certificate):
        return certificado_pem_o_der
    if isinstance(certificado_pem_o_der, CertificadoInfo):
        return certificado_pem_o_der.certificado
    if isinstance(certificado_pem_o_der, str):
        certificado_pem_o_der = certificado_pem_o_der.encode("utf-8")
    return leer_certificado(certificado_pem_o_der).certificado
