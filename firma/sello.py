"""The Ventanilla's own server seal ("sello digital de la Ventanilla").

Certificate and key come from ``VENTANILLA_SELLO_CER`` / ``VENTANILLA_SELLO_KEY`` (key encrypted
with ``VENTANILLA_SELLO_PASSWORD``). When the files are missing and ``DEBUG`` is on (or under
tests) a seal is generated on first use and logged; otherwise ``ImproperlyConfigured``.
The loaded server key is kept in process memory (it is the server's, not a user's).
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .certificados import leer_certificado
from .errores import FielError
from .llaves import abrir_llave, firmar, llave_corresponde
from .testing import emitir_sello_ventanilla, escribir_credencial
from .verificacion import verificar_firma

logger = logging.getLogger("firma")

_lock = threading.Lock()
_cache: dict[str, tuple] = {}


def _en_pruebas() -> bool:
    return "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")


def _rutas() -> tuple[Path, Path, str]:
    return (
        Path(settings.VENTANILLA_SELLO_CER),
        Path(settings.VENTANILLA_SELLO_KEY),
        str(settings.VENTANILLA_SELLO_PASSWORD or ""),
    )


def _generar(cer: Path, key: Path, password: str) -> None:
    escribir_credencial(emitir_sello_ventanilla(None, password), cer, key)
    logger.warning(
        "No existía el sello de la Ventanilla; se generó uno de demostración en %s y %s "
        "(solo para desarrollo y pruebas).",
        cer,
        key,
    )


def _cargar():
    cer, key, password = _rutas()
    with _lock:
        if not (cer.is_file() and key.is_file()):
            if settings.DEBUG or _en_pruebas():
                _generar(cer, key, password)
            else:
                raise ImproperlyConfigured(
                    "Falta el sello de la Ventanilla: configure VENTANILLA_SELLO_CER y "
                    f"VENTANILLA_SELLO_KEY (no existen {cer} / {key}) y VENTANILLA_SELLO_PASSWORD."
                )
        clave = f"{cer}|{key}"
        huella = (cer.stat().st_mtime_ns, key.stat().st_mtime_ns, password)
        guardado = _cache.get(clave)
        if guardado and guardado[0] == huella:
            return guardado[1], guardado[2]
        try:
            info = leer_certificado(cer.read_bytes())
            llave = abrir_llave(key.read_bytes(), password)
        except FielError as exc:
            raise ImproperlyConfigured(
                f"No se pudo cargar el sello de la Ventanilla ({cer}, {key}): {exc.mensaje}"
            ) from None
        if not llave_corresponde(llave, info.certificado):
            raise ImproperlyConfigured(
                f"El certificado del sello de la Ventanilla ({cer}) no corresponde con su llave ({key})."
            )
        _cache[clave] = (huella, info, llave)
        return info, llave


def sellar_ventanilla(cadena: str) -> str:
    """The Ventanilla's seal of ``cadena`` (SHA256withRSA, base64)."""
    _info, llave = _cargar()
    return firmar(llave, cadena)


def verificar_sello_ventanilla(cadena: str, sello_b64: str) -> bool:
    info, _llave = _cargar()
    return verificar_firma(info.der, cadena, sello_b64)


def certificado_y_llave_ventanilla():
    """(CertificadoInfo, private key) of the seal, for PAdES signing (firma.pades)."""
    return _cargar()


def certificado_ventanilla_pem() -> str:
    return _cargar()[0].pem
