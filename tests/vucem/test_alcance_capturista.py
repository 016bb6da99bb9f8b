"""Issue 10 item 9: a capturista works only on what it captured (vucem.acceso). Its pages,
its bandeja and its notices agree: a draft the solicitante (or another capturista) captured
is a 404 for it, is not in its bandeja, and its notices are not shown to it."""

import pytest
from django.urls import reverse

from tests.soporte.personas import (
    crear_capturista,
    crear_solicitante,
    crear_usuario,
    entrar_como_capturista,
    entrar_como_solicitante,
)
from tramites.models import Notificacion, Solicitud
from vucem.models import Rol

pytestmark = pytest.mark.django_db


@pytest.fixture
def tramite_con_asistente(tramite):
    tramite.clave = "expedicion-certificados"  # a registered wizard: pages really open
    tramite.save(update_fields=["clave"])
    return tramite


@pytest.fixture
def escenario(tramite_con_asistente, crear_solicitud):
    persona, duenio = crear_solicitante("moral")
    capt = crear_capturista(persona)
    otro_capt = crear_capturista(persona)
    suyo = crear_solicitud(persona, capt)
    del_solicitante = crear_solicitud(persona, duenio)
    de_otro_capt = crear_solicitud(persona, otro_capt)
    avisos = {
        "suyo": Notificacion.objects.create(
            persona=persona, solicitud=suyo, asunto="Aviso de su borrador", cuerpo="x"
        ),
        "del_solicitante": Notificacion.objects.create(
            persona=persona, solicitud=del_solicitante, asunto="Aviso del titular", cuerpo="x"
        ),
        "general": Notificacion.objects.create(
            persona=persona, asunto="Aviso general de la empresa", cuerpo="x"
        ),
    }
    return persona, duenio, capt, suyo, [del_solicitante, de_otro_capt], avisos


def _paginas(s):
    n = s.numero_temporal
    return [
        reverse("tramites:continuar", args=[n]),
        reverse("tramites:paso", args=[n, "expedicion"]),
        reverse("tramites:firmar", args=[n]),
        reverse("tramites:registrada", args=[n]),
    ]


@pytest.mark.parametrize("gubernamental", [False, True])
def test_capturista_abre_solo_sus_borradores(client, escenario, gubernamental):
    persona, _, capt, suyo, ajenos, _ = escenario
    if gubernamental:
        capt = crear_usuario(Rol.CAPTURISTA_GUBERNAMENTAL)
        suyo.capturada_por = capt
        suyo.save(update_fields=["capturada_por"])
    entrar_como_capturista(client, capt, persona, gubernamental=gubernamental)
    for url in _paginas(suyo)[:3]:
        assert client.get(url).status_code in (200, 302), url
    for ajeno in ajenos:
        for url in _paginas(ajeno):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"accion": "continuar"}).status_code == 404, url
        r = client.post(reverse("tramites:descartar", args=[ajeno.numero_temporal]))
        assert r.status_code == 404
        ajeno.refresh_from_db()
        assert ajeno.estado == Solicitud.Estado.BORRADOR
    html = client.get(reverse("vucem:bandeja")).content.decode()
    assert suyo.numero_temporal in html
    assert all(a.numero_temporal not in html for a in ajenos)


def test_la_bandeja_y_los_avisos_del_capturista_coinciden(client, escenario):
    persona, _, capt, suyo, ajenos, avisos = escenario
    entrar_como_capturista(client, capt, persona)
    html = client.get(reverse("vucem:bandeja")).content.decode()
    assert "Aviso de su borrador" in html
    assert "Aviso del titular" not in html and "Aviso general de la empresa" not in html
    for clave in ("del_solicitante", "general"):
        url = reverse("vucem:marcar_leida", args=[avisos[clave].pk])
        assert client.post(url).status_code == 404
    r = client.post(
        reverse("vucem:marcar_todas_leidas"), {"id": [str(a.pk) for a in avisos.values()]}
    )
    assert r.status_code == 302
    leidas = set(Notificacion.objects.filter(leida=True).values_list("asunto", flat=True))
    assert leidas == {"Aviso de su borrador"}


def test_el_solicitante_ve_todo_lo_suyo(client, escenario):
    """The solicitante sees every draft of its own (to sign what a capturista left) and
    every notice."""
    persona, duenio, _, suyo, ajenos, _ = escenario
    entrar_como_solicitante(client, duenio)
    html = client.get(reverse("vucem:bandeja")).content.decode()
    for s in [suyo, *ajenos]:
        assert s.numero_temporal in html
        assert client.get(reverse("tramites:continuar", args=[s.numero_temporal])).status_code in (
            200,
            302,
        )
    for asunto in ("Aviso de su borrador", "Aviso del titular", "Aviso general de la empresa"):
        assert asunto in html
