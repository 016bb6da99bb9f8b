"""Issue 9 journeys in Chromium (item 13 + 14): the Spanish 404 page in the portal layout,
and /cupos/ and /raoce/ answering; every page goes through ``captura`` (axe + 375 px)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import en_bandeja, ingresar_con_fiel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_404_en_espanol_y_secciones_existentes(servidor, page, captura, moral):
    cred, cer, key = moral
    respuesta = page.goto(f"{servidor}/no-existe-esta-pagina/")
    assert respuesta.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "es-MX")
    expect(page.locator("main")).to_be_visible()
    assert "Not Found" not in page.content()
    captura(page, "pagina no encontrada")

    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    for ruta in ("/cupos/", "/raoce/"):
        respuesta = page.goto(f"{servidor}{ruta}")
        assert respuesta.status != 404, ruta
        captura(page, f"seccion {ruta}")
