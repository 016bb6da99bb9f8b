"""Issue 10 item 5: the RAOCE program register exported as CSV (BOM) and Excel with the
admin list's filters; the admin list links to the export; solicitantes get 404."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from raoce.models import EstatusPrograma, TipoPrograma
from tests.raoce.conftest import crear_programa
from tests.soporte.personas import crear_usuario
from vucem.models import Rol

pytestmark = pytest.mark.django_db


@pytest.fixture
def padron(lacteos, avenas, immex, prosec_ligado):
    altex = crear_programa(
        avenas,
        TipoPrograma.ALTEX,
        "=HYPERLINK(1)",  # a number a spreadsheet would run as a formula
        estatus=EstatusPrograma.SUSPENDIDO,
        fecha_autorizacion=dt.date(2021, 6, 1),
    )
    return immex, prosec_ligado, altex


@pytest.fixture
def central(client):
    client.force_login(crear_usuario(Rol.NIVEL_CENTRAL))
    return client


def test_exportar_csv_con_filtros_del_admin(central, padron):
    immex, prosec, altex = padron
    html = central.get(
        reverse("admin:raoce_programa_changelist"), {"tipo__exact": "PROSEC"}
    ).content.decode()
    assert "/raoce/programas/exportar.csv?tipo__exact=PROSEC" in html
    r = central.get(reverse("raoce:programas_exportar", args=["csv"]), {"tipo__exact": "PROSEC"})
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    filas = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(filas) == 1
    f = filas[0]
    assert (f["Tipo"], f["Número"], f["RFC"]) == ("PROSEC", prosec.numero, prosec.persona.rfc)
    assert f["Programas ligados"] == f"IMMEX {immex.numero}"
    assert f["Estatus"] == "Vigente - Activo" and f["Fecha de autorización"] == "15/03/2019"

    r = central.get(reverse("raoce:programas_exportar", args=["csv"]), {"q": "avenas"})
    (f,) = csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))
    assert f["Número"] == "'=HYPERLINK(1)"  # never a live formula
    assert f["Estatus"] == "Suspendido"


def test_exportar_excel_todo_el_padron(central, padron):
    r = central.get(reverse("raoce:programas_exportar", args=["xlsx"]))
    assert r.status_code == 200
    filas = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert filas[0][:3] == ("Tipo", "Número", "RFC")
    assert sorted(f[0] for f in filas[1:]) == ["ALTEX", "IMMEX", "PROSEC"]
    immex = next(dict(zip(filas[0], f, strict=True)) for f in filas[1:] if f[0] == "IMMEX")
    assert immex["Fecha de autorización"] == dt.datetime(2019, 3, 15)
    r = central.get(reverse("raoce:programas_exportar", args=["xlsx"]), {"estatus__exact": "x"})
    assert len(list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows())) == 1


def test_solicitante_no_exporta_el_padron(client, lacteos_y_usuario, padron):
    from tests.soporte.personas import entrar_como_solicitante

    entrar_como_solicitante(client, lacteos_y_usuario[1])
    for formato in ("csv", "xlsx"):
        r = client.get(reverse("raoce:programas_exportar", args=[formato]))
        assert r.status_code == 404
