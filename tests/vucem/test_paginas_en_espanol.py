"""Issue 9, item 13: error pages in Spanish in the portal's layout, /cupos/ and /raoce/
answer (no 404), and a revoked capturista is told why instead of getting a 404."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from tests.soporte.personas import crear_capturista, entrar_como_capturista
from vucem.models import Capturista

pytestmark = pytest.mark.django_db

LAYOUT = ('lang="es-MX"', "vu-header", "Ir al inicio")


def _en_portal(html: str) -> None:
    for marca in LAYOUT:
        assert marca in html, marca
    for ingles in ("Not Found", "Bad Request", "Forbidden", "Server Error", "The requested"):
        assert ingles not in html


def test_404_en_espanol_con_el_layout(client, settings):
    settings.DEBUG = False
    r = client.get("/no-existe-esta-pagina/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "Página no encontrada" in html
    _en_portal(html)


def test_403_en_espanol_con_el_layout(cliente_capturista, settings):
    settings.DEBUG = False
    r = cliente_capturista.get("/usuarios/capturistas/")
    assert r.status_code == 403
    html = r.content.decode()
    assert "Acceso denegado" in html
    _en_portal(html)


def test_400_en_espanol_con_el_layout(client, settings):
    settings.DEBUG = False
    r = client.get("/tramites/", {"q": "a\x00b"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Solicitud no válida" in html
    _en_portal(html)


def test_500_en_espanol():
    r = defaults.server_error(RequestFactory().get("/"))
    assert r.status_code == 500
    html = r.content.decode()
    assert "Ocurrió un error en la Ventanilla" in html and 'lang="es-MX"' in html
    assert "Server Error" not in html


@pytest.mark.parametrize("ruta", ["/cupos/", "/raoce/"])
def test_cupos_y_raoce_responden_sin_404(cliente_moral, ruta):
    r = cliente_moral.get(ruta)
    assert r.status_code == 302 and r.url == reverse("tramites:catalogo")
    r = cliente_moral.get(ruta, follow=True)
    assert r.status_code == 200 and "Trámites disponibles" in r.content.decode()


def test_capturista_revocado_recibe_una_pagina_que_explica_la_revocacion(
    solicitante_moral, cliente_moral
):
    persona, _ = solicitante_moral
    capt = crear_capturista(persona)
    c2 = entrar_como_capturista(Client(), capt, persona)
    assert c2.get(reverse("tramites:catalogo"), follow=True).status_code == 200
    registro = Capturista.objects.get(usuario=capt)
    cliente_moral.post(reverse("vucem:revocar_capturista", args=[registro.pk]))

    # The next page the capturista opens, whatever it is, explains the revocation.
    r = c2.get(reverse("tramites:catalogo"), follow=True)
    assert r.status_code == 200
    html = r.content.decode()
    assert "El solicitante para el que capturaba revocó el" in html
    assert "Ya no puede capturar ni consultar sus trámites" in html
    assert "persona_id" not in c2.session
    # Told once; later pages are the normal ones for a user with no active solicitante.
    assert "revocó" not in c2.get(reverse("tramites:catalogo"), follow=True).content.decode()


def test_con_debug_tambien_en_espanol(client, settings):
    """make run (DEBUG): the portal's 404 page, not Django's technical one; on request the
    technical page is still there for developers."""
    settings.DEBUG = True
    r = client.get("/no-existe-esta-pagina/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "Página no encontrada" in html and "DEBUG = True" not in html
    _en_portal(html)
    settings.DEBUG_PAGINAS_TECNICAS = True
    r = client.get("/no-existe-esta-pagina/")
    assert r.status_code == 404 and "DEBUG = True" in r.content.decode()
