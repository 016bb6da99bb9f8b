"""A REAL Celery worker process for the ``celery_worker`` tests.

The worker is a separate process (``python -m celery -A vucem worker -P solo``) that talks to
the same PostgreSQL test database as pytest and to Redis as broker, so these tests need
``DATABASE_URL=postgres://…`` and ``REDIS_URL=redis://…`` (``.ci/run`` sets both). Tests use
no ``django_db`` marker: ``celery_en_vivo`` opens the database in autocommit, so every row is
committed at once and the worker sees it, and the test deletes what it created (no flush: a
flush would also wipe the rows the migrations seed, which the rest of the suite relies on).
``celery_en_vivo`` also turns eager mode off for the test. E-mails go to files (``filemail://``) the test can read.

Without those services the tests skip with the reason, and under ``REQUIRE_SERVICES=1`` (CI)
the plugin ``tests.integracion.servicios`` turns that skip into a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.integracion.apoyo import WorkerCelery

BASE_DIR = Path(__file__).resolve().parents[2]
ARRANQUE_SEGUNDOS = float(os.environ.get("CELERY_WORKER_ARRANQUE", "60"))


def _url_postgres(ajustes: dict) -> str:
    usuario = quote(ajustes.get("USER") or "", safe="")
    clave = quote(str(ajustes.get("PASSWORD") or ""), safe="")
    credenciales = f"{usuario}:{clave}@" if clave else (f"{usuario}@" if usuario else "")
    host = ajustes.get("HOST") or "127.0.0.1"
    puerto = f":{ajustes['PORT']}" if ajustes.get("PORT") else ""
    return f"postgres://{credenciales}{host}{puerto}/{ajustes['NAME']}"


def _sin_servicio(motivo: str):
    pytest.skip(f"Worker de Celery no disponible: {motivo}")


def _pytest_django_crea_la_bd(items) -> bool:
    """Whether pytest-django's ``django_db_setup`` created the default test database.

    It only creates the databases the *selected* tests declare (``django_db`` marker, or the
    ``db`` / ``transactional_db`` / ``live_server`` fixtures; see pytest-django's
    ``_get_databases_for_setup``). The ``celery_worker`` tests declare none on purpose (they
    write in autocommit), so when they run alone nothing is created and the test code would
    use the real database named in DATABASE_URL ("relation … does not exist")."""
    declaran = {"db", "transactional_db", "live_server"}
    return any(
        item.get_closest_marker("django_db") or declaran & set(getattr(item, "fixturenames", ()))
        for item in items
    )


@pytest.fixture(scope="session")
def bd_de_prueba_migrada(
    request, django_db_setup, django_db_blocker, django_db_keepdb, django_db_createdb
):
    """The migrated default test database, for tests that use it without declaring it.

    When pytest-django already created it (some selected test declares the database) this
    does nothing; otherwise it creates it the same way (migrations, ``--reuse-db`` /
    ``--create-db``) and destroys it at the end of the session."""
    from django.test.utils import setup_databases, teardown_databases

    if _pytest_django_crea_la_bd(request.session.items):
        yield
        return
    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        configuracion = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            keepdb=keepdb,
            aliases={"default"},
            serialized_aliases=set(),
        )
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(configuracion, verbosity=request.config.option.verbose)


@pytest.fixture(scope="session")
def celery_worker_real(bd_de_prueba_migrada, django_db_blocker, tmp_path_factory):
    """Start one worker for the session; yield a ``WorkerCelery``; stop it at the end.

    Depends on the migrated test database (``bd_de_prueba_migrada``, which depends on
    ``django_db_setup``): the worker is pointed at it, and the tests write to it."""
    from django.conf import settings
    from django.db import connection

    from vucem.celery import app

    if connection.vendor != "postgresql":
        _sin_servicio(
            f"la base de pruebas es {connection.vendor}; hace falta DATABASE_URL=postgres://… "
            "para que otro proceso la vea"
        )
    broker = settings.CELERY_BROKER_URL or ""
    if not broker.startswith(("redis://", "rediss://")):
        _sin_servicio(f"el broker es {broker or '(vacío)'}; hace falta REDIS_URL=redis://…")
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=2, timeout=5)
    except Exception as exc:  # noqa: BLE001 - any broker failure means "no worker"
        _sin_servicio(f"no responde el broker {broker}: {exc}")

    with django_db_blocker.unblock():
        url_bd = _url_postgres(connection.settings_dict)

    raiz = tmp_path_factory.mktemp("celery-worker")
    media_root = raiz / "media"
    correo_dir = raiz / "correo"
    media_root.mkdir()
    correo_dir.mkdir()
    log = raiz / "worker.log"
    nombre = f"pytest-{os.getpid()}-{uuid.uuid4().hex[:6]}@ventanilla"

    # Messages left in the queue by an earlier, interrupted run refer to rows that no longer
    # exist: drop them before the worker starts.
    app.control.purge()

    entorno = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vucem.settings",
        "DATABASE_URL": url_bd,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND or broker,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        # Four slashes: django-environ drops the first "/" of the path (filemail:////tmp/x -> /tmp/x).
        "EMAIL_URL": f"filemail:///{correo_dir}",
        "MEDIA_ROOT": str(media_root),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    }
    comando = [
        sys.executable, "-m", "celery", "-A", "vucem", "worker",
        "-P", "solo", "-l", "info", "-n", nombre, "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    with open(log, "wb") as salida:
        proceso = subprocess.Popen(
            comando,
            cwd=BASE_DIR,
            env=entorno,
            stdin=subprocess.DEVNULL,
            stdout=salida,
            stderr=subprocess.STDOUT,
        )
    worker = WorkerCelery(proceso, nombre, media_root, correo_dir, log)
    try:
        limite = time.monotonic() + ARRANQUE_SEGUNDOS
        while True:
            if proceso.poll() is not None:
                pytest.fail(
                    f"El worker de Celery terminó al arrancar (código {proceso.returncode}):\n"
                    f"{worker.log_texto()[-4000:]}"
                )
            if app.control.ping(destination=[nombre], timeout=1.0):
                break
            if time.monotonic() > limite:
                pytest.fail(
                    f"El worker de Celery no respondió a ping en {ARRANQUE_SEGUNDOS:.0f} s:\n"
                    f"{worker.log_texto()[-4000:]}"
                )
        yield worker
    finally:
        proceso.terminate()
        try:
            proceso.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proceso.kill()
            proceso.wait(timeout=10)


@pytest.fixture
def celery_en_vivo(celery_worker_real, django_db_blocker, settings, request):
    """Eager mode off for one test: ``.delay()`` goes through Redis to the real worker.

    The database is open in autocommit (no test transaction, no flush), so the worker sees each
    row as soon as it is written; the test must delete what it creates.
    """
    from vucem.celery import app

    if request.node.get_closest_marker("django_db"):
        pytest.fail(
            "Las pruebas con celery_en_vivo no llevan @pytest.mark.django_db: escriben en "
            "autocommit y borran lo que crean"
        )
    anterior = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MEDIA_ROOT = celery_worker_real.media_root
    try:
        with django_db_blocker.unblock():
            yield celery_worker_real
    finally:
        app.conf.task_always_eager = anterior
