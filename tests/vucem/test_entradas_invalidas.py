"""Issue 11, item 4 (and HEAD of item 6): inputs that used to answer 500 now answer a page."""

import pytest
from django.urls import reverse

from tramites.models import Notificacion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("siguiente", ["x", "javascript:alert(1)", "//otro.example/", "a.b", " "])
def test_next_que_no_es_url_en_ingresar(cliente_solicitante, siguiente):
    r = cliente_solicitante.get("/ingresar/", {"next": siguiente})
    assert r.status_code == 302 and r.url == reverse("vucem:bandeja")


def test_next_valido_se_respeta(cliente_solicitante):
    r = cliente_solicitante.get("/ingresar/", {"next": "/acuses/"})
    assert r.status_code == 302 and r.url == "/acuses/"


def test_next_que_no_es_url_en_ingreso_sin_fiel(client, capturista_privado):
    r = client.post(
        "/ingresar/?next=x",
        {"metodo": "sin_fiel", "username": capturista_privado.username, "password": "x" * 3},
    )
    assert r.status_code == 200  # wrong password: the page, not a 500
    from tests.soporte.personas import PASSWORD_PRUEBA

    r = client.post(
        "/ingresar/",
        {
            "metodo": "sin_fiel",
            "username": capturista_privado.username,
            "password": PASSWORD_PRUEBA,
            "next": "x",
        },
    )
    assert r.status_code == 302 and r.url == reverse("vucem:bandeja")


def test_next_que_no_es_url_en_salir(cliente_solicitante):
    assert cliente_solicitante.get("/salir/", {"next": "x"}).status_code == 200
    r = cliente_solicitante.post("/salir/", {"confirmar": "no", "next": "x"})
    assert r.status_code == 302 and r.url == reverse("vucem:bandeja")


def test_next_que_no_es_url_en_notificaciones(cliente_solicitante, solicitante_fisica):
    persona, _ = solicitante_fisica
    n = Notificacion.objects.create(persona=persona, asunto="A", cuerpo="B")
    r = cliente_solicitante.post(reverse("vucem:marcar_leida", args=[n.pk]), {"next": "x"})
    assert r.status_code == 302 and r.url == reverse("vucem:bandeja")
    r = cliente_solicitante.post(reverse("vucem:marcar_todas_leidas"), {"id": n.pk, "next": "x"})
    assert r.status_code == 302 and r.url == reverse("vucem:bandeja")


@pytest.mark.parametrize(
    "peticion",
    [
        lambda c: c.get("/acuses/verificar/", {"folio": "1\x002"}),
        lambda c: c.get("/", {"folio": "\x00"}),
        lambda c: c.get("/tramites/solicitud/12\x00/"),
        lambda c: c.post(
            "/ingresar/", {"metodo": "sin_fiel", "username": "a\x00", "password": "b"}
        ),
    ],
)
def test_nul_responde_400(cliente_solicitante, peticion):
    r = peticion(cliente_solicitante)
    assert r.status_code == 400
    assert "caracteres no válidos" in r.content.decode()


def test_head_en_ingresar_responde_200(client):
    assert client.head("/ingresar/").status_code == 200
