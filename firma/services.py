"""Public API of the firma app: other apps import from here."""

from .fiel import (
    CODIGOS,
    CertificadoInfo,
    FielError,
    ResultadoVerificacion,
    abrir_llave,
    almacen_confianza,
    cadena_confiable,
    firmar,
    leer_certificado,
    llave_corresponde,
    verificar_fiel,
    verificar_firma,
)
from .sello import certificado_ventanilla_pem, sellar_ventanilla, verificar_sello_ventanilla

__all__ = [
    "CODIGOS",
    "CertificadoInfo",
    "FielError",
    "ResultadoVerificacion",
    "abrir_llave",
    "almacen_confianza",
    "cadena_confiable",
    "certificado_ventanilla_pem",
    "firmar",
    "leer_certificado",
    "llave_corresponde",
    "sellar_ventanilla",
    "verificar_fiel",
    "verificar_firma",
    "verificar_sello_ventanilla",
]
