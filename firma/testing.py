"""The project's own test CA and FIEL-shaped credentials (for tests and demo data).

Certificates mimic SAT's: RFC in x500UniqueIdentifier (2.5.4.45), CURP in serialNumber
(2.5.4.5), no OU for a FIEL (OU = sucursal for a CSD), keyUsage digitalSignature +
nonRepudiation + dataEncipherment + keyAgreement, extKeyUsage clientAuth + emailProtection,
a 20-digit ASCII serial, and the key as encrypted PKCS#8 DER (PBES2).

Nothing here is for production: these credentials prove nothing about anybody.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    NameOID,
    ObjectIdentifier,
)

from .llaves import abrir_llave

PASSWORD_DEMO = "12345678a"
NOMBRE_CA = "AC DEMO VENTANILLA"
ARCHIVO_CA = "ac-demo-ventanilla.cer"

OID_NAME = ObjectIdentifier("2.5.4.41")
_PRINTABLE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?")


def _texto(oid, valor: str) -> x509.NameAttribute:
    """PrintableString when the value allows it (as SAT does), UTF8String otherwise."""
    tipo = (
        x509.name._ASN1Type.PrintableString
        if set(valor) <= _PRINTABLE
        else x509.name._ASN1Type.UTF8String
    )
    return x509.NameAttribute(oid, valor, _type=tipo)


def nueva_llave() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def numero_certificado_aleatorio() -> str:
    """20 ASCII digits, like SAT's números de certificado."""
    return "9" + "".join(secrets.choice("0123456789") for _ in range(19))


def serial_de_numero(numero: str) -> int:
    return int.from_bytes(numero.encode("ascii"), "big")


def llave_der_cifrada(llave, password: str, codificacion: str = "utf-8") -> bytes:
    """PKCS#8 EncryptedPrivateKeyInfo DER (PBES2), like SAT's ``.key``."""
    return llave.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode(codificacion)),
    )


def _ahora() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class CA:
    certificado: x509.Certificate
    llave: rsa.RSAPrivateKey = field(repr=False)
    dir: Path | None = None

    @property
    def cer(self) -> bytes:
        return self.certificado.public_bytes(serialization.Encoding.DER)

    @property
    def cer_path(self) -> Path | None:
        return self.dir / ARCHIVO_CA if self.dir else None


@dataclass
class Credencial:
    cer: bytes
    key: bytes = field(repr=False)
    password: str = field(repr=False)
    rfc: str
    nombre: str = ""
    tipo: str = "FIEL"

    @property
    def persona(self) -> str:
        return "moral" if len(self.rfc) == 12 else "fisica"

    def abrir(self):
        """The private key object (for tests that sign directly)."""
        return abrir_llave(self.key, self.password)


def crear_ca(dir: Path | str | None = None, *, nombre: str = NOMBRE_CA) -> CA:
    """A self-signed CA. With ``dir`` its certificate is written there as DER
    (``ac-demo-ventanilla.cer``) so the folder can be used as a ``FIEL_CA_DIR`` entry."""
    llave = nueva_llave()
    sujeto = x509.Name(
        [
            _texto(NameOID.COMMON_NAME, nombre),
            _texto(NameOID.ORGANIZATION_NAME, "VENTANILLA (DEMOSTRACION, SIN VALIDEZ)"),
            _texto(NameOID.ORGANIZATIONAL_UNIT_NAME, "Autoridad certificadora de pruebas"),
            _texto(NameOID.COUNTRY_NAME, "MX"),
        ]
    )
    ahora = _ahora()
    cert = (
        x509.CertificateBuilder()
        .subject_name(sujeto)
        .issuer_name(sujeto)
        .public_key(llave.public_key())
        .serial_number(serial_de_numero(numero_certificado_aleatorio()))
        .not_valid_before(ahora - dt.timedelta(days=1))
        .not_valid_after(ahora + dt.timedelta(days=365 * 15))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(llave.public_key()), critical=False
        )
        .sign(llave, hashes.SHA256())
    )
    ca = CA(certificado=cert, llave=llave, dir=Path(dir) if dir else None)
    if ca.dir:
        ca.dir.mkdir(parents=True, exist_ok=True)
        ca.cer_path.write_bytes(ca.cer)
    return ca


