"""Every beat job in settings.CELERY_BEAT_SCHEDULE names a registered task that runs.

No worker needed: the tasks run in-process (``.apply()``) on the test database.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from vucem.celery import app

TRABAJOS = sorted(settings.CELERY_BEAT_SCHEDULE.items())


def test_hay_trabajos_programados():
    assert TRABAJOS, "CELERY_BEAT_SCHEDULE está vacío"


@pytest.mark.parametrize("nombre,trabajo", TRABAJOS, ids=[n for n, _ in TRABAJOS])
def test_trabajo_registrado(nombre, trabajo):
    app.loader.import_default_modules()  # autodiscover_tasks() is lazy
    assert trabajo["task"] in app.tasks, (
        f"El trabajo {nombre!r} apunta a la tarea {trabajo['task']!r}, que no está registrada "
        "en la app de Celery (¿falta el tasks.py o el @shared_task?)"
    )
    assert trabajo.get("schedule"), f"El trabajo {nombre!r} no tiene 'schedule'"


@pytest.mark.django_db
@pytest.mark.parametrize("nombre,trabajo", TRABAJOS, ids=[n for n, _ in TRABAJOS])
def test_trabajo_se_ejecuta(nombre, trabajo):
    app.loader.import_default_modules()
    if trabajo["task"] not in app.tasks:
        pytest.fail(f"Tarea {trabajo['task']!r} no registrada")
    tarea = app.tasks[trabajo["task"]]
    resultado = tarea.apply(
        args=trabajo.get("args", ()), kwargs=trabajo.get("kwargs", {}), throw=True
    )
    assert resultado.successful(), f"{nombre}: {resultado.traceback}"
