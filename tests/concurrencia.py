"""Helpers for the concurrency tests that need a real PostgreSQL (row locks)."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction


def solo_postgres() -> None:
    """Skip unless the test database is PostgreSQL (.ci/run turns such skips into failures)."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "Necesita PostgreSQL real para probar select_for_update "
            "(DATABASE_URL=postgres://…); .ci/run lo ejecuta así"
        )


def en_paralelo(funciones, espera: float = 120) -> list[tuple[str, object]]:
    """Run each function in its own thread (and DB connection), all released at once.

    Returns ``("ok", value)`` or ``("error", exception)`` per function, in order.
    """
    barrera = threading.Barrier(len(funciones))
    resultados: list = [None] * len(funciones)

    def trabajo(i, fn):
        try:
            barrera.wait()
            resultados[i] = ("ok", fn())
        except Exception as exc:  # collected and asserted by the caller
            resultados[i] = ("error", exc)
        finally:
            connections.close_all()

    hilos = [threading.Thread(target=trabajo, args=(i, fn)) for i, fn in enumerate(funciones)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join(espera)
    assert not any(h.is_alive() for h in hilos), "un hilo no terminó"
    return resultados


def renglones_libres(*renglones) -> list[bool]:
    """For each ``(modelo, pk)``, whether another connection can lock that row right now
    (``SELECT … FOR UPDATE NOWAIT``): ``True`` free, ``False`` held by a transaction. Any
    other error is raised."""

    def intentar(modelo, pk):
        def fn():
            with transaction.atomic():
                modelo.objects.select_for_update(nowait=True).get(pk=pk)

        return fn

    libres = []
    for estado, valor in en_paralelo([intentar(m, pk) for m, pk in renglones], espera=30):
        if estado == "error" and not isinstance(valor, DatabaseError):
            raise valor
        libres.append(estado == "ok")
    return libres


def fallar_en_la_llamada(monkeypatch, objeto, nombre: str, n: int, error: BaseException):
    """Replace ``objeto.nombre`` by a wrapper that raises ``error`` on its ``n``-th call (a
    worker killed, a connection dropped) and calls the original otherwise, from any thread.
    Returns the original, to put back for the run that finishes the rest."""
    original = getattr(objeto, nombre)
    llamadas = []

    def envoltura(*args, **kwargs):
        llamadas.append(1)
        if len(llamadas) == n:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(objeto, nombre, envoltura)
    return original
