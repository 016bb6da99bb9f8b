"""The cupos app's imports: no circles between its modules, imports at module top, and only
the layers to its left (tramites, acuses, vucem, firma), never raoce."""

import ast
from pathlib import Path

import cupos

RAIZ = Path(cupos.__file__).resolve().parent
APPS_DEL_PROYECTO = {"cupos", "tramites", "acuses", "vucem", "firma", "raoce"}
PERMITIDAS = {"cupos", "tramites", "acuses", "vucem", "firma"}


def _modulos() -> dict[str, Path]:
    out = {}
    for ruta in RAIZ.rglob("*.py"):
        partes = ruta.relative_to(RAIZ.parent).with_suffix("").parts
        if "migrations" in partes:
            continue
        if partes[-1] == "__init__":
            partes = partes[:-1]
        out[".".join(partes)] = ruta
    return out


def _importados(arbol: ast.AST) -> list[tuple[str, int, bool]]:
    """(module, line, at module top) of every import of ``arbol``."""
    arriba = {id(n) for n in arbol.body}
    out = []
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Import):
            out += [(a.name, nodo.lineno, id(nodo) in arriba) for a in nodo.names]
        elif isinstance(nodo, ast.ImportFrom) and nodo.module and not nodo.level:
            out.append((nodo.module, nodo.lineno, id(nodo) in arriba))
            out += [
                (f"{nodo.module}.{a.name}", nodo.lineno, id(nodo) in arriba) for a in nodo.names
            ]
    return out


def _grafo():
    modulos = _modulos()
    grafo, externos, tardios = {}, [], []
    for nombre, ruta in modulos.items():
        arbol = ast.parse(ruta.read_text(encoding="utf-8"))
        grafo[nombre] = set()
        for destino, linea, arriba in _importados(arbol):
            app = destino.split(".")[0]
            if app in APPS_DEL_PROYECTO and not arriba:
                tardios.append(f"{nombre}:{linea} {destino}")
            if app in APPS_DEL_PROYECTO and app not in PERMITIDAS:
                externos.append(f"{nombre}:{linea} {destino}")
            if destino in modulos and destino != nombre:
                grafo[nombre].add(destino)
    return grafo, externos, tardios


def _ciclo(grafo) -> list[str]:
    estado: dict[str, int] = {}
    pila: list[str] = []

    def visitar(n):
        estado[n] = 1
        pila.append(n)
        for m in sorted(grafo[n]):
            if estado.get(m) == 1:
                return pila[pila.index(m) :] + [m]
            if m not in estado and (c := visitar(m)):
                return c
        estado[n] = 2
        pila.pop()
        return []

    for n in sorted(grafo):
        if n not in estado and (c := visitar(n)):
            return c
    return []


def test_sin_ciclos_entre_modulos_de_cupos():
    grafo, _, _ = _grafo()
    assert "cupos.asignacion.dictamen" in grafo and grafo["cupos.asignacion.dictamen"]
    assert _ciclo(grafo) == []


def test_cupos_solo_importa_las_capas_de_su_izquierda():
    _, externos, _ = _grafo()
    assert externos == []


def test_importaciones_al_inicio_del_modulo():
    _, _, tardios = _grafo()
    assert tardios == []
