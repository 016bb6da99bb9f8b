"""Bandeja: "Marcar como leída" (one notice) and "Marcar todas como leídas", POST only,
CSRF-protected, scoped to the acting persona."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.soporte.personas import (
    crear_capturista,
    crear_solicitante,
    crear_usuario,
    entrar_como_capturista,
    entrar_como_solicitante,
    entrar_como_staff,
)
from tramites import bandeja as bandeja_svc
from tramites.models import Notificacion
from vucem.models import Rol

pytestmark = pytest.mark.django_db
BANDEJA = reverse("vucem:bandeja")
TODAS = reverse("vucem:marcar_todas_leidas")


def url(n):
    return reverse("vucem:marcar_leida", args=[n.pk])


def aviso(persona, asunto="Aviso de dictamen", **kwargs):
    return Notificacion.objects.create(persona=persona, asunto=asunto, cuerpo="x", **kwargs)


def leida(n) -> bool:
    n.refresh_from_db()
    return n.leida


def bandeja(client) -> str:
    r = client.get(BANDEJA)
    assert r.status_code == 200
    return r.content.decode()


@pytest.fixture
def solicitante():
    return crear_solicitante("moral")


@pytest.fixture
def cliente(client, solicitante):
    entrar_como_solicitante(client, solicitante[1])
    return client


# ------------------------------------------------------------------ one notice


def test_marcar_leida_la_quita_de_la_bandeja(cliente, solicitante):
    n = aviso(solicitante[0])
    html = bandeja(cliente)
    assert "Aviso de dictamen" in html and f'action="{url(n)}"' in html
    r = cliente.post(url(n))
    assert r.status_code == 302 and r.url == BANDEJA
    assert leida(n)
    html = bandeja(cliente)
    assert "Aviso de dictamen" not in html
    assert "La notificación se marcó como leída." in html


def test_marcar_leida_de_otra_persona_es_404(cliente):
    otra, _ = crear_solicitante("fisica")
    ajena = aviso(otra, "De otra persona")
    assert cliente.post(url(ajena)).status_code == 404
    assert not leida(ajena)


def test_marcar_leida_inexistente_o_enorme_es_404(cliente):
    assert cliente.post(reverse("vucem:marcar_leida", args=[999999])).status_code == 404
    assert cliente.post("/notificaciones/99999999999999999999/leida/").status_code == 404


def test_marcar_leida_no_admite_get(cliente, solicitante):
    n = aviso(solicitante[0])
    assert cliente.get(url(n)).status_code == 405
    assert not leida(n)


def test_marcar_leida_exige_csrf(solicitante):
    persona, user = solicitante
    n = aviso(persona)
    client = Client(enforce_csrf_checks=True)
    entrar_como_solicitante(client, user)
    assert client.post(url(n)).status_code == 403
    assert not leida(n)
    # with the token the bandeja's form carries, it works
    html = bandeja(client)
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert client.post(url(n), {"csrfmiddlewaretoken": token}).status_code == 302
    assert leida(n)


def test_marcar_leida_sin_sesion_pide_ingresar(client, solicitante):
    n = aviso(solicitante[0])
    r = client.post(url(n))
    assert r.status_code == 302 and reverse("vucem:ingresar") in r.url
    assert not leida(n)


def test_staff_sin_persona_activa_recibe_404(client, solicitante):
    n = aviso(solicitante[0])
    entrar_como_staff(client, crear_usuario(Rol.DICTAMINADOR))
    assert client.post(url(n)).status_code == 404
    assert client.post(TODAS, {"id": [n.pk]}).status_code == 404
    assert not leida(n)


def test_capturista_marca_solo_las_del_solicitante_con_que_actua(
    client, solicitante, crear_solicitud
):
    """Issue 10 item 9 changed this: a capturista's notices are those of the solicitudes it
    captured (a company-wide notice is the solicitante's, not the capturista's)."""
    persona, _ = solicitante
    otra, _ = crear_solicitante("fisica")
    capt = crear_capturista(persona)
    crear_capturista(otra, capt.username)
    suya = crear_solicitud(persona, capt)
    propia, de_otra = aviso(persona, solicitud=suya), aviso(otra, "De otra persona")
    de_la_empresa = aviso(persona, "Aviso general de la empresa")
    entrar_como_capturista(client, capt, persona)
    assert client.post(url(de_otra)).status_code == 404
    assert client.post(url(de_la_empresa)).status_code == 404
    assert client.post(url(propia)).status_code == 302
    assert leida(propia) and not leida(de_otra) and not leida(de_la_empresa)


def test_marcar_leida_regresa_a_la_bandeja_filtrada_y_no_a_otro_sitio(cliente, solicitante):
    a, b = aviso(solicitante[0]), aviso(solicitante[0], "Otro aviso")
    destino = f"{BANDEJA}?folio=123"
    assert cliente.post(url(a), {"next": destino}).url == destino
    assert cliente.post(url(b), {"next": "https://malicioso.example/"}).url == BANDEJA


def test_marcar_leida_dos_veces_no_falla(cliente, solicitante):
    n = aviso(solicitante[0])
    assert cliente.post(url(n)).status_code == 302
    assert cliente.post(url(n)).status_code == 302
    assert leida(n)


def test_botones_accesibles(cliente, solicitante):
    aviso(solicitante[0], "Aviso uno")
    aviso(solicitante[0], "Aviso dos")
    html = bandeja(cliente)
    assert html.count('>Marcar como leída<span class="visually-hidden">: Aviso') == 2
    assert '<span class="visually-hidden">: Aviso uno (' in html
    assert "Marcar todas como leídas" in html
    assert '<span class="visually-hidden"> (2 notificaciones)</span>' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 3


def test_una_sola_notificacion_no_ofrece_marcar_todas(cliente, solicitante):
    aviso(solicitante[0])
    html = bandeja(cliente)
    assert "Marcar como leída" in html and "Marcar todas como leídas" not in html


def test_sin_notificaciones_no_hay_botones(cliente):
    assert "Marcar como leída" not in bandeja(cliente)


# ------------------------------------------------------------------ all shown notices


def test_marcar_todas_marca_las_mostradas_de_la_persona(cliente, solicitante):
    persona = solicitante[0]
    a, b = aviso(persona, "Aviso uno"), aviso(persona, "Aviso dos")
    otra, _ = crear_solicitante("fisica")
    ajena = aviso(otra, "De otra persona")
    html = bandeja(cliente)
    assert f'name="id" value="{a.pk}"' in html and f'name="id" value="{b.pk}"' in html
    nueva = aviso(persona, "Llegó después")  # not shown yet: stays unread
    r = cliente.post(TODAS, {"id": [a.pk, b.pk, ajena.pk, "x", "１"]})
    assert r.status_code == 302 and r.url == BANDEJA
    assert leida(a) and leida(b)
    assert not leida(ajena) and not leida(nueva)
    html = bandeja(cliente)
    assert "Aviso uno" not in html and "Aviso dos" not in html and "Llegó después" in html
    assert "Las notificaciones se marcaron como leídas." in html


def test_marcar_todas_no_admite_get(cliente, solicitante):
    n = aviso(solicitante[0])
    assert cliente.get(TODAS, {"id": [n.pk]}).status_code == 405
    assert not leida(n)


def test_marcar_todas_exige_csrf(solicitante):
    persona, user = solicitante
    n = aviso(persona)
    client = Client(enforce_csrf_checks=True)
    entrar_como_solicitante(client, user)
    assert client.post(TODAS, {"id": [n.pk]}).status_code == 403
    assert not leida(n)


# ------------------------------------------------------------------ services


def test_servicio_marcar_leida_solo_de_la_persona(solicitante):
    persona = solicitante[0]
    otra, _ = crear_solicitante("fisica")
    n, ajena = aviso(persona), aviso(otra)
    with pytest.raises(Notificacion.DoesNotExist):
        bandeja_svc.marcar_leida(persona, ajena.pk)
    with pytest.raises(Notificacion.DoesNotExist):
        bandeja_svc.marcar_leida(None, n.pk)
    assert bandeja_svc.marcar_leida(persona, n.pk).leida and leida(n)
    assert not leida(ajena)
    assert list(bandeja_svc.notificaciones_no_leidas(persona)) == []


def test_servicio_marcar_leidas_ignora_ids_ajenos_o_invalidos(solicitante):
    persona = solicitante[0]
    otra, _ = crear_solicitante("fisica")
    a, b, ajena = aviso(persona), aviso(persona, leida=True), aviso(otra)
    ids = [str(a.pk), b.pk, ajena.pk, "", "-1", "1e3", "9" * 40]
    assert bandeja_svc.marcar_leidas(persona, ids) == 1
    assert leida(a) and not leida(ajena)
    assert bandeja_svc.marcar_leidas(persona, []) == 0
    assert bandeja_svc.marcar_leidas(None, [ajena.pk]) == 0
