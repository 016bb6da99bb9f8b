"""Public API of the firma app: other apps import from here."""

from .certificados import CertificadoInfo, leer_certificado
from .confianza import almacen_confianza, cadena_confiable
from .errores import CODIGOS, FielError
from .llaves import abrir_llave, firmar, llave_corresponde
from .sello import certificado_ventanilla_pem, sellar_ventanilla, verificar_sello_ventanilla
from .verificacion import (
    ResultadoVerificacion,
    verificar_fiel,
    verificar_firma,
    verificar_firma_cliente,
)

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
    "verificar_firma_cliente",
    "verificar_sello_ventanilla",
]
