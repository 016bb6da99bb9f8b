"""Issue 8: the bandeja is paginated: the same queries at 10 and 1,000 items, at most a
page of rows, filters kept across pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.soporte.personas import (
    crear_solicitante,
    crear_usuario,
    entrar_como_solicitante,
    entrar_como_staff,
)
from tramites.models import Solicitud
from tramites.views_bandeja import POR_PAGINA
from vucem.models import Rol

pytestmark = pytest.mark.django_db


def _muchas(tramite, persona, user, n, estado, desde=0):
    Solicitud.objects.bulk_create(
        [
            Solicitud(
                tramite=tramite,
                solicitante=persona,
                capturada_por=user,
                estado=estado,
                numero_temporal=f"{600000000 + desde + i:09d}",
            )
            for i in range(n)
        ]
    )


def _consultas(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as c:
        r = client.get(reverse("vucem:bandeja"), params)
    assert r.status_code == 200
    return len(c), r.content.decode()


def test_bandeja_del_solicitante_mismo_costo_con_10_y_1000(client, tramite):
    persona, user = crear_solicitante("moral")
    entrar_como_solicitante(client, user)
    _muchas(tramite, persona, user, 10, "borrador")
    _muchas(tramite, persona, user, 10, "en_dictamen", desde=10)
    client.get(reverse("vucem:bandeja"))
    pocas, _ = _consultas(client)
    _muchas(tramite, persona, user, 990, "borrador", desde=100)
    _muchas(tramite, persona, user, 990, "en_dictamen", desde=2000)
    muchas, html = _consultas(client)
    assert muchas == pocas
    assert html.count("la solicitud 6") <= 2 * POR_PAGINA  # "Continuar/Ver la solicitud …"
    assert "Página 1 de 40" in html


def test_bandeja_del_dictaminador_paginada_y_con_filtros(client, tramite):
    persona, user = crear_solicitante("moral")
    entrar_como_staff(client, crear_usuario(Rol.DICTAMINADOR))
    _muchas(tramite, persona, user, 60, "en_dictamen")
    _, html = _consultas(client, folio="6000000", pagina_tareas=2)
    assert "Página 2 de 3" in html
    # the links to other pages keep the filter
    assert "folio=6000000&amp;pagina_tareas=3" in html
