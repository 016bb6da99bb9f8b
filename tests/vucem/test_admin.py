import pytest

from tests.soporte.personas import crear_capturista, crear_domicilio_planta, crear_solicitante
from vucem.models import Domicilio

pytestmark = pytest.mark.django_db


def test_admin_de_personas_y_usuarios(admin_client):
    persona, _ = crear_solicitante("moral", nombre="AGRICOLA ALPE SA DE CV")
    crear_domicilio_planta(persona, Domicilio.Tipo.BODEGA)
    crear_capturista(persona, "capt.admin")
    r = admin_client.get("/admin/vucem/persona/", {"q": persona.rfc})
    assert r.status_code == 200 and "AGRICOLA ALPE" in r.content.decode()
    r = admin_client.get(f"/admin/vucem/persona/{persona.pk}/change/")
    html = r.content.decode()
    assert r.status_code == 200 and "domicilios de planta" in html.lower() and "capt.admin" in html
    r = admin_client.get("/admin/vucem/user/", {"q": persona.rfc})
    assert r.status_code == 200 and persona.rfc in r.content.decode()
    assert admin_client.get("/admin/vucem/user/", {"groups__id__exact": 1}).status_code == 200
    assert admin_client.get("/admin/vucem/capturista/").status_code == 200


def test_admin_requiere_personal(cliente_solicitante):
    r = cliente_solicitante.get("/admin/vucem/persona/")
    assert r.status_code == 302 and "/admin/login/" in r.url
