"""Layering (DESIGN §1): firma is the bottom layer; no module over ~450 lines."""

import ast
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2] / "firma"
PROHIBIDOS = {"vucem", "tramites", "acuses", "cupos", "raoce"}
MODULOS = sorted(p for p in RAIZ.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("ruta", MODULOS, ids=lambda p: str(p.relative_to(RAIZ)))
def test_firma_no_importa_capas_superiores(ruta):
    arbol = ast.parse(ruta.read_text(encoding="utf-8"))
    importados = set()
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Import):
            importados |= {a.name.split(".")[0] for a in nodo.names}
        elif isinstance(nodo, ast.ImportFrom) and nodo.level == 0 and nodo.module:
            importados.add(nodo.module.split(".")[0])
    assert not importados & PROHIBIDOS, f"{ruta.name} importa {importados & PROHIBIDOS}"


@pytest.mark.parametrize("ruta", MODULOS, ids=lambda p: str(p.relative_to(RAIZ)))
def test_modulos_de_firma_cortos(ruta):
    assert len(ruta.read_text(encoding="utf-8").splitlines()) <= 460
