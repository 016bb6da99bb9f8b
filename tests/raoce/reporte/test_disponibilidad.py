"""Issue 9 item 7: the annual report is offered only in its filing window and to a persona
with a program that must report (``raoce.reporte.disponibilidad.reporte_anual``); otherwise
the catálogo says why and from when, and the start URL creates no draft."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from raoce.models import EstatusPrograma
from raoce.reporte.disponibilidad import reporte_anual
from tests.raoce.conftest import LACTEOS, crear_persona_raoce, crear_programa, crear_reporte, firmar
from tests.soporte.personas import entrar_como_solicitante
from tramites.models import Solicitud

pytestmark = pytest.mark.django_db

A = 2026
PM = 150102


@pytest.fixture
def empresa(db):
    return crear_persona_raoce(LACTEOS)


def test_sin_programas(empresa):
    d = reporte_anual(empresa[0], dt.date(A, 5, 15))
    assert not d.disponible and d.abre_el is None
    assert "No hay programas de la Secretaría de Economía registrados para su RFC" in d.motivo


def test_ventana_y_programas(empresa):
    persona = empresa[0]
    immex = crear_programa(persona, "IMMEX", "83-2019")
    crear_programa(persona, "PROSEC", "2019-8664", ligados=[immex])
    # before 1 April: opens on 1 April
    d = reporte_anual(persona, dt.date(A, 3, 15))
    assert not d.disponible and d.abre_el == dt.date(A, 4, 1)
    assert f"periodo {A - 1} se presenta a partir del 01/04/{A}" in d.motivo
    # in the window, and while suspended (late filing until the última fecha)
    for dia in (dt.date(A, 4, 1), dt.date(A, 5, 15), dt.date(A, 8, 31)):
        assert reporte_anual(persona, dia).disponible, dia
    # past the IMMEX cancellation (1 Sep) without a report: nothing to file, never again
    d = reporte_anual(persona, dt.date(A, 12, 5))
    assert not d.disponible and d.abre_el is None
    assert "Cancelado automáticamente el 01/09/2026" in d.motivo


def test_ya_presentado_abre_el_siguiente_ciclo(empresa):
    persona = empresa[0]
    immex = crear_programa(persona, "IMMEX", "83-2019")
    firmar(crear_reporte(persona, [immex], periodo=A - 1), en=dt.date(A, 5, 10))
    d = reporte_anual(persona, dt.date(A, 12, 5))
    assert not d.disponible and d.abre_el == dt.date(A + 1, 4, 1)
    assert "ya presentó el reporte anual de 2025" in d.motivo


def test_autorizado_este_anio_o_cancelado(empresa):
    persona = empresa[0]
    crear_programa(persona, "IMMEX", "200-NUEVO", fecha_autorizacion=dt.date(A, 1, 10))
    crear_programa(persona, "PROSEC", "2015-0001", estatus=EstatusPrograma.CANCELADO)
    d = reporte_anual(persona, dt.date(A, 5, 15))
    assert not d.disponible
    assert f"autorizado en {A}" in d.motivo and "está cancelado" in d.motivo
    assert d.abre_el == dt.date(A + 1, 4, 1)  # the new IMMEX reports next year


def test_catalogo_y_url_directa_sin_borrador(client, empresa, settings):
    persona, user = empresa
    crear_programa(persona, "IMMEX", "83-2019")
    entrar_como_solicitante(client, user)
    settings.RAOCE_FECHA_SIMULADA = dt.date(A, 12, 5)
    html = client.get(reverse("tramites:dependencia", args=["SE"])).content.decode()
    i = html.index("Reporte anual de programa de la SE persona moral")
    trozo = html[i : i + 900]
    assert "No disponible por ahora" in trozo and "Cancelado automáticamente" in trozo
    url = reverse("tramites:iniciar", args=[PM])
    for metodo in (client.get, client.post):
        r = metodo(url, follow=True)
        assert r.redirect_chain and "Cancelado automáticamente" in r.content.decode()
    assert not Solicitud.objects.exists()
    # in the window the link is offered and the first Continuar creates the draft
    settings.RAOCE_FECHA_SIMULADA = dt.date(A, 5, 15)
    assert url in client.get(reverse("tramites:dependencia", args=["SE"])).content.decode()
    assert client.post(url).status_code == 302
    assert Solicitud.objects.count() == 1
