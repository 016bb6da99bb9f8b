"""PAdES signature of the PDFs the Ventanilla issues, with its own seal (pyHanko).

Every acuse, certificado, oficio and resolución gets a PAdES baseline signature (CMS,
``ETSI.CAdES.detached``, SHA-256) by the Ventanilla's seal (``VENTANILLA_SELLO_CER`` /
``_KEY``, see :mod:`firma.sello`), with the seal's CA certificates embedded, so a PDF reader
validates it offline and shows when a byte was changed. The QR and the verification page stay.
"""

from __future__ import annotations

import io
import re

from asn1crypto import keys, tsp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import attributes, fields, signers
from pyhanko.sign.general import as_signing_certificate_v2, get_pyca_cryptography_hash
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import asn1_sat
from .confianza import a_asn1, emisor_en_almacen
from .sello import certificado_y_llave_ventanilla

asn1_sat.aplicar()

CAMPO = "SelloVentanilla"


class _FirmanteVentanilla(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-reads the private key from DER on every signature (≈40 ms of
    RSA key checks, twice per PDF); this one signs with the key already loaded."""

    def __init__(self, llave, **kwargs):
        super().__init__(**kwargs)
        self._llave = llave
        #: Bytes to reserve for the CMS in the PDF, learnt from this signer's first signature.
        #: Without it pyHanko sizes every signature by building a whole dummy one first (half
        #: the sealing time); the container's size does not change from one PDF to the next.
        self.reserva: int | None = None
        # The signing-certificate-v2 attribute (hash, issuer and serial of the seal's
        # certificate) is the same in every signature; pyHanko rebuilds and re-encodes it,
        # issuer name included, several times per signature (most of the sealing time).
        self._certificado_v2 = _CertificadoFirmante(
            tsp.SigningCertificateV2.load(as_signing_certificate_v2(self.signing_cert).dump())
        )

    def _signed_attr_provider_spec(self, *args, **kwargs):
        return _ConCertificadoFijo(
            super()._signed_attr_provider_spec(*args, **kwargs), self._certificado_v2
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mecanismo = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mecanismo != "rsassa_pkcs1v15":  # the seal is an RSA key; anything else: pyHanko's
            return super().sign_raw(data, digest_algorithm)
        return self._llave.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


class _CertificadoFirmante(attributes.CMSAttributeProvider):
    """signing-certificate-v2 from a value encoded once (asn1crypto keeps its bytes)."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, valor: tsp.SigningCertificateV2):
        self._valor = valor

    async def build_attr_value(self, dry_run=False):
        return self._valor


class _ConCertificadoFijo:
    """pyHanko's signed-attribute providers, with :class:`_CertificadoFirmante` in place of
    its SigningCertificateV2Provider (same attribute, same bytes)."""

    def __init__(self, especificacion, certificado: _CertificadoFirmante):
        self._especificacion = especificacion
        self._certificado = certificado

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str):
        for proveedor in self._especificacion.signed_attr_providers(
            data_digest=data_digest, digest_algorithm=digest_algorithm
        ):
            if isinstance(proveedor, attributes.SigningCertificateV2Provider):
                yield self._certificado
            else:
                yield proveedor


#: The signer built for the seal currently loaded, with that seal's certificate and key
#: objects (held here, so compared by identity): building it (key to DER and back, the
#: issuer looked up in the trust store) is done once per seal, not per PDF.
_firmante_actual: list = [None, None, None]


def _firmante() -> signers.SimpleSigner:
    info, llave = certificado_y_llave_ventanilla()
    guardado_info, guardada_llave, firmante = _firmante_actual
    if firmante is None or guardado_info is not info or guardada_llave is not llave:
        firmante = _construir_firmante(info, llave)
        _firmante_actual[:] = [info, llave, firmante]
    return firmante


def _construir_firmante(info, llave) -> signers.SimpleSigner:
    der_llave = llave.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cadena = []
    emisor = emisor_en_almacen(info.certificado)
    if emisor is not None:
        cadena.append(a_asn1(emisor))
    return _FirmanteVentanilla(
        llave,
        signing_cert=a_asn1(info.certificado),
        signing_key=keys.PrivateKeyInfo.load(der_llave),
        cert_registry=SimpleCertificateStore.from_certs(cadena),
    )


def firmar_pdf(pdf: bytes, *, razon: str = "", ubicacion: str = "Ciudad de México") -> bytes:
    """``pdf`` with a PAdES signature by the Ventanilla's seal (incremental update)."""
    escritor = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadatos = signers.PdfSignatureMetadata(
        field_name=CAMPO,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=razon or "Documento emitido por la Ventanilla Única",
        location=ubicacion,
        name="Ventanilla Única de Comercio Exterior",
    )
    firmante = _firmante()
    salida = signers.sign_pdf(
        escritor, metadatos, signer=firmante, bytes_reserved=firmante.reserva
    ).getvalue()
    if firmante.reserva is None:
        firmante.reserva = _reservado(salida[len(pdf) :])
    return salida


def _reservado(actualizacion: bytes) -> int | None:
    """Size (hex digits) pyHanko reserved for the signature in this incremental update."""
    contenido = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", actualizacion)
    return len(contenido.group(1)) if contenido else None
