"""Verifying a FIEL: certificate validity at a moment, trust, FIEL vs CSD, RFC, and signatures.

Never raises for bad input: every problem is a :class:`~firma.errores.FielError` in the result.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.conf import settings
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from . import revocacion as rev
from .certificados import CertificadoInfo, _certificado_de, leer_certificado
from .confianza import _declara_ca, cadena_confiable, emisor_en_almacen
from .errores import FielError
from .llaves import abrir_llave, llave_corresponde

logger = logging.getLogger("firma")


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
    firma_valida: bool | None = None
    revocacion: rev.Revocacion | None = None
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
        """Usable as a FIEL at that moment: valid trusted certificate, and either the key opened
        with its password and matches it (CLI) or a signature by its key verified (web)."""
        if not self.certificado_ok:
            return False
        if self.firma_valida is not None:
            return self.firma_valida
        return self.llave is not None and self.llave_corresponde is True

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
            "revocacion": (self.revocacion or rev.Revocacion("no_consultado")).as_dict(),
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
    revocacion: bool = True,
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
    res.cadena_confiable = cadena_confiable(info.certificado, cuando)
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
    if revocacion and not res.errores:
        _revisar_revocacion(res, info, cuando)


def _revisar_revocacion(res: ResultadoVerificacion, info: CertificadoInfo, cuando) -> None:
    """OCSP, only for a certificate that passed everything else (DESIGN §6)."""
    politica = rev.politica()
    if politica == "no-consultar":
        res.revocacion = rev.Revocacion("no_consultado", motivo="FIEL_REVOCACION=no-consultar")
        return
    res.revocacion = r = rev.consultar(
        info.certificado, emisor_en_almacen(info.certificado), cuando
    )
    if r.estado == "revocado":
        res.errores.append(
            FielError(
                "certificado_revocado",
                f"El certificado de la e.firma fue revocado por el SAT el {_fecha(r.fecha)}."
                if r.fecha
                else None,
            )
        )
    elif r.estado == "desconocido":
        res.errores.append(FielError("certificado_desconocido"))
    elif r.estado == "no_consultado" and r.fuente:  # a responder exists but gave no answer
        if politica == "fail-open":
            rev.auditoria.warning(
                "Revocación no verificada (fail-open): rfc=%s certificado=%s fuente=%s motivo=%s",
                info.rfc,
                info.numero_certificado,
                r.fuente,
                r.motivo,
            )
        else:
            res.errores.append(FielError("revocacion_no_disponible"))


@sensitive_variables()
def verificar_fiel(
    cer: bytes,
    key: bytes | None = None,
    password: str | None = None,
    *,
    momento=None,
    rfc_esperado: str | None = None,
    requerir_fiel: bool = True,
    revocacion: bool = True,
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
            _revisar_certificado(res, info, cuando, rfc_esperado, requerir_fiel, revocacion)
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


def verificar_firma_cliente(
    certificado: bytes,
    cadena: str,
    firma_b64: str,
    *,
    momento=None,
    rfc_esperado: str | None = None,
    requerir_fiel: bool = True,
) -> ResultadoVerificacion:
    """The web path: a certificate and a SHA256withRSA signature made in the browser over the
    exact ``cadena`` the server issued. No private key is involved.

    The signature is checked first (``firma_invalida``: other key, other bytes), then the
    certificate as in :func:`verificar_fiel`. Never raises for bad input.
    """
    res = ResultadoVerificacion(requerir_fiel=requerir_fiel)
    cuando = _momento(momento)
    try:
        res.certificado = leer_certificado(certificado)
    except FielError as exc:
        res.errores.append(exc)
        return res
    info = res.certificado
    res.firma_valida = verificar_firma(info, cadena, firma_b64)
    if not res.firma_valida:
        res.errores.append(FielError("firma_invalida"))
    try:
        _revisar_certificado(res, info, cuando, rfc_esperado, requerir_fiel)
    except Exception as exc:  # never a 500 for odd certificates; no details logged
        logger.warning("Error inesperado al verificar un certificado: %s", type(exc).__name__)
        res.errores.append(FielError("verificacion_fallida"))
    logger.info(
        "Verificación de firma de e.firma: rfc=%s certificado=%s ok=%s errores=%s",
        info.rfc,
        info.numero_certificado,
        res.ok,
        ",".join(res.codigos) or "-",
    )
    return res
