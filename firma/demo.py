"""Demo personas and their FIEL-shaped credentials (``manage.py fiel demo``).

``PERSONAS_DEMO`` is the single source of the demo personas: ``cargar_demo`` (vucem) creates
Persona rows from it and ``fiel demo`` issues their certificates. RFCs and CURPs pass
python-stdnum's validation, check digits included.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .testing import (
    ARCHIVO_CA,
    PASSWORD_DEMO,
    cargar_ca,
    crear_ca,
    emitir_credencial,
    emitir_sello_ventanilla,
    escribir_credencial,
    guardar_llave_ca,
)

logger = logging.getLogger("firma")

__all__ = ["PASSWORD_DEMO", "PERSONAS_DEMO", "generar_demo", "ResultadoDemo"]

PERSONAS_DEMO: list[dict[str, str]] = [
    {
        "rfc": "LBA100315MX4",
        "nombre": "LACTEOS DEL BAJIO SA DE CV",
        "tipo": "moral",
        "curp": "",
        "rfc_representante": "LOHM750820K33",
        "curp_representante": "LOHM750820MGTPRR00",
        "correo": "contacto@lacteos-bajio.example.mx",
    },
    {
        "rfc": "ACN080610GT1",
        "nombre": "AVENAS Y CEREALES DEL NORTE SA DE CV",
        "tipo": "moral",
        "curp": "",
        "rfc_representante": "GATR680412QA5",
        "curp_representante": "GATR680412HNLRRB04",
        "correo": "comercio@avenas-norte.example.mx",
    },
    {
        "rfc": "PEGJ800101AB6",
        "nombre": "JUAN PEREZ GARCIA",
        "tipo": "fisica",
        "curp": "PEGJ800101HDFRRN03",
        "rfc_representante": "",
        "curp_representante": "",
        "correo": "juan.perez@correo.example.mx",
    },
    {
        "rfc": "EPA120905R46",
        "nombre": "EXPORTADORA DEL PACIFICO SA DE CV",
        "tipo": "moral",
        "curp": "",
        "rfc_representante": "RUMA850214T74",
        "curp_representante": "RUMA850214MJCZNN00",
        "correo": "exportaciones@exportadora-pacifico.example.mx",
    },
]


@dataclass
class ResultadoDemo:
    dir: Path
    ca_cer: Path
    sello_cer: Path
    sello_key: Path
    personas: dict[str, tuple[Path, Path]] = field(default_factory=dict)  # rfc -> (cer, key)
    creados: list[Path] = field(default_factory=list)


def rutas_persona(dir: Path, rfc: str) -> tuple[Path, Path]:
    return dir / "personas" / f"{rfc}.cer", dir / "personas" / f"{rfc}.key"


def generar_demo(dir: Path | str | None = None, *, force: bool = False) -> ResultadoDemo:
    """Create (or keep) the demo CA, the Ventanilla seal and one FIEL per demo persona.

    Layout: ``ca/ac-demo-ventanilla.cer`` (trust store), ``ca-privada/ac-demo-ventanilla.key``
    (the CA's key, outside the trust folder), ``ventanilla/sello.cer|.key`` and
    ``personas/<RFC>.cer|.key``. Existing files are kept unless ``force``; if the CA is
    re-created, everything it signed is re-issued.
    """
    dir = Path(dir or settings.FIEL_DEMO_DIR)
    ca_cer = dir / "ca" / ARCHIVO_CA
    ca_key = dir / "ca-privada" / ARCHIVO_CA.replace(".cer", ".key")
    sello_cer = dir / "ventanilla" / "sello.cer"
    sello_key = dir / "ventanilla" / "sello.key"
    res = ResultadoDemo(dir=dir, ca_cer=ca_cer, sello_cer=sello_cer, sello_key=sello_key)

    nueva_ca = force or not (ca_cer.exists() and ca_key.exists())
    if nueva_ca:
        ca = crear_ca(ca_cer.parent)
        guardar_llave_ca(ca, ca_key, PASSWORD_DEMO)
        res.creados += [ca_cer, ca_key]
    else:
        ca = cargar_ca(ca_cer, ca_key, PASSWORD_DEMO)

    if nueva_ca or not (sello_cer.exists() and sello_key.exists()):
        sello = emitir_sello_ventanilla(ca, settings.VENTANILLA_SELLO_PASSWORD)
        escribir_credencial(sello, sello_cer, sello_key)
        res.creados += [sello_cer, sello_key]

    for p in PERSONAS_DEMO:
        cer, key = rutas_persona(dir, p["rfc"])
        res.personas[p["rfc"]] = (cer, key)
        if not nueva_ca and cer.exists() and key.exists():
            continue
        cred = emitir_credencial(
            ca,
            p["rfc"],
            p["nombre"],
            curp=p["curp"],
            rfc_representante=p["rfc_representante"],
            curp_representante=p["curp_representante"],
            correo=p["correo"],
            password=PASSWORD_DEMO,
        )
        escribir_credencial(cred, cer, key)
        res.creados += [cer, key]
    if res.creados:
        logger.info(
            "Credenciales de demostración creadas en %s (%d archivos)", dir, len(res.creados)
        )
    return res
