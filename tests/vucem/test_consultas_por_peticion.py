"""Issue 8 item 2: what every logged-in request costs. A solicitante's trivial request reads
its user and its own (acting) persona in one query and writes nothing; a capturista's acting
persona is still read (and checked) on its own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.soporte.personas import (
    crear_capturista,
    crear_solicitante,
    entrar_como_capturista,
    entrar_como_solicitante,
)

pytestmark = pytest.mark.django_db


def _consultas(client, url):
    client.get(url)  # warm: first request may refresh the idle clock
    with CaptureQueriesContext(connection) as q:
        r = client.get(url)
    # the session row itself is read from the cache when Redis is configured (cached_db)
    return r, [c["sql"] for c in q.captured_queries if '"django_session"' not in c["sql"]]


def test_solicitante_una_consulta_por_peticion_trivial(client):
    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    entrar_como_solicitante(client, user)
    r, sqls = _consultas(client, reverse("vucem:ping"))
    assert r.status_code == 200
    assert len(sqls) == 1, sqls  # the user, joined with its persona
    assert "vucem_persona" in sqls[0]
    r = client.get(reverse("vucem:bandeja"))
    assert r.status_code == 200 and persona.nombre in r.content.decode()


def test_capturista_lee_y_comprueba_la_persona_por_la_que_actua(client):
    persona, _user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    capturista = crear_capturista(persona, "captura.uno")
    entrar_como_capturista(client, capturista, persona)
    r, sqls = _consultas(client, reverse("vucem:ping"))
    assert r.status_code == 200
    assert len(sqls) == 3, sqls  # user, acting persona, active registration
    capturista.capturas_para.update(activo=False)
    r = client.get(reverse("vucem:bandeja"))
    assert persona.nombre not in r.content.decode()


def test_el_menu_no_consulta_los_registros_de_capturista_en_cada_pagina(client):
    """Issue 8: whether a solicitante may switch roles (it also captures for someone) is read
    once and remembered; registering it as a capturista shows «Cambiar de rol» at once."""
    from vucem.models import Capturista

    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    otra, _ = crear_solicitante("moral", rfc="ACN080610GT1", nombre="AVENAS SA DE CV")
    entrar_como_solicitante(client, user)
    r, sqls = _consultas(client, reverse("vucem:bandeja"))
    assert r.status_code == 200 and "Cambiar de rol" not in r.content.decode()
    assert not [s for s in sqls if "vucem_capturista" in s], sqls
    registro = Capturista.objects.create(solicitante=otra, usuario=user)
    assert "Cambiar de rol" in client.get(reverse("vucem:bandeja")).content.decode()
    registro.activo = False
    registro.save()
    assert "Cambiar de rol" not in client.get(reverse("vucem:bandeja")).content.decode()
