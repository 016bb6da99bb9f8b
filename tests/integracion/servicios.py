"""pytest plugin for CI: a test that needs a real service must FAIL, never skip, when the
service is missing.

Loaded explicitly (``python -m pytest -p tests.integracion.servicios``) by ``.ci/run``; it does
nothing unless ``REQUIRE_SERVICES=1``. Then:

* a test marked ``postgres``, ``celery_worker`` or ``browser`` that skips (in setup or in the
  test body, e.g. "no hay PostgreSQL", "no hay Chromium") is reported as a failure;
* a test module that skips itself at collection (``pytest.importorskip`` etc.) is a failure;
* ``REQUIRE_MARKERS=postgres,celery_worker`` makes the run fail (exit code 4, before any
  test runs) when no selected test carries one of those markers: a step of CI that must run
  such tests cannot pass by running none.
"""

from __future__ import annotations

import os

import pytest

MARCADORES_DE_SERVICIO = ("postgres", "celery_worker", "browser")


def _activo() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {
        "1",
        "true",
        "yes",
        "si",
        "sí",
    }


def _marcadores_exigidos() -> list[str]:
    valor = os.environ.get("REQUIRE_MARKERS", "")
    return [m.strip() for m in valor.split(",") if m.strip()]


def _motivo(report) -> str:
    largo = report.longrepr
    if isinstance(largo, tuple) and len(largo) == 3:
        return str(largo[2])
    return str(largo)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if not _activo():
        return
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    marcas = [m for m in MARCADORES_DE_SERVICIO if item.get_closest_marker(m)]
    if not marcas:
        return
    report.outcome = "failed"
    report.longrepr = (
        f"REQUIRE_SERVICES=1: la prueba ({', '.join(marcas)}) se omitió, y en CI eso es un error.\n"
        f"Motivo de la omisión: {_motivo(report)}"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    if not _activo():
        return
    report = outcome.get_result()
    if report.skipped and isinstance(collector, pytest.Module):
        report.outcome = "failed"
        report.longrepr = (
            f"REQUIRE_SERVICES=1: el módulo {collector.nodeid} se omitió completo al recolectarse.\n"
            f"Motivo: {_motivo(report)}"
        )


def pytest_collection_finish(session):
    exigidos = _marcadores_exigidos()
    if not exigidos or session.config.option.collectonly:
        return
    faltan = [m for m in exigidos if not any(it.get_closest_marker(m) for it in session.items)]
    if faltan:
        raise pytest.UsageError(
            "REQUIRE_MARKERS: ninguna prueba seleccionada lleva el/los marcador(es) "
            f"{', '.join(faltan)}; este paso de CI debe ejecutarlas."
        )
