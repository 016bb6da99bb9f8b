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


WEB = ["vucem", "tramites", "cupos", "raoce", "acuses"]
ABREN_LLAVES = {"abrir_llave", "verificar_fiel", "firmar", "llave_corresponde"}


@pytest.mark.parametrize("app", WEB)
def test_la_ruta_web_no_abre_llaves_privadas(app):
    """Issue 7: the web path never receives nor opens a user's private key; it verifies a
    certificate and a signature (firma.verificar_firma_cliente). Only the CLI opens keys."""
    raiz = RAIZ.parent / app
    for ruta in raiz.rglob("*.py"):
        if "migrations" in ruta.parts or "management" in ruta.parts:
            continue
        for nodo in ast.walk(ast.parse(ruta.read_text(encoding="utf-8"))):
            if isinstance(nodo, ast.ImportFrom) and (nodo.module or "").startswith("firma"):
                nombres = {a.name for a in nodo.names}
                assert not nombres & ABREN_LLAVES, f"{ruta} importa {nombres & ABREN_LLAVES}"
