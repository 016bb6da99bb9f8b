"""RAOCE's imports (DESIGN §1, issue 6): every import at module top, no import circle
between its modules, and only the layers below it (tramites, acuses, vucem, firma)."""

from __future__ import annotations

import ast
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]
APPS_PERMITIDAS = {"raoce", "tramites", "acuses", "vucem", "firma"}
APPS_DEL_PROYECTO = {p.parent.name for p in RAIZ.glob("*/apps.py")} | {"vucem"}


def _modulos() -> dict[str, ast.Module]:
    modulos = {}
    for ruta in sorted((RAIZ / "raoce").rglob("*.py")):
        if "migrations" in ruta.parts:
            continue
        partes = list(ruta.relative_to(RAIZ).with_suffix("").parts)
        if partes[-1] == "__init__":
            partes.pop()
        modulos[".".join(partes)] = (ruta, ast.parse(ruta.read_text()))
    return modulos


def _importados(nombre: str, ruta: Path, arbol: ast.Module) -> set[str]:
    paquete = nombre if ruta.name == "__init__.py" else nombre.rpartition(".")[0]
    destinos = set()
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Import):
            destinos.update(a.name for a in nodo.names)
        elif isinstance(nodo, ast.ImportFrom):
            base = paquete.split(".")[: len(paquete.split(".")) - (nodo.level - 1)]
            modulo = ".".join(
                [*base, *filter(None, [nodo.module])] if nodo.level else [nodo.module]
            )
            destinos.add(modulo)
            destinos.update(f"{modulo}.{a.name}" for a in nodo.names)
    return destinos


def test_imports_al_inicio_del_modulo():
    for ruta, arbol in _modulos().values():
        superiores = {id(n) for n in arbol.body}
        for nodo in ast.walk(arbol):
            if isinstance(nodo, ast.Import | ast.ImportFrom):
                assert id(nodo) in superiores, f"{ruta}:{nodo.lineno} importa dentro de una función"


def test_solo_capas_inferiores():
    for nombre, (ruta, arbol) in _modulos().items():
        for destino in _importados(nombre, ruta, arbol):
            app = destino.partition(".")[0]
            if app in APPS_DEL_PROYECTO:
                assert app in APPS_PERMITIDAS, f"{nombre} importa {destino}"


def test_sin_circulos_entre_modulos():
    modulos = _modulos()
    grafo = {
        nombre: {d for d in _importados(nombre, ruta, arbol) if d in modulos and d != nombre}
        for nombre, (ruta, arbol) in modulos.items()
    }
    estado: dict[str, int] = {}

    def visitar(nodo: str, camino: list[str]) -> None:
        estado[nodo] = 1
        for siguiente in sorted(grafo[nodo]):
            assert estado.get(siguiente) != 1, " → ".join([*camino, nodo, siguiente])
            if siguiente not in estado:
                visitar(siguiente, [*camino, nodo])
        estado[nodo] = 2

    for nombre in sorted(grafo):
        if nombre not in estado:
            visitar(nombre, [])
