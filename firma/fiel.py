"""FIEL (e.firma) certificates and keys: parsing, verification and signing.

Everything here works on bytes in memory. The private key and its password are never written,
logged, cached or put in an exception message: callers get a key object they use and drop.

Each failure is a :class:`FielError` with a stable ``codigo`` (snake_case, for code and tests)
and a specific Spanish ``mensaje`` (for people). See :data:`CODIGOS` for the full list.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID
from django.conf import settings
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from . import asn1

logger = logging.getLogger("firma")

OID_CN = "2.5.4.3"
OID_SERIAL_NUMBER = "2.5.4.5"  # CURP
OID_O = "2.5.4.10"
OID_OU = "2.5.4.11"
OID_NAME = "2.5.4.41"
OID_UNIQUE_ID = "2.5.4.45"  # x500UniqueIdentifier: RFC

# Stable error codes and their default messages. Some messages get details appended
# (dates, RFCs, the issuer's name); the code never changes.
CODIGOS: dict[str, str] = {
    "certificado_vacio": "El archivo del certificado (.cer) está vacío.",
    "certificado_demasiado_grande": "El archivo del certificado (.cer) es demasiado grande.",
    "certificado_mal_formado": (
        "El archivo del certificado (.cer) está dañado o incompleto; no es un certificado válido."
    ),
    "certificado_pem_incorrecto": (
        "El archivo del certificado es PEM pero no contiene un certificado "
        "(se esperaba «-----BEGIN CERTIFICATE-----»)."
    ),
    "certificado_es_llave": (
        "El archivo que envió como certificado (.cer) contiene una llave privada (.key); "
        "revise que no haya intercambiado los archivos."
    ),
    "certificado_sin_rfc": "El certificado no contiene un RFC; no es una e.firma del SAT.",
    "llave_vacia": "El archivo de la llave privada (.key) está vacío.",
    "llave_demasiado_grande": "El archivo de la llave privada (.key) es demasiado grande.",
    "llave_mal_formada": (
        "El archivo de la llave privada (.key) está dañado o incompleto; no es una llave válida."
    ),
    "llave_pem_incorrecta": (
        "El archivo de la llave privada es PEM pero no contiene una llave privada cifrada "
        "(se esperaba «-----BEGIN ENCRYPTED PRIVATE KEY-----»)."
    ),
    "llave_sin_cifrar": (
        "La llave privada no está protegida con contraseña; use el archivo .key cifrado que "
        "entrega el SAT."
    ),
    "llave_es_certificado": (
        "El archivo que envió como llave privada (.key) es un certificado (.cer); "
        "revise que no haya intercambiado los archivos."
    ),
    "llave_algoritmo_no_soportado": (
        "La llave privada está cifrada con un algoritmo no soportado."
    ),
    "llave_no_rsa": "La llave privada no es RSA; la e.firma del SAT usa llaves RSA.",
    "password_requerida": "Escriba la contraseña de la clave privada.",
    "password_incorrecta": "La contraseña de la clave privada no es válida.",
    "llave_no_corresponde": "El certificado no corresponde con la llave privada.",
    "certificado_vencido": "El certificado está vencido.",
    "certificado_aun_no_vigente": "El certificado aún no es vigente.",
    "emisor_no_confiable": (
        "El certificado no fue emitido por una autoridad certificadora reconocida."
    ),
    "certificado_es_csd": "El certificado es un CSD (sello digital), no una e.firma.",
    "certificado_de_autoridad": (
        "El certificado es de una autoridad certificadora, no de una persona; use el .cer de "
        "su e.firma."
    ),
    "rfc_no_coincide": "El RFC del certificado no corresponde con el RFC de la sesión.",
    "verificacion_fallida": "No fue posible verificar el certificado; revise el archivo .cer.",
}


class FielError(Exception):
    """A FIEL problem the user can fix. ``codigo`` is stable; ``mensaje`` is Spanish."""

    def __init__(self, codigo: str, mensaje: str | None = None):
        self.codigo = codigo
        self.mensaje = mensaje or CODIGOS.get(codigo, "Error en la e.firma.")
        super().__init__(self.mensaje)

    def __repr__(self) -> str:
        return f"FielError({self.codigo!r}, {self.mensaje!r})"

    def as_dict(self) -> dict[str, str]:
        return {"codigo": self.codigo, "mensaje": self.mensaje}


# --------------------------------------------------------------------------------------------
# Certificates


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


# --------------------------------------------------------------------------------------------
# Private keys


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
            # Only the library's wording tells a wrong password from damaged data; the
            # exception is dropped (never chained) so no key material travels further.
            if "password" in str(exc).lower() or "decrypt" in str(exc).lower():
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


# --------------------------------------------------------------------------------------------
# Trust store


def _leer_certificados_ca(ruta: Path) -> list[x509.Certificate]:
    data = ruta.read_bytes()
    if _es_pem(data):
        try:
            return x509.load_pem_x509_certificates(data)
        except ValueError:
            return []
    try:
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        return []


@lru_cache(maxsize=16)
def _almacen_en_cache(firma_dirs: tuple) -> tuple[x509.Certificate, ...]:
    certificados = []
    for ruta, _mtime, _size in firma_dirs:
        for cert in _leer_certificados_ca(Path(ruta)):
            certificados.append(cert)
    return tuple(certificados)


def almacen_confianza() -> tuple[x509.Certificate, ...]:
    """The trusted CA certificates: every .cer/.pem/.crt file in each ``FIEL_CA_DIR`` folder."""
    dirs = str(getattr(settings, "FIEL_CA_DIR", "") or "")
    archivos = []
    for d in dirs.split(":"):
        if not d.strip():
            continue
        carpeta = Path(d.strip())
        if not carpeta.is_dir():
            continue
        for ruta in sorted(carpeta.iterdir()):
            if ruta.suffix.lower() in (".cer", ".pem", ".crt") and ruta.is_file():
                st = ruta.stat()
                archivos.append((str(ruta), st.st_mtime_ns, st.st_size))
    return _almacen_en_cache(tuple(archivos))


def _es_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca
    except x509.ExtensionNotFound:
        return True  # old roots without the extension; they were put in the store on purpose
    except ValueError:
        return False


def _declara_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca
    except (x509.ExtensionNotFound, ValueError):
        return False


def _emitido_por(cert: x509.Certificate, emisor: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(emisor)
        return True
    except Exception:  # InvalidSignature, name mismatch, unsupported algorithm, ...
        return False


def cadena_confiable(cert: x509.Certificate) -> bool:
    """True when ``cert`` was issued (name and signature) by a CA certificate of the trust
    store. Every certificate in the store is a trust anchor, so the issuing CA itself must be
    there (SAT publishes its intermediate ACs for that reason); strict RFC 5280 path building is
    not used because SAT's chains do not pass it (SHA-1 roots, expired roots, odd names)."""
    return any(ca != cert and _es_ca(ca) and _emitido_por(cert, ca) for ca in almacen_confianza())


