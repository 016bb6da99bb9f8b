"""Staff reach the dictamen page of a solicitud from the bandeja and the menu."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cupos.factories import solicitud_asignacion_firmada
from tests.tramites.conftest import crear_persona

pytestmark = pytest.mark.django_db


def test_bandeja_del_dictaminador_lleva_al_dictamen(cliente_dictaminador, lacteos, capturador):
    persona = crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV")
    _cupo, subcupos = lacteos
    sub_b = subcupos["B"]
    s = solicitud_asignacion_firmada(
        persona,
        sub_b,
        recibida=timezone.now(),
        usuario=capturador,
        monto_solicitado=Decimal("1000"),
    )
    html = cliente_dictaminador.get(reverse("vucem:bandeja")).content.decode()
    assert reverse("cupos:dictamen_detalle", args=[s.folio]) in html
    assert reverse("cupos:dictamen_lista") in html  # menu link "Dictamen de cupos"
    assert reverse("cupos:consulta") in html


def test_favicon(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r.url.endswith("favicon.svg")
