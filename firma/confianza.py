"""The trust store and path validation of FIEL certificates.

Trust anchors, in this order (DESIGN §6, issue 7):

1. the SAT's production CAs shipped with the project (``firma/ac/produccion``, listed with their
   SHA-256 in ``MANIFIESTO.sha256``; setting ``FIEL_CA_PRODUCCION_DIR``), trusted everywhere;
2. the Ventanilla's demo CA (``$FIEL_DEMO_DIR/ca``) only when ``FIEL_CONFIAR_AC_DEMO`` is true
   (default: ``DEBUG``);
3. any folder named in ``FIEL_CA_DIR`` (``:``-separated), explicitly; the tests put the SAT's
   test CAs there.

Path validation at a moment is done by pyhanko-certvalidator (RFC 5280 path building with
signature, validity, name chaining, basic constraints and key usage checks), not by hand.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtensionOID
from django.conf import settings
from django.utils import timezone
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError
from pyhanko_certvalidator.registry import SimpleTrustManager

from . import asn1_sat
from .certificados import _es_pem

logger = logging.getLogger("firma")

MANIFIESTO = "MANIFIESTO.sha256"
EXTENSIONES = (".cer", ".pem", ".crt")

asn1_sat.aplicar()


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


def carpeta_produccion() -> Path:
    return Path(
        getattr(settings, "FIEL_CA_PRODUCCION_DIR", "")
        or Path(__file__).resolve().parent / "ac" / "produccion"
    )


def carpeta_demo() -> Path:
    return Path(settings.FIEL_DEMO_DIR) / "ca"


def confia_en_demo() -> bool:
    valor = getattr(settings, "FIEL_CONFIAR_AC_DEMO", None)
    return bool(settings.DEBUG if valor is None else valor)


def carpetas_confianza() -> list[Path]:
    carpetas = [carpeta_produccion()]
    if confia_en_demo():
        carpetas.append(carpeta_demo())
    extra = str(getattr(settings, "FIEL_CA_DIR", "") or "")
    carpetas += [Path(d.strip()) for d in extra.split(":") if d.strip()]
    return carpetas


def revisar_manifiesto(carpeta: Path | None = None) -> list[str]:
    """Problems with the shipped production store: missing folder or manifest, a file whose
    SHA-256 differs from the manifest, a listed file missing, a certificate not listed."""
    carpeta = carpeta or carpeta_produccion()
    manifiesto = carpeta / MANIFIESTO
    if not manifiesto.is_file():
        return [f"No existe {manifiesto}."]
    problemas, listados = [], set()
    for linea in manifiesto.read_text(encoding="ascii").splitlines():
        if not linea.strip():
            continue
        esperado, nombre = linea.split(maxsplit=1)
        nombre = nombre.lstrip("*")
        listados.add(nombre)
        ruta = carpeta / nombre
        if not ruta.is_file():
            problemas.append(f"Falta {nombre}.")
        elif hashlib.sha256(ruta.read_bytes()).hexdigest() != esperado:
            problemas.append(f"{nombre} no coincide con su SHA-256 del manifiesto.")
    for ruta in carpeta.iterdir():
        if ruta.suffix.lower() in EXTENSIONES and ruta.name not in listados:
            problemas.append(f"{ruta.name} no está en el manifiesto.")
    return problemas


@lru_cache(maxsize=16)
def _almacen_en_cache(archivos: tuple) -> tuple[x509.Certificate, ...]:
    certificados, vistos = [], set()
    for ruta, _mtime, _size in archivos:
        for cert in _leer_certificados_ca(Path(ruta)):
            huella = cert.fingerprint(hashes.SHA256())
            if huella not in vistos:
                vistos.add(huella)
                certificados.append(cert)
    return tuple(certificados)


def almacen_confianza() -> tuple[x509.Certificate, ...]:
    """Every certificate of the trust store folders (CAs and, e.g., the SAT's OCSP responder)."""
    archivos = []
    for carpeta in carpetas_confianza():
        if not carpeta.is_dir():
            continue
        for ruta in sorted(carpeta.iterdir()):
            if ruta.suffix.lower() in EXTENSIONES and ruta.is_file():
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


def es_de_produccion(emisor: x509.Certificate) -> bool:
    """True when ``emisor`` is one of the shipped SAT production CAs."""
    carpeta = carpeta_produccion()
    der = emisor.public_bytes(serialization.Encoding.DER)
    return any(
        c.public_bytes(serialization.Encoding.DER) == der
        for ruta in sorted(carpeta.glob("*"))
        if ruta.suffix.lower() in EXTENSIONES
        for c in _leer_certificados_ca(ruta)
    )


def a_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def ejecutar(corrutina):
    """Run a pyhanko-certvalidator coroutine from sync code (also when the calling thread
    already runs an event loop, e.g. under Playwright's sync API)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(corrutina)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as ejecutor:
        return ejecutor.submit(asyncio.run, corrutina).result()


@lru_cache(maxsize=8)
def _almacen_asn1(almacen: tuple) -> tuple[tuple, tuple]:
    """The store as asn1crypto objects and a trust manager, built once per store."""
    anclas = tuple(a_asn1(c) for c in almacen if _es_ca(c))
    otros = tuple(a_asn1(c) for c in almacen if not _es_ca(c))
    return anclas, otros, SimpleTrustManager.build(trust_roots=list(anclas))


def contexto(momento: datetime, **kwargs) -> ValidationContext:
    """A ValidationContext over the trust store; the trust manager is built once per store
    (hashing the anchors' names is most of a context's cost)."""
    _anclas, otros, gestor = _almacen_asn1(almacen_confianza())
    return ValidationContext(
        trust_manager=gestor,
        other_certs=list(otros),
        moment=momento,
        allow_fetching=False,
        **kwargs,
    )


def _en_vigencia(cert: x509.Certificate, momento: datetime) -> datetime:
    """``momento`` clamped into the certificate's own validity."""
    desde, hasta = cert.not_valid_before_utc, cert.not_valid_after_utc
    return min(max(momento, desde + timedelta(seconds=1)), hasta - timedelta(seconds=1))


def ruta_de_confianza(cert: x509.Certificate, momento: datetime):
    """The validated path (leaf → … → anchor) of ``cert`` at ``momento``, or None.

    The chain is checked at ``momento`` clamped into the certificate's own validity, so an
    expired certificate is reported as expired (by the caller), not as untrusted."""
    cuando = _en_vigencia(cert, momento)
    validador = CertificateValidator(
        a_asn1(cert), validation_context=contexto(cuando, revocation_mode="soft-fail")
    )
    try:
        return ejecutar(validador.async_validate_path())
    except (PathBuildingError, PathValidationError, ValidationError) as exc:
        logger.info("Cadena no confiable: %s", type(exc).__name__)
        return None


#: Chains already validated: (leaf SHA-256, trust store) → (desde, hasta), the interval in which
#: every certificate of the validated path is valid. Path validation depends only on the
#: certificates and the moment (revocation is checked by OCSP, separately and with its own
#: cache), so the same leaf checked again at a moment inside that interval is trusted without
#: rebuilding its path; a store that changes (a file added or edited) is another key. Only
#: successes are kept; least recently used entries go first.
_RUTAS_VALIDADAS: OrderedDict[tuple, tuple[datetime, datetime]] = OrderedDict()
RUTAS_EN_CACHE = 4096
_lock_rutas = threading.Lock()


def _intervalo(ruta) -> tuple[datetime, datetime]:
    certificados = list(ruta.iter_certs(include_root=True))
    return (
        max(c.not_valid_before for c in certificados),
        min(c.not_valid_after for c in certificados),
    )


def cadena_confiable(cert: x509.Certificate, momento: datetime | None = None) -> bool:
    """True when ``cert`` chains to a trust anchor at ``momento`` (default: now)."""
    momento = momento or timezone.now()
    clave = (cert.fingerprint(hashes.SHA256()), almacen_confianza())
    cuando = _en_vigencia(cert, momento)
    with _lock_rutas:
        intervalo = _RUTAS_VALIDADAS.get(clave)
        if intervalo is not None and intervalo[0] <= cuando <= intervalo[1]:
            _RUTAS_VALIDADAS.move_to_end(clave)
            return True
    ruta = ruta_de_confianza(cert, momento)
    if ruta is None:
        return False
    with _lock_rutas:
        _RUTAS_VALIDADAS[clave] = _intervalo(ruta)
        _RUTAS_VALIDADAS.move_to_end(clave)
        while len(_RUTAS_VALIDADAS) > RUTAS_EN_CACHE:
            _RUTAS_VALIDADAS.popitem(last=False)
    return True


def emisor_en_almacen(cert: x509.Certificate) -> x509.Certificate | None:
    """The store's CA certificate that issued ``cert`` (name and signature), if any."""
    for ca in almacen_confianza():
        if ca == cert or not _es_ca(ca):
            continue
        try:
            cert.verify_directly_issued_by(ca)
            return ca
        except Exception:  # InvalidSignature, name mismatch, unsupported algorithm, ...
            continue
    return None
