"""The trust store: CA certificates a FIEL must chain to."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtensionOID
from django.conf import settings

from .certificados import _es_pem


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
