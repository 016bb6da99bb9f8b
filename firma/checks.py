"""Deployment checks (``manage.py check --deploy``) for the FIEL trust store and seal."""

from pathlib import Path

from django.conf import settings
from django.core import checks

from .confianza import almacen_confianza
from .testing import NOMBRE_CA


@checks.register(checks.Tags.security, deploy=True)
def revisar_fiel(app_configs=None, **kwargs):
    errores = []
    for nombre in ("VENTANILLA_SELLO_CER", "VENTANILLA_SELLO_KEY"):
        ruta = Path(getattr(settings, nombre, "") or "")
        if not ruta.is_file():
            errores.append(
                checks.Error(
                    f"{nombre} no apunta a un archivo existente ({ruta}).",
                    hint="Configure el certificado y la llave del sello de la Ventanilla.",
                    id="firma.E001",
                )
            )
    almacen = almacen_confianza()
    if not almacen:
        errores.append(
            checks.Error(
                "El almacén de confianza FIEL_CA_DIR no tiene certificados de AC: ninguna "
                "e.firma será aceptada.",
                hint="Ponga los certificados de las AC del SAT (.cer) en FIEL_CA_DIR.",
                id="firma.E002",
            )
        )
    for cert in almacen:
        try:
            sujeto = cert.subject.rfc4514_string()
        except ValueError:  # T61String subjects cryptography cannot decode
            continue
        if NOMBRE_CA in sujeto:
            errores.append(
                checks.Warning(
                    "FIEL_CA_DIR confía en la AC de demostración de la Ventanilla.",
                    hint="Quítela en producción: sus e.firmas no prueban la identidad de nadie.",
                    id="firma.W001",
                )
            )
            break
    return errores