# --------------------------------------------------------------------------------------------
# Verification


def _fecha(dt: datetime) -> str:
    local = dt.astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.strftime("%d/%m/%Y %H:%M") + " (hora del centro de México)"


@dataclass
class ResultadoVerificacion:
    certificado: CertificadoInfo | None = None
    vigente: bool | None = None
    cadena_confiable: bool | None = None
    llave_corresponde: bool | None = None
    errores: list[FielError] = field(default_factory=list)
    llave: object | None = field(default=None, repr=False, compare=False)
    requerir_fiel: bool = field(default=True, repr=False)

    def __getstate__(self):
        # Pickling (cache, session, task queue) never carries the private key.
        estado = self.__dict__.copy()
        estado["llave"] = None
        return estado

    @property
    def certificado_ok(self) -> bool:
        """The certificate alone is valid now (or at ``momento``), trusted, and (if required)
        a FIEL: no errors at all and vigente/cadena checked."""
        return (
            self.certificado is not None
            and self.vigente is True
            and self.cadena_confiable is True
            and not self.errores
        )

    @property
    def ok(self) -> bool:
        """Usable as a FIEL at that moment: valid trusted certificate, and the key opened with
        its password and matches it."""
        return self.certificado_ok and self.llave is not None and self.llave_corresponde is True

    @property
    def codigos(self) -> list[str]:
        return [e.codigo for e in self.errores]

    @property
    def mensajes(self) -> list[str]:
        return [e.mensaje for e in self.errores]

    def as_dict(self) -> dict:
        c = self.certificado
        return {
            "rfc": c.rfc if c else None,
            "rfc_representante": c.rfc_representante if c else None,
            "curp": c.curp if c else None,
            "curp_representante": c.curp_representante if c else None,
            "nombre": c.nombre if c else None,
            "tipo": c.tipo if c else None,
            "persona": c.persona if c else None,
            "numero_certificado": c.numero_certificado if c else None,
            "valido_desde": c.valido_desde.isoformat() if c else None,
            "valido_hasta": c.valido_hasta.isoformat() if c else None,
            "emisor": c.emisor if c else None,
            "vigente": self.vigente,
            "cadena_confiable": self.cadena_confiable,
            "llave_corresponde": self.llave_corresponde,
            "errores": [e.as_dict() for e in self.errores],
        }


def _momento(momento) -> datetime:
    if momento is None:
        return timezone.now()
    if isinstance(momento, str):
        momento = datetime.fromisoformat(momento)
    if timezone.is_naive(momento):
        momento = momento.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return momento


