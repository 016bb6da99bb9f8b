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


def test_tramite_cerrado_en_catalogo_sin_borrador(servidor, page, captura, moral, settings):
    """Item 7: lácteos windows closed on 5 Dec → not available, reason + opening date."""
    import datetime as dt

    from django.urls import reverse

    from tests.cupos.test_disponibilidad import ASIGNACION_PM, lacteos_sin_a
    from tramites.models import Solicitud

    lacteos_sin_a()
    settings.CUPOS_FECHA_SIMULADA = dt.date(2026, 12, 5)
    cred, cer, key = moral
    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    inicio = reverse("tramites:iniciar", args=[ASIGNACION_PM])
    page.goto(servidor + reverse("tramites:dependencia", args=["SE"]))
    expect(page.locator("main")).to_contain_text("Disponible a partir del 04/01/2027")
    assert page.locator(f'a[href="{inicio}"]').count() == 0
    captura(page, "catalogo tramite cerrado")
    page.goto(servidor + inicio)
    assert reverse("tramites:dependencia", args=["SE"]) in page.url
    expect(page.locator("main")).to_contain_text("Disponible a partir del 04/01/2027")
    captura(page, "inicio directo regresa al catalogo")
    assert not Solicitud.objects.exists()
