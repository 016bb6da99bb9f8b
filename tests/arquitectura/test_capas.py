"""The house's layering (DESIGN §1): firma ← vucem ← acuses ← tramites ← {cupos, raoce}.

Every import of the production apps is read from the source (module top and inside
functions alike): an app imports only itself and the apps to its left, and no two
modules import each other, directly or through others.
"""

from __future__ import annotations

import ast
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]
CAPAS = ["firma", "vucem", "acuses", "tramites", "cupos", "raoce"]
#: Apps each app may import (besides itself).
PERMITIDAS = {
    "firma": set(),
    "vucem": {"firma"},
    "acuses": {"firma", "vucem"},
    "tramites": {"firma", "vucem", "acuses"},
    "cupos": {"firma", "vucem", "acuses", "tramites"},
    "raoce": {"firma", "vucem", "acuses", "tramites"},
}


#: The project's composition root (DESIGN §1: settings, URLconf, Celery app, WSGI): it wires
#: every app together, so it may import any of them; nothing imports it back.
RAIZ_DE_COMPOSICION = {"vucem.urls", "vucem.settings", "vucem.celery", "vucem.wsgi", "vucem.asgi"}


def modulos() -> dict[str, Path]:
    encontrados = {}
    for app in CAPAS:
        for archivo in (RAIZ / app).rglob("*.py"):
            partes = archivo.relative_to(RAIZ).with_suffix("").parts
            if "migrations" in partes:
                continue
            if partes[-1] == "__init__":
                partes = partes[:-1]
            encontrados[".".join(partes)] = archivo
    return encontrados


def importaciones(nombre: str, archivo: Path, conocidos: set[str]) -> set[str]:
    """Project modules ``nombre`` imports (resolved to the longest known module)."""
    paquete = nombre if archivo.name == "__init__.py" else nombre.rpartition(".")[0]
    destinos = set()
    for nodo in ast.walk(ast.parse(archivo.read_text(), str(archivo))):
        candidatos = []
        if isinstance(nodo, ast.Import):
            candidatos = [a.name for a in nodo.names]
        elif isinstance(nodo, ast.ImportFrom):
            base = nodo.module or ""
            if nodo.level:
                partes = paquete.split(".")
                partes = partes[: len(partes) - (nodo.level - 1)]
                base = ".".join([*partes, base] if base else partes)
            candidatos = [f"{base}.{a.name}" for a in nodo.names] + [base]
        for c in candidatos:
            while c and c not in conocidos:
                c = c.rpartition(".")[0]
            if c and c != nombre:
                destinos.add(c)
                break
    return destinos


def grafo() -> dict[str, set[str]]:
    mods = modulos()
    conocidos = set(mods)
    return {n: importaciones(n, a, conocidos) for n, a in mods.items()}


def test_cada_app_importa_solo_las_capas_a_su_izquierda():
    violaciones = []
    for origen, destinos in grafo().items():
        if origen in RAIZ_DE_COMPOSICION:
            continue
        app = origen.split(".")[0]
        for d in destinos:
            otra = d.split(".")[0]
            if otra != app and otra not in PERMITIDAS[app]:
                violaciones.append(f"{origen} → {d}")
    assert not violaciones, "\n".join(sorted(violaciones))


def ciclos(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    indice, bajo, pila, en_pila, resultado = {}, {}, [], set(), []
    contador = [0]

    def visitar(v):
        indice[v] = bajo[v] = contador[0]
        contador[0] += 1
        pila.append(v)
        en_pila.add(v)
        for w in g.get(v, ()):
            if w not in indice:
                visitar(w)
                bajo[v] = min(bajo[v], bajo[w])
            elif w in en_pila:
                bajo[v] = min(bajo[v], indice[w])
        if bajo[v] == indice[v]:
            comp = []
            while True:
                w = pila.pop()
                en_pila.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                resultado.append(sorted(comp))

    for v in g:
        if v not in indice:
            visitar(v)
    return resultado


def test_sin_ciclos_entre_modulos():
    g = grafo()
    # A package's __init__ importing its own submodules is not a cycle of the design.
    for origen in g:
        g[origen] = {d for d in g[origen] if not d.startswith(origen + ".")}
    encontrados = ciclos(g)
    assert not encontrados, "\n".join(" ⇄ ".join(c) for c in encontrados)


def test_el_detector_encuentra_ciclos():
    assert ciclos({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert ciclos({"a": {"b"}, "b": set()}) == []
