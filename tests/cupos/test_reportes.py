"""Issue 10 item 5: the consulta de cupos for nivel central: a cupo's breakdown per subcupo
(figures from the saldo ledger) with an inline SVG chart and its table, the monthly trend,
and the consulta exported as CSV (BOM) and Excel with the current filters; solicitantes
cannot export."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cupos import reportes, saldos
from cupos.models import MovimientoSaldo
from tests.cupos.asignacion.conftest import dictaminador_user
from tests.cupos.factories import (
    CupoFactory,
    asignacion_con_saldo,
    certificado_directo,
    cupo_lacteos,
)
from tests.tramites.conftest import crear_persona, entrar, usuario_solicitante
from vucem.models import Rol

pytestmark = pytest.mark.django_db
ANIO = timezone.localdate().year


@pytest.fixture
def lacteos():
    """Lácteos (seed 004): B assigned 1,000,000 (300,000 expedido, 50,000 returned),
    C assigned 400,000; the B asignación dated in March."""
    cupo, subs = cupo_lacteos(ANIO)
    a = crear_persona("AVE010101AA1", "MOLINOS SA DE CV")
    b = crear_persona("GRA020202BB2", "GRANOS SA DE CV")
    asig_b = asignacion_con_saldo(a, subs["B"], D("1000000"), numero="000101")
    asignacion_con_saldo(b, subs["C"], D("400000"), numero="000102")
    cert = certificado_directo(asig_b, D("300000"))
    saldos.registrar_devolucion(cert, D("50000"))
    marzo = timezone.make_aware(dt.datetime(ANIO, 3, 10, 12))
    MovimientoSaldo.objects.filter(asignacion=asig_b, tipo="asignacion").update(creado=marzo)
    return cupo, subs


def test_desglose_por_subcupo_cuadra_con_el_libro(lacteos):
    cupo, subs = lacteos
    filas = {f["subcupo"].clave: f for f in reportes.desglose_subcupos(cupo)}
    assert list(filas) == ["A", "B", "C", "D"]
    b = filas["B"]
    assert (b["monto"], b["asignado"], b["expedido"], b["cancelado"], b["saldo"]) == (
        D("21200000"),
        D("1000000"),
        D("300000"),
        D("50000"),
        D("20200000"),
    )
    assert filas["C"]["saldo"] == D("8000000") - D("400000")
    # D, the residual pool: what B and C left unassigned.
    assert filas["D"]["monto"] == D("20200000") + D("7600000")
    meses = reportes.tendencia_mensual(cupo)
    assert len(meses) == 12 and meses[2]["asignado"] == D("1000000")
    hoy = timezone.localdate()
    if hoy.year == ANIO and hoy.month != 3:
        assert meses[hoy.month - 1]["asignado"] == D("400000")
        assert meses[hoy.month - 1]["expedido"] == D("300000")


def test_pagina_del_cupo_con_grafica_y_tabla(client, lacteos):
    cupo, _ = lacteos
    client.force_login(dictaminador_user("central.consulta", grupo=Rol.NIVEL_CENTRAL))
    r = client.get(reverse("cupos:consulta"))
    assert reverse("cupos:consulta_cupo", args=[cupo.pk]) in r.content.decode()
    html = client.get(reverse("cupos:consulta_cupo", args=[cupo.pk])).content.decode()
    assert 'role="img"' in html and 'aria-describedby="tabla-subcupos"' in html
    assert html.count("data-vu-barra") == 4 * 5 + 12 * 2  # subcupos × series + months × 2
    assert "B · Expedido: 300,000 kilogramos" in html  # each bar names its figure
    assert "Desglose por subcupo" in html and "Tendencia mensual" in html
    assert '<th scope="row">B</th>' in html and "20,200,000" in html
    assert "style=" not in html.split("<main", 1)[1]  # CSP: no inline styles


def _csv(r):
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_exportar_consulta_con_filtros(client, lacteos):
    cupo, _ = lacteos
    CupoFactory(clave="otro-anio", anio=ANIO - 1, nombre="Cupo del año pasado")
    client.force_login(dictaminador_user("central.exporta", grupo=Rol.NIVEL_CENTRAL))
    html = client.get(reverse("cupos:consulta"), {"anio": ANIO}).content.decode()
    assert f"/cupos/consulta/exportar.csv?anio={ANIO}" in html
    filas = _csv(client.get(reverse("cupos:consulta_exportar", args=["csv"]), {"anio": ANIO}))
    assert [f["Clave"] for f in filas] == [cupo.clave]
    f = filas[0]
    assert D(f["Monto"]) == cupo.monto_total and D(f["Asignado"]) == D("1400000")
    assert D(f["Expedido"]) == D("300000") and D(f["Cancelado"]) == D("50000")
    assert D(f["Saldo disponible"]) == cupo.monto_total - D("1400000")
    assert f["Producto"] == cupo.producto and f["Fracciones"] == "1901.90.05"

    r = client.get(reverse("cupos:consulta_exportar", args=["xlsx"]))
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    filas = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(filas) == 3
    por_clave = {fila[1]: dict(zip(filas[0], fila, strict=True)) for fila in filas[1:]}
    assert D(str(por_clave[cupo.clave]["Asignado"])) == D("1400000")
    assert por_clave["otro-anio"]["Año"] == ANIO - 1


def test_solicitante_no_exporta(client, lacteos):
    persona = crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV")
    entrar(client, usuario_solicitante(persona), persona, Rol.SOLICITANTE_MORAL)
    assert client.get(reverse("cupos:consulta")).status_code == 200
    assert "Exportar" not in client.get(reverse("cupos:consulta")).content.decode()
    for formato in ("csv", "xlsx"):
        assert client.get(reverse("cupos:consulta_exportar", args=[formato])).status_code == 404
    client.logout()
    r = client.get(reverse("cupos:consulta_exportar", args=["csv"]))
    assert r.status_code == 302  # to the login
