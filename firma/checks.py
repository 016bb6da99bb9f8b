"""Deployment checks (``manage.py check --deploy``) for the FIEL trust store and seal."""

from pathlib import Path

from django.conf import settings
from django.core import checks

from .confianza import almacen_confianza, carpeta_produccion, confia_en_demo, revisar_manifiesto
from .testing import NOMBRE_CA


def _es_ac_demo(cert) -> bool:
    try:
        return NOMBRE_CA in cert.subject.rfc4514_string()
    except ValueError:  # T61String subjects cryptography cannot decode
        return False


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
    problemas = revisar_manifiesto() if carpeta_produccion().is_dir() else ["no existe"]
    if problemas:
        errores.append(
            checks.Error(
                f"El almacén de confianza de producción del SAT ({carpeta_produccion()}) falta o "
                f"no coincide con su manifiesto: {' '.join(problemas)}",
                hint="Restaure firma/ac/produccion del repositorio (FIEL_CA_PRODUCCION_DIR).",
                id="firma.E002",
            )
        )
    demo = [c for c in almacen_confianza() if _es_ac_demo(c)]
    if confia_en_demo() or demo:
        detalle = (
            "FIEL_CONFIAR_AC_DEMO está activo"
            if confia_en_demo()
            else "FIEL_CA_DIR incluye " + ", ".join(c.subject.rfc4514_string() for c in demo)
        )
        errores.append(
            checks.Error(
                f"El almacén de confianza incluye la AC de demostración de la Ventanilla ({detalle}).",
                hint="Quítela en producción (FIEL_CONFIAR_AC_DEMO=False y sin su carpeta en "
                "FIEL_CA_DIR): sus e.firmas no prueban la identidad de nadie.",
                id="firma.E003",
            )
        )
    return errores
