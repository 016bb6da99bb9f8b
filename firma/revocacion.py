"""Revocation of FIEL certificates by OCSP (RFC 6960), cached, with a timeout and a policy.

- Responder URL: the certificate's AIA (OCSP) or, for certificates issued by one of the SAT's
  production CAs (whose FIELs carry no AIA), ``FIEL_OCSP_URL`` (the SAT's responder).
- Each answer is verified: the responder must be the issuing CA or a certificate it delegated
  (issued by it, extKeyUsage OCSPSigning), the signature must verify, and the answer must be
  about this certificate. Good and revoked answers are then checked by pyhanko-certvalidator
  (path validation with the OCSP response as revocation information, ``hard-fail``), which also
  checks the responder's authorisation; an answer it does not accept counts as no answer.
- Definitive answers (vigente, revocado, desconocido) are cached per certificate for
  ``FIEL_OCSP_CACHE`` seconds; the HTTP request times out after ``FIEL_OCSP_TIMEOUT`` seconds.
- ``FIEL_REVOCACION``: ``fail-closed`` (no answer → refuse; default when not DEBUG),
  ``fail-open`` (no answer → accept, logged to the ``firma.auditoria`` logger) or
  ``no-consultar``. Applied by :mod:`firma.verificacion`.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID
from django.conf import settings
from django.core.cache import cache
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator.errors import RevokedError, ValidationError

from .confianza import a_asn1, contexto, ejecutar, es_de_produccion

logger = logging.getLogger("firma")
auditoria = logging.getLogger("firma.auditoria")

ESTADOS = ("vigente", "revocado", "desconocido", "no_consultado")


@dataclass
class Revocacion:
    estado: str  # one of ESTADOS
    fecha: datetime | None = None  # revocation time (revocado) or the answer's thisUpdate
    fuente: str | None = None  # responder URL ("… (caché)" when cached); None if not asked
    motivo: str = ""  # why there is no answer (no_consultado)

    def as_dict(self) -> dict:
        return {
            "estado": self.estado,
            "fecha": self.fecha.isoformat() if self.fecha else None,
            "fuente": self.fuente,
        }


class SinRespuesta(Exception):
    """The responder gave no usable answer (unreachable, tryLater, bad signature…)."""


def politica() -> str:
    valor = getattr(settings, "FIEL_REVOCACION", None)
    if not valor:
        return "fail-open" if settings.DEBUG else "fail-closed"
    return str(valor)


def url_ocsp(cert: x509.Certificate, emisor: x509.Certificate | None) -> str | None:
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
        for desc in aia:
            if desc.access_method == AuthorityInformationAccessOID.OCSP:
                return desc.access_location.value
    except (x509.ExtensionNotFound, ValueError):
        pass
    if emisor is not None and es_de_produccion(emisor):
        return str(getattr(settings, "FIEL_OCSP_URL", "") or "") or None
    return None


def _clave_cache(cert: x509.Certificate) -> str:
    return "ocsp:" + hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _verifica(publica, firma: bytes, datos: bytes, algoritmo) -> bool:
    try:
        if isinstance(publica, rsa.RSAPublicKey):
            publica.verify(firma, datos, padding.PKCS1v15(), algoritmo)
        elif isinstance(publica, ec.EllipticCurvePublicKey):
            publica.verify(firma, datos, ec.ECDSA(algoritmo))
        else:
            return False
        return True
    except Exception:
        return False


def _responde_por(resp, cert: x509.Certificate) -> bool:
    if resp.responder_key_hash is not None:
        return resp.responder_key_hash == _hash_llave(cert)
    return resp.responder_name == cert.subject


def _hash_llave(cert: x509.Certificate) -> bytes:
    """RFC 6960 KeyHash: SHA-1 of the subjectPublicKey BIT STRING's value."""
    spki = a_asn1(cert)["tbs_certificate"]["subject_public_key_info"]
    return hashlib.sha1(spki["public_key"].contents[1:]).digest()  # noqa: S324


def _responder_autorizado(resp, emisor: x509.Certificate) -> x509.Certificate | None:
    """The certificate that signed ``resp`` if it is the issuer or delegated by it."""
    if _responde_por(resp, emisor):
        return emisor
    for cand in resp.certificates:
        if not _responde_por(resp, cand):
            continue
        try:
            cand.verify_directly_issued_by(emisor)
            eku = cand.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except Exception:
            continue
        if ExtendedKeyUsageOID.OCSP_SIGNING in eku:
            return cand
    return None


