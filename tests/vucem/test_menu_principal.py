"""The main menu rendered once per process ({% menu_principal %}, issue 8) is, on every page
and for every role, exactly what ``{% include "includes/menu.html" %}`` renders there."""

import re

import pytest
from django.template import engines
from django.urls import reverse

from tests.soporte.personas import (
    crear_capturista,
    crear_solicitante,
    crear_usuario,
    entrar_como_capturista,
    entrar_como_solicitante,
    entrar_como_staff,
)
from vucem.models import Rol
from vucem.templatetags import vucem_tags

pytestmark = pytest.mark.django_db

INCLUDE = engines["django"].from_string('{% include "includes/menu.html" %}')


def _menu_de(html: str) -> str:
    return re.search(r'<nav class="navbar.*?</nav>', html, re.S).group(0)


def _comparar(client, url):
    r = client.get(url, follow=True)
    assert r.status_code == 200, url
    esperado = INCLUDE.render({}, r.wsgi_request)  # the context processors, as on the page
    assert _menu_de(r.content.decode()) == _menu_de(esperado), url
    return _menu_de(r.content.decode())


def test_el_menu_recordado_es_el_de_la_plantilla_en_cada_pagina_y_rol(client):
    vucem_tags._menu.cache_clear()
    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    entrar_como_solicitante(client, user)
    bandeja = _comparar(client, reverse("vucem:bandeja"))
    catalogo = _comparar(client, reverse("tramites:catalogo"))
    _comparar(client, reverse("acuses:lista"))
    assert 'aria-current="page" href="/"' in bandeja
    assert 'aria-current="page" href="/"' not in catalogo
    assert "Mis programas" in bandeja and "Dictamen de cupos" not in bandeja
    assert "Cambiar de rol" not in bandeja

    # The same persona also captures for someone else: it may switch roles.
    otra, _ = crear_solicitante("moral", rfc="EKU9003173C9", nombre="ESCUELA KEMPER SA DE CV")
    crear_capturista(otra, user.username)
    assert "Cambiar de rol" in _comparar(client, reverse("vucem:bandeja"))

    capturista = crear_capturista(persona, "captura.menu")
    client.logout()
    entrar_como_capturista(client, capturista, persona)
    menu = _comparar(client, reverse("vucem:bandeja"))
    assert "Mis programas" not in menu and "Cambiar de rol" in menu

    staff = crear_usuario(Rol.DICTAMINADOR, "dictamina.menu")
    client.logout()
    entrar_como_staff(client, staff)
    menu = _comparar(client, reverse("cupos:dictamen_lista"))
    assert "Dictamen de cupos" in menu and "Oficina de gestión" in menu
    assert vucem_tags._menu.cache_info().currsize >= 5


def test_la_ventana_de_sesion_y_las_url_fijas_son_las_de_la_plantilla(client, settings):
    """{% modal_sesion %} and {% url_fija %} (issue 8): worked out once per process, the same
    HTML as the include and the {% url %} they replace; another URL prefix, other URLs."""
    from django.urls import clear_script_prefix, set_script_prefix

    vucem_tags._modal_sesion.cache_clear()
    vucem_tags._url_fija.cache_clear()
    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    entrar_como_solicitante(client, user)
    modal = engines["django"].from_string('{% include "includes/sesion_modal.html" %}')
    for _ in range(2):
        html = client.get(reverse("vucem:bandeja")).content.decode()
        assert modal.render({}) in html
        assert f'data-url-ingresar="{reverse("vucem:ingresar")}"' in html
        assert f'href="{reverse("acuses:verificar")}">Verificar un documento' in html
    assert vucem_tags._modal_sesion.cache_info().hits >= 1
    assert vucem_tags._url_fija.cache_info().hits >= 2
    fija = engines["django"].from_string("{% load vucem_tags %}{% url_fija 'vucem:salir' %}")
    try:
        set_script_prefix("/ventanilla/")
        assert fija.render({}) == "/ventanilla/salir/" == reverse("vucem:salir")
        assert 'href="/ventanilla/salir/"' in vucem_tags.modal_sesion()
    finally:
        clear_script_prefix()
    assert fija.render({}) == reverse("vucem:salir")
    # anonymous pages: no session window
    client.logout()
    assert "sesionModal" not in client.get(reverse("acuses:verificar")).content.decode()
