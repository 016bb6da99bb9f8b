"""What the cupos documents (oficio de asignación, certificado de cupo) share: the template,
the cupo's description and the unit as printed (its name, e.g. "kilogramos"; the cadenas
carry the unit's code, e.g. "kg")."""

from __future__ import annotations

from cupos.models import Cupo

PLANTILLA_PDF = "cupos/pdf/cupo.html"


def unidad_impresa(cupo: Cupo) -> str:
    return cupo.get_unidad_display()


def contexto_cupo(cupo: Cupo) -> dict:
    return {
        "descripcion": cupo.nombre,
        "regimen": cupo.get_regimen_display(),
        "producto": cupo.producto,
        "subproducto": cupo.subproducto,
        "fracciones": list(cupo.fracciones_arancelarias or []),
        "tratado": cupo.tratado,
        "unidad": unidad_impresa(cupo),
        "mecanismo": cupo.get_mecanismo_display(),
        "periodo": str(cupo.anio),
    }
