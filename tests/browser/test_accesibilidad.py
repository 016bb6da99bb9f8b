"""The checks every captured journey page goes through (conftest.revisar_pagina: axe-core
serious/critical violations and horizontal scrolling at 375 px) catch real problems, and
the pages a user meets outside the journeys (error pages, /cupos/, /raoce/) pass them."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ANCHO_MOVIL, desborde_movil, revisar_pagina, violaciones_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MALA = """<!doctype html><html><head><title>x</title></head><body><main>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<label>Sin relación</label><input type="text">
<button></button>
<div style="width: 900px">ancha</div>
</main></body></html>"""


def test_los_revisores_detectan_violaciones_y_desborde(page):
    page.set_content(MALA)
    violaciones = "\n".join(violaciones_axe(page))
    for regla in ("image-alt", "label", "button-name"):
        assert f"axe {regla} (critical)" in violaciones, violaciones
    desborde = desborde_movil(page)
    assert desborde and f"a {ANCHO_MOVIL} px" in desborde and "div" in desborde
    assert page.viewport_size["width"] == 1280  # restored


def test_una_pagina_correcta_pasa(page):
    page.set_content(
        '<!doctype html><html lang="es"><head><title>Bien</title></head><body><main>'
        '<h1>Bien</h1><label for="a">Nombre</label><input id="a"></main></body></html>'
    )
    assert revisar_pagina(page) == []


@pytest.mark.parametrize(
    ("ruta", "titulo"),
    [("/no-existe/", "Página no encontrada"), ("/cupos/", None), ("/raoce/", None)],
)
def test_paginas_fuera_de_los_recorridos(servidor, page, captura, settings, ruta, titulo):
    """Anonymous: the Spanish 404 in the portal layout; /cupos/ and /raoce/ lead to a page
    (the login, then the catálogo), never a 404. Each passes axe and 375 px."""
    settings.DEBUG = False
    respuesta = page.goto(f"{servidor}{ruta}")
    if titulo:
        assert respuesta.status == 404
        expect(page.get_by_role("heading", name=titulo)).to_be_visible()
    else:
        assert respuesta.status == 200
        expect(page.locator("main h1")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es-MX"
    captura(page, ruta)  # axe + 375 px