def leer_respuesta(der: bytes):
    """Parse an OCSP response without trusting it: ``(estado, fecha, serial)``. Raises
    :class:`SinRespuesta` for unparsable or unsuccessful (e.g. tryLater) responses."""
    try:
        resp = ocsp.load_der_ocsp_response(der)
    except Exception:
        raise SinRespuesta("respuesta OCSP mal formada") from None
    if resp.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise SinRespuesta(f"el servicio OCSP respondió {resp.response_status.name}")
    estado = {
        ocsp.OCSPCertStatus.GOOD: "vigente",
        ocsp.OCSPCertStatus.REVOKED: "revocado",
        ocsp.OCSPCertStatus.UNKNOWN: "desconocido",
    }[resp.certificate_status]
    fecha = resp.revocation_time_utc if estado == "revocado" else resp.this_update_utc
    return estado, fecha, resp.serial_number


def interpretar(
    der: bytes, cert: x509.Certificate, emisor: x509.Certificate, momento: datetime, fuente: str
) -> Revocacion:
    """A verified :class:`Revocacion` from the responder's bytes, or :class:`SinRespuesta`."""
    estado, fecha, serial = leer_respuesta(der)
    resp = ocsp.load_der_ocsp_response(der)
    if serial != cert.serial_number:
        raise SinRespuesta("la respuesta OCSP es de otro certificado")
    responder = _responder_autorizado(resp, emisor)
    if responder is None or not _verifica(
        responder.public_key(),
        resp.signature,
        resp.tbs_response_bytes,
        resp.signature_hash_algorithm,
    ):
        raise SinRespuesta("la respuesta OCSP no está firmada por la AC ni por un delegado suyo")
    if estado == "desconocido":
        return Revocacion("desconocido", fecha, fuente)
    validador = CertificateValidator(
        a_asn1(cert),
        intermediate_certs=[a_asn1(emisor)],
        validation_context=contexto(momento, ocsps=[der], revocation_mode="hard-fail"),
    )
    try:
        ejecutar(validador.async_validate_path())
    except RevokedError:
        return Revocacion("revocado", fecha, fuente)
    except ValidationError as exc:
        raise SinRespuesta(f"respuesta OCSP no aceptada ({type(exc).__name__})") from None
    if estado == "revocado":  # the library accepted a revoked answer: never trust that
        return Revocacion("revocado", fecha, fuente)
    return Revocacion("vigente", fecha, fuente)


def _preguntar(url: str, cert: x509.Certificate, emisor: x509.Certificate) -> bytes:
    solicitud = (
        ocsp.OCSPRequestBuilder().add_certificate(cert, emisor, hashes.SHA1()).build()  # noqa: S303
    )
    peticion = urllib.request.Request(
        url,
        data=solicitud.public_bytes(serialization.Encoding.DER),
        headers={"Content-Type": "application/ocsp-request"},
        method="POST",
    )
    timeout = float(getattr(settings, "FIEL_OCSP_TIMEOUT", 5))
    try:
        with urllib.request.urlopen(peticion, timeout=timeout) as r:  # noqa: S310
            return r.read(256 * 1024)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise SinRespuesta(f"no se pudo consultar {url} ({type(exc).__name__})") from None


def consultar(
    cert: x509.Certificate, emisor: x509.Certificate | None, momento: datetime
) -> Revocacion:
    """Ask (or recall) whether ``cert`` is revoked. Never raises: no answer gives
    ``no_consultado`` with a ``motivo``."""
    url = url_ocsp(cert, emisor)
    if emisor is None or not url:
        return Revocacion("no_consultado", motivo="el certificado no indica servicio OCSP")
    clave = _clave_cache(cert)
    guardado = cache.get(clave)
    if guardado:
        estado, fecha, fuente = guardado
        return Revocacion(estado, fecha, f"{fuente} (caché)")
    try:
        resultado = interpretar(_preguntar(url, cert, emisor), cert, emisor, momento, url)
    except SinRespuesta as exc:
        logger.warning("OCSP sin respuesta utilizable: %s", exc)
        return Revocacion("no_consultado", fuente=url, motivo=str(exc))
    cache.set(
        clave,
        (resultado.estado, resultado.fecha, url),
        timeout=int(getattr(settings, "FIEL_OCSP_CACHE", 3600)),
    )
    return resultado