def _revisar_certificado(
    res: ResultadoVerificacion,
    info: CertificadoInfo,
    cuando: datetime,
    rfc_esperado: str | None,
    requerir_fiel: bool,
) -> None:
    if res.llave is not None:
        res.llave_corresponde = llave_corresponde(res.llave, info.certificado)
        if not res.llave_corresponde:
            res.errores.append(FielError("llave_no_corresponde"))
    if cuando < info.valido_desde:
        res.vigente = False
        res.errores.append(
            FielError(
                "certificado_aun_no_vigente",
                f"El certificado aún no es vigente: su vigencia inicia el "
                f"{_fecha(info.valido_desde)}.",
            )
        )
    elif cuando > info.valido_hasta:
        res.vigente = False
        res.errores.append(
            FielError(
                "certificado_vencido",
                f"El certificado está vencido desde el {_fecha(info.valido_hasta)}.",
            )
        )
    else:
        res.vigente = True
    res.cadena_confiable = cadena_confiable(info.certificado)
    if not res.cadena_confiable:
        res.errores.append(
            FielError(
                "emisor_no_confiable",
                "El certificado no fue emitido por una autoridad certificadora reconocida "
                f"(emisor: {info.emisor}).",
            )
        )
    if _declara_ca(info.certificado):
        res.errores.append(FielError("certificado_de_autoridad"))
    elif requerir_fiel and info.tipo == "CSD":
        res.errores.append(FielError("certificado_es_csd"))
    if rfc_esperado and info.rfc != rfc_esperado.strip().upper():
        res.errores.append(
            FielError(
                "rfc_no_coincide",
                f"El RFC del certificado ({info.rfc}) no corresponde con el RFC de la "
                f"sesión ({rfc_esperado.strip().upper()}).",
            )
        )


@sensitive_variables()
def verificar_fiel(
    cer: bytes,
    key: bytes | None = None,
    password: str | None = None,
    *,
    momento=None,
    rfc_esperado: str | None = None,
    requerir_fiel: bool = True,
) -> ResultadoVerificacion:
    """Verify a certificate and, when ``key`` is given, its private key and password.

    Never raises for bad input: every problem is collected in ``errores``. ``momento`` (aware
    datetime, naive = Mexico City, or ISO string) checks validity at a past moment.
    """
    res = ResultadoVerificacion(requerir_fiel=requerir_fiel)
    cuando = _momento(momento)
    try:
        res.certificado = leer_certificado(cer)
    except FielError as exc:
        res.errores.append(exc)

    if key is not None or password:
        try:
            res.llave = abrir_llave(key or b"", password or "")
        except FielError as exc:
            res.errores.append(exc)

    info = res.certificado
    if info is not None:
        try:
            _revisar_certificado(res, info, cuando, rfc_esperado, requerir_fiel)
        except Exception as exc:  # never a 500 for odd certificates; no details logged
            logger.warning("Error inesperado al verificar un certificado: %s", type(exc).__name__)
            res.errores.append(FielError("verificacion_fallida"))
    logger.info(
        "Verificación de e.firma: rfc=%s certificado=%s ok=%s errores=%s",
        info.rfc if info else "-",
        info.numero_certificado if info else "-",
        res.ok,
        ",".join(res.codigos) or "-",
    )
    return res


# --------------------------------------------------------------------------------------------
# Signing


@sensitive_variables("llave")
def firmar(llave, cadena: str) -> str:
    """SHA256withRSA over the UTF-8 bytes of ``cadena``; returns base64."""
    firma = llave.sign(cadena.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(firma).decode("ascii")


def _certificado_de(certificado_pem_o_der) -> x509.Certificate:
    if isinstance(certificado_pem_o_der, x509.Certificate):
        return certificado_pem_o_der
    if isinstance(certificado_pem_o_der, CertificadoInfo):
        return certificado_pem_o_der.certificado
    if isinstance(certificado_pem_o_der, str):
        certificado_pem_o_der = certificado_pem_o_der.encode("utf-8")
    return leer_certificado(certificado_pem_o_der).certificado


def verificar_firma(certificado_pem_o_der: bytes | str, cadena: str, sello_b64: str) -> bool:
    """True when ``sello_b64`` is a valid SHA256withRSA signature of ``cadena`` by the
    certificate's key. Never raises for bad input."""
    try:
        cert = _certificado_de(certificado_pem_o_der)
        firma = base64.b64decode("".join((sello_b64 or "").split()), validate=True)
        if not firma:
            return False
        cert.public_key().verify(firma, cadena.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return True
    except Exception:  # FielError, bad base64, InvalidSignature, unsupported key, ...
        return False
