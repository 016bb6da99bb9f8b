"""``tests.integracion.conftest``: when pytest-django creates the test database itself."""

from types import SimpleNamespace

import pytest

from tests.integracion.conftest import _pytest_django_crea_la_bd


def _item(fixtures=(), marcador=None):
    return SimpleNamespace(
        fixturenames=list(fixtures),
        get_closest_marker=lambda nombre: marcador if nombre == "django_db" else None,
    )


@pytest.mark.parametrize(
    ("items", "crea"),
    [
        # only the worker tests (autocommit, no marker): pytest-django creates nothing
        ([_item(["celery_en_vivo", "celery_worker_real", "settings"])], False),
        ([], False),
        ([_item(["celery_en_vivo"]), _item(marcador=object())], True),
        ([_item(["celery_en_vivo"]), _item(["db"])], True),
        ([_item(["transactional_db"])], True),
        ([_item(["live_server"])], True),
    ],
)
def test_detecta_si_pytest_django_crea_la_bd(items, crea):
    assert _pytest_django_crea_la_bd(items) is crea
