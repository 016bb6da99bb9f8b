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
