"""Issue 9 item 7: the catálogo does not offer a cupos trámite that cannot be done today.

Rules (``cupos.disponibilidad``) as plain functions, then the catálogo and the start URL
through the Django client: the reason and the opening date are shown and no draft is created.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cupos import disponibilidad, saldos, ventanas
from cupos.models import Criterio, Mecanismo
from cupos.ventanas import VentanaRecepcion
from tests.cupos.factories import (
    CupoFactory,
    SubcupoFactory,
    asignacion_con_saldo,
    certificado_directo,
)
from tests.tramites.conftest import crear_persona, entrar, usuario_solicitante
from tramites.models import Solicitud
from vucem.models import Rol

pytestmark = pytest.mark.django_db

ANIO = 2026
ASIGNACION_PM, EXPEDICION_PM, CANCELACION = 120402, 120202, 140104


def lacteos_sin_a(anio=ANIO):
    """Seed 004's lácteos windows for B, C and D (A is LICONSA's, open until 30 Nov)."""
    cupo = CupoFactory(clave=f"lacteos-{anio}", anio=anio)
    for clave, criterio, ventana in (
        ("B", Criterio.PROPORCIONAL, VentanaRecepcion("dias_habiles_desde_primer_habil", 1, 15)),
        (
            "C",
            Criterio.PRIMERO_EN_TIEMPO,
            VentanaRecepcion("desde_primer_habil_hasta_ultimo_habil", mes_inicio=1, mes_fin=7),
        ),
        ("D", Criterio.BOLSA_RESIDUAL, VentanaRecepcion("dias_habiles_desde_primer_habil", 9, 15)),
    ):
        SubcupoFactory(cupo=cupo, clave=clave, criterio=criterio, ventana=ventana.to_dict())
    return cupo


@pytest.fixture
def moral(db):
    return crear_persona("LBA100315MX4", "LACTEOS DEL BAJIO SA DE CV")


@pytest.fixture
def cliente(client, moral):
    return entrar(client, usuario_solicitante(moral), moral, Rol.SOLICITANTE_MORAL)


def el_dia(monkeypatch, fecha: dt.date):
    momento = dt.datetime.combine(fecha, dt.time(12), tzinfo=dt.UTC)
    monkeypatch.setattr(ventanas, "ahora", lambda: momento)


def catalogo(client) -> str:
    return client.get(reverse("tramites:dependencia", args=["SE"])).content.decode()


def fragmento(html: str, nombre: str, largo=700) -> str:
    i = html.index(nombre)
    return html[i : i + largo]


# -------------------------------------------------------------------------- asignación


@pytest.mark.parametrize(
    ("hoy", "disponible", "abre_el", "estimada"),
    [
        (dt.date(ANIO, 1, 2), True, None, False),  # B (and C) open from 2 Jan
        (dt.date(ANIO, 3, 10), True, None, False),  # C until the last business day of July
        (dt.date(ANIO, 7, 31), True, None, False),  # C's last day
        (dt.date(ANIO, 8, 15), False, dt.date(ANIO, 9, 1), False),  # D from 1 Sep
        (dt.date(ANIO, 9, 21), True, None, False),  # D: 15 business days (16 Sep inhábil)
        (dt.date(ANIO, 12, 5), False, dt.date(ANIO + 1, 1, 4), True),  # next year's B/C
    ],
)
def test_recepcion_asignacion_por_ventanas(hoy, disponible, abre_el, estimada):
    lacteos_sin_a()
    d = disponibilidad.recepcion_asignacion(hoy)
    assert d.disponible is disponible
    assert d.abre_el == abre_el
    if not disponible:
        assert f"Hoy ({hoy:%d/%m/%Y}) no está abierta la recepción" in d.motivo
        assert ("sujeta a la publicación del cupo de 2027" in d.motivo) is estimada


def test_recepcion_asignacion_sin_cupos_y_licitacion_no_cuenta():
    d = disponibilidad.recepcion_asignacion(dt.date(ANIO, 3, 10))
    assert not d.disponible and d.abre_el is None
    # a licitación pública subcupo has no reception of solicitudes de asignación
    SubcupoFactory(
        cupo=CupoFactory(clave="azucar-lic", anio=ANIO, mecanismo=Mecanismo.LICITACION_PUBLICA),
        criterio=Criterio.LICITACION,
    )
    assert not disponibilidad.recepcion_asignacion(dt.date(ANIO, 3, 10)).disponible
    # an inactive cupo does not count either
    cupo = lacteos_sin_a()
    cupo.activo = False
    cupo.save(update_fields=["activo"])
    assert not disponibilidad.recepcion_asignacion(dt.date(ANIO, 3, 10)).disponible


def test_catalogo_asignacion_cerrada_sin_borrador(cliente, monkeypatch):
    """All lácteos windows closed (5 Dec): the catálogo says why and when it opens; neither
    the link of the catálogo nor the start URL opened directly leaves a draft."""
    lacteos_sin_a()
    el_dia(monkeypatch, dt.date(ANIO, 12, 5))
    html = catalogo(cliente)
    trozo = fragmento(html, "Solicitud de asignación directa de cupo persona moral")
    assert "No disponible por ahora" in trozo
    assert "no está abierta la recepción de solicitudes de ningún cupo" in trozo
    assert "Disponible a partir del 04/01/2027" in trozo
    url = reverse("tramites:iniciar", args=[ASIGNACION_PM])
    assert url not in html
    for metodo in (cliente.get, cliente.post):
        r = metodo(url, follow=True)
        assert r.redirect_chain[0][0] == reverse("tramites:catalogo")
        assert "Disponible a partir del 04/01/2027" in r.content.decode()
    assert not Solicitud.objects.exists()

    # on a day when C is open, the link is back and the first Continuar makes the draft
    el_dia(monkeypatch, dt.date(ANIO, 3, 10))
    html = catalogo(cliente)
    trozo = fragmento(html, "Solicitud de asignación directa de cupo persona moral")
    assert url in html and "No disponible por ahora" not in trozo.split("</li>")[0]
    assert cliente.get(url).status_code == 200
    assert cliente.post(url).status_code == 302
    assert Solicitud.objects.count() == 1


# -------------------------------------------------------------------------- expedición


def test_expedicion_solo_con_oficio_vigente_con_saldo(moral):
    hoy = dt.date(ANIO, 6, 1)
    d = disponibilidad.expedicion_posible(moral, hoy)
    assert not d.disponible and "No tiene oficios de asignación vigentes" in d.motivo
    cupo = CupoFactory(clave="avena", anio=ANIO)
    sub = SubcupoFactory(cupo=cupo, clave="UNICO", criterio=Criterio.CONSUMO_AUDITADO)
    a = asignacion_con_saldo(
        moral,
        sub,
        Decimal("1000"),
        vigencia_inicio=dt.date(ANIO, 1, 1),
        vigencia_fin=dt.date(ANIO, 12, 31),
    )
    assert disponibilidad.expedicion_posible(moral, hoy).disponible
    # expired: not any more
    assert not disponibilidad.expedicion_posible(moral, dt.date(ANIO + 1, 1, 2)).disponible
    # saldo used up: not any more
    certificado_directo(a, "1000")
    assert saldos.disponible(a) == 0
    assert not disponibilidad.expedicion_posible(moral, hoy).disponible
    # an oficio whose vigencia starts later: opens on that date
    asignacion_con_saldo(
        moral,
        sub,
        Decimal("500"),
        numero="000002",
        vigencia_inicio=dt.date(ANIO, 7, 1),
        vigencia_fin=dt.date(ANIO, 12, 31),
    )
    d = disponibilidad.expedicion_posible(moral, hoy)
    assert not d.disponible and d.abre_el == dt.date(ANIO, 7, 1)


def test_catalogo_expedicion_sin_oficio_sin_borrador(cliente):
    html = catalogo(cliente)
    trozo = fragmento(html, "Expedición de Certificados de Cupo Asignación Directa persona moral")
    assert "No disponible por ahora" in trozo and "No tiene oficios de asignación" in trozo
    r = cliente.get(reverse("tramites:iniciar", args=[EXPEDICION_PM]), follow=True)
    assert "Primero solicite la asignación del cupo" in r.content.decode()
    assert not Solicitud.objects.exists()


# -------------------------------------------------------------------------- cancelación


def test_cancelacion_solo_con_monto_por_cancelar(cliente, moral):
    d = disponibilidad.cancelacion_posible(moral)
    assert not d.disponible and d.abre_el is None
    trozo = fragmento(catalogo(cliente), "Cancelación de Certificados a Petición del Interesado")
    assert "No tiene certificados de cupo vigentes con monto por cancelar" in trozo
    r = cliente.post(reverse("tramites:iniciar", args=[CANCELACION]), follow=True)
    assert "No tiene certificados de cupo vigentes" in r.content.decode()
    assert not Solicitud.objects.exists()
    # a certificate with something left to cancel opens it; fully used, it closes again
    cupo = CupoFactory(clave="avena", anio=ANIO)
    sub = SubcupoFactory(cupo=cupo, clave="UNICO")
    cert = certificado_directo(asignacion_con_saldo(moral, sub), "500", utilizado="100")
    assert disponibilidad.cancelacion_posible(moral).disponible
    assert reverse("tramites:iniciar", args=[CANCELACION]) in catalogo(cliente)
    cert.monto_utilizado = cert.monto_expedido
    cert.save(update_fields=["monto_utilizado"])
    assert not disponibilidad.cancelacion_posible(moral).disponible


def test_cupos_fecha_simulada_mueve_las_ventanas(cliente, settings):
    """``CUPOS_FECHA_SIMULADA`` (demo): the catálogo and the windows act on that date."""
    lacteos_sin_a()
    settings.CUPOS_FECHA_SIMULADA = dt.date(ANIO, 12, 5)
    assert ventanas.hoy() == dt.date(ANIO, 12, 5)
    assert "Disponible a partir del 04/01/2027" in catalogo(cliente)
    settings.CUPOS_FECHA_SIMULADA = "2026-03-16"
    assert ventanas.hoy() == dt.date(ANIO, 3, 16)
    assert reverse("tramites:iniciar", args=[ASIGNACION_PM]) in catalogo(cliente)
    settings.CUPOS_FECHA_SIMULADA = None
    from django.utils import timezone

    assert ventanas.hoy() == timezone.localdate()


def test_recepcion_asignacion_se_recuerda_por_dia_hasta_que_cambia_un_cupo(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Issue 8: the reception answer is alike for every persona: read once per process and
    date, forgotten when a cupo, a subcupo or a día inhábil is saved."""
    from tramites.models import Dependencia, DiaInhabil

    # committed (what is read under a version an open transaction set is never kept)
    with django_capture_on_commit_callbacks(execute=True):
        cupo = lacteos_sin_a()
    dia = dt.date(ANIO, 8, 15)  # D opens on 1 Sep
    assert disponibilidad.recepcion_asignacion(dia).abre_el == dt.date(ANIO, 9, 1)
    with django_assert_num_queries(0):
        assert disponibilidad.recepcion_asignacion(dia).abre_el == dt.date(ANIO, 9, 1)
    # another date is read on its own
    assert disponibilidad.recepcion_asignacion(dt.date(ANIO, 3, 10)).disponible

    # a día inhábil on 1 Sep moves D's first business day
    se = Dependencia.objects.get(clave="SE")
    DiaInhabil.objects.create(dependencia=se, fecha=dt.date(ANIO, 9, 1), descripcion="Prueba")
    assert disponibilidad.recepcion_asignacion(dia).abre_el == dt.date(ANIO, 9, 2)
    # the subcupo's new window
    d = cupo.subcupos.get(clave="D")
    d.ventana = VentanaRecepcion("dias_habiles_desde_primer_habil", 10, 15).to_dict()
    d.save()
    assert disponibilidad.recepcion_asignacion(dia).abre_el == dt.date(ANIO, 10, 1)
    # the cupo withdrawn: only next year's estimate is left
    cupo.activo = False
    cupo.save()
    assert disponibilidad.recepcion_asignacion(dia).abre_el is None
