"""Template hygiene: a Django ``{# … #}`` comment ends on its own line, else the page prints it."""

from pathlib import Path

PLANTILLAS = Path(__file__).resolve().parent.parent / "templates"


def test_comentarios_de_una_linea_cerrados_en_su_linea():
    abiertos = [
        f"{ruta.relative_to(PLANTILLAS)}:{n}"
        for ruta in sorted(PLANTILLAS.rglob("*.html")) + sorted(PLANTILLAS.rglob("*.txt"))
        for n, linea in enumerate(ruta.read_text(encoding="utf-8").splitlines(), start=1)
        if "{#" in linea and "#}" not in linea[linea.index("{#") :]
    ]
    assert abiertos == [], abiertos
