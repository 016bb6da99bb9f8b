"""Issue 9, items 9 and 13: a way back from «Firmar», and /cupos/ and /raoce/ lead somewhere."""

import pytest
from django.urls import reverse

from tramites.models import Solicitud

pytestmark = pytest.mark.django_db


def test_firmar_ofrece_regresar_a_modificar(cliente, tramite_prueba):
    cliente.post(reverse("tramites:iniciar", args=[tramite_prueba.vucem_id]))
    s = Solicitud.objects.get()
    cliente.post(
        reverse("tramites:paso", args=[s.numero_temporal, "datos"]),
        {"descripcion": "Avena", "cantidad": "12.5"},
    )
    html = cliente.get(reverse("tramites:firmar", args=[s.numero_temporal])).content.decode()
    assert "Regresar / Modificar" in html
    assert reverse("tramites:paso", args=[s.numero_temporal, "datos"]) in html


@pytest.mark.parametrize("ruta", ["/cupos/", "/raoce/"])
def test_landing_de_cupos_y_raoce(client, ruta):
    r = client.get(ruta)
    assert r.status_code == 302 and r.url == reverse("tramites:catalogo")