def guardar_llave_ca(ca: CA, ruta: Path, password: str = PASSWORD_DEMO) -> None:
    ruta.parent.mkdir(parents=True, exist_ok=True)
    ruta.write_bytes(llave_der_cifrada(ca.llave, password))
    ruta.chmod(0o600)


def cargar_ca(cer_path: Path, key_path: Path, password: str = PASSWORD_DEMO) -> CA:
    cert = x509.load_der_x509_certificate(Path(cer_path).read_bytes())
    return CA(
        certificado=cert,
        llave=abrir_llave(Path(key_path).read_bytes(), password),
        dir=Path(cer_path).parent,
    )


def emitir_credencial(
    ca: CA,
    rfc: str,
    nombre: str,
    *,
    curp: str = "",
    rfc_representante: str = "",
    curp_representante: str = "",
    tipo: str = "FIEL",
    valido_desde: dt.datetime | None = None,
    valido_hasta: dt.datetime | None = None,
    password: str = PASSWORD_DEMO,
    correo: str = "",
    sucursal: str = "Sucursal 1",
    codificacion_password: str = "utf-8",
    llave=None,
    ocsp_url: str = "",
) -> Credencial:
    """Issue a FIEL- (or CSD-) shaped certificate and its encrypted key, signed by ``ca``."""
    rfc = rfc.strip().upper()
    llave = llave or nueva_llave()
    atributos = [
        _texto(NameOID.COMMON_NAME, nombre),
        _texto(OID_NAME, nombre),
        _texto(NameOID.ORGANIZATION_NAME, nombre),
        _texto(NameOID.COUNTRY_NAME, "MX"),
    ]
    if correo:
        atributos.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, correo))
    atributos.append(
        _texto(
            NameOID.X500_UNIQUE_IDENTIFIER,
            f"{rfc} / {rfc_representante}" if rfc_representante else rfc,
        )
    )
    if curp or curp_representante:
        atributos.append(
            _texto(
                NameOID.SERIAL_NUMBER,
                f"{curp} / {curp_representante}" if curp_representante else curp,
            )
        )
    if tipo == "CSD":
        atributos.append(_texto(NameOID.ORGANIZATIONAL_UNIT_NAME, sucursal))
    ahora = _ahora()
    desde = valido_desde or ahora - dt.timedelta(days=1)
    hasta = valido_hasta or ahora + dt.timedelta(days=365 * 4)
    constructor = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(atributos))
        .issuer_name(ca.certificado.subject)
        .public_key(llave.public_key())
        .serial_number(serial_de_numero(numero_certificado_aleatorio()))
        .not_valid_before(desde)
        .not_valid_after(hasta)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=tipo == "FIEL",
                key_agreement=tipo == "FIEL",
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.llave.public_key()),
            critical=False,
        )
    )
    if tipo == "FIEL":
        constructor = constructor.add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
    if ocsp_url:
        constructor = constructor.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                    )
                ]
            ),
            critical=False,
        )
    cert = constructor.sign(ca.llave, hashes.SHA256())
    return Credencial(
        cer=cert.public_bytes(serialization.Encoding.DER),
        key=llave_der_cifrada(llave, password, codificacion_password),
        password=password,
        rfc=rfc,
        nombre=nombre,
        tipo=tipo,
    )


def escribir_credencial(cred: Credencial, cer_path: Path, key_path: Path) -> None:
    cer_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cer_path.write_bytes(cred.cer)
    key_path.write_bytes(cred.key)
    key_path.chmod(0o600)


# The Ventanilla's own seal (a CSD-shaped certificate: OU = the office that seals).
RFC_VENTANILLA = "VDC200101BV1"
NOMBRE_VENTANILLA = "VENTANILLA DIGITAL DE COMERCIO EXTERIOR (DEMO)"


def emitir_sello_ventanilla(ca: CA | None, password: str) -> Credencial:
    """The server seal. Without a CA, a throw-away CA signs it (only for DEBUG / tests)."""
    ca = ca or crear_ca(None, nombre="AC SELLO VENTANILLA (AUTOGENERADA)")
    return emitir_credencial(
        ca,
        RFC_VENTANILLA,
        NOMBRE_VENTANILLA,
        tipo="CSD",
        sucursal="Sello de la Ventanilla",
        password=password,
        valido_hasta=_ahora() + dt.timedelta(days=365 * 10),
    )
