"""vucem.bd (issue 8): a persistent PostgreSQL connection is checked (``SELECT 1``) before
a request unless, within the last VIGENCIA_SANA seconds, a request used it without errors
or Django checked it; after an idle spell it is checked as Django does, and a dead one is
replaced."""

import pytest
from django.db import connections

from tests.concurrencia import solo_postgres
from vucem.bd import base

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def conexion(monkeypatch):
    """A connection of its own (autocommit, outside the test's transaction), counting its
    health checks; ``conexion.reloj`` is its monotonic clock."""
    solo_postgres()
    c = connections.create_connection("default")
    c.ensure_connection()
    assert isinstance(c, base.DatabaseWrapper) and c.health_check_enabled
    c.revisiones = 0
    original = c.is_usable

    def is_usable():
        c.revisiones += 1
        return original()

    c.is_usable = is_usable
    c.reloj = [1000.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: c.reloj[0])
    yield c
    c.close()


def _peticion(c, *, error=False):
    """What a request does with it: Django's check at its start, a query, its end."""
    c.close_if_unusable_or_obsolete()
    with c.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
    if error:
        c.errors_occurred = True  # e.g. a query that failed
    c.close_if_unusable_or_obsolete()


def test_revisa_salvo_despues_de_una_peticion_reciente_sin_errores(conexion):
    c = conexion
    _peticion(c)  # a new connection: nothing to check yet
    _peticion(c)  # reused right after a clean request: not checked
    assert c.revisiones == 0
    c.reloj[0] += base.VIGENCIA_SANA + 0.1  # idle longer than that: checked
    _peticion(c)
    assert c.revisiones == 1
    c.reloj[0] += 1
    _peticion(c)
    assert c.revisiones == 1

    _peticion(c, error=True)  # Django checks it at the end (errors_occurred): usable…
    assert c.revisiones == 2
    c.reloj[0] += 1
    _peticion(c)  # …so, just checked, it is not checked again right away
    assert c.revisiones == 2
    c.reloj[0] += base.VIGENCIA_SANA + 0.1
    _peticion(c)
    assert c.revisiones == 3


def test_una_conexion_caida_se_reabre(conexion):
    c = conexion
    _peticion(c)
    c.reloj[0] += base.VIGENCIA_SANA + 0.1
    pid = c.connection.info.backend_pid
    with connections["default"].cursor() as cursor:  # the server drops it while idle
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    _peticion(c)  # checked, found dead, reconnected: the request still works
    assert c.revisiones == 1 and c.connection.info.backend_pid != pid
