"""Issue 8: the consulta de cupos is paginated: the same queries at 10 and 60 cupos, at most a
page of rows, the filters kept in the page links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cupos.views import POR_PAGINA
from tests.cupos.factories import CupoFactory

pytestmark = pytest.mark.django_db


def _consulta(cliente, **params):
    with CaptureQueriesContext(connection) as c:
        r = cliente.get(reverse("cupos:consulta"), params)
    assert r.status_code == 200
    return len(c), r.content.decode()


def test_consulta_mismo_costo_con_10_y_60_cupos(cliente_moral):
    CupoFactory.create_batch(10, anio=2026)
    _consulta(cliente_moral)
    pocas, _ = _consulta(cliente_moral, anio=2026)
    CupoFactory.create_batch(50, anio=2026)
    muchas, html = _consulta(cliente_moral, anio=2026)
    assert muchas == pocas
    assert html.count('<th scope="row"') <= POR_PAGINA
    assert "Página 1 de 3" in html
    assert "anio=2026&amp;pagina=2" in html
