"""Issue 10 item 2 and issue 8 item 3: the dictamen queue filtered (cupo, subcupo, criterio,
RFC, plazo, assignment), paginated with the filters kept, with the same queries at 10 and
1,000 solicitudes; "Asignarme" and nivel central's assignment; the queue exported as CSV and
Excel with the filters applied."""

import csv
import datetime as dt
import io
from decimal import Decimal as D
from itertools import count

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cupos.asignacion.views import POR_PAGINA
from cupos.models import SolicitudAsignacion
from tests.cupos.asignacion.conftest import dictaminador_user
from tests.cupos.factories import solicitud_asignacion_firmada
from tests.tramites.conftest import crear_persona, entrar, usuario_solicitante
from tramites.calendario import Calendario
from tramites.models import RegistroAuditoria, Solicitud, Tramite
from vucem.models import Rol

pytestmark = pytest.mark.django_db

_n = count(1)


def _hace(n_habiles: int) -> dt.datetime:
    """A reception with exactly ``n_habiles`` business days elapsed today."""
    cal = Calendario()
    hoy = timezone.localdate()
    dia = hoy if cal.es_dia_habil(hoy) else cal.dia_habil_anterior(hoy)
    for _ in range(n_habiles):
        dia = cal.dia_habil_anterior(dia)
    return timezone.make_aware(dt.datetime.combine(dia, dt.time(10)))


@pytest.fixture
def escenario(avena, lacteos, capturador):
    """Avena (consumo auditado): a vencida and a fresh solicitud; lácteos B (proporcional):
    one por vencer."""
    _, sub_avena = avena
    _, subs = lacteos
    molinos = crear_persona("AVE010101AA1", "MOLINOS DE AVENA SA DE CV")
    granos = crear_persona("GRA020202BB2", "GRANOS DEL NORTE SA DE CV")
    lacteas = crear_persona("LAC030303CC3", "INDUSTRIAS LACTEAS SA DE CV")
    vencida = solicitud_asignacion_firmada(
        molinos,
        sub_avena,
        recibida=_hace(10),
        usuario=capturador,
        monto_solicitado=D("1000"),
        consumo_auditado_12m=D("5000"),
    )
    nueva = solicitud_asignacion_firmada(
        granos,
        sub_avena,
        recibida=_hace(1),
        usuario=capturador,
        monto_solicitado=D("2500.5"),
        consumo_auditado_12m=D("2000"),
    )
    por_vencer = solicitud_asignacion_firmada(
        lacteas,
        subs["B"],
        recibida=_hace(6),
        usuario=capturador,
        monto_solicitado=D("300000"),
        asignado_anio_anterior=D("100000"),
        consumo_total_auditado=D("900000"),
    )
    return {"vencida": vencida, "nueva": nueva, "por_vencer": por_vencer, "avena": sub_avena}


def _folios(cliente, **params):
    r = cliente.get(reverse("cupos:dictamen_lista"), params)
    assert r.status_code == 200
    return {f["s"].folio for f in r.context["filas"]}, r.content.decode()


def test_filtros_de_la_cola(cliente_dictaminador, escenario, dictaminador):
    e = escenario
    todos, html = _folios(cliente_dictaminador)
    assert todos == {e["vencida"].folio, e["nueva"].folio, e["por_vencer"].folio}
    assert "Vencido" in html and "Por vencer" in html
    avena = e["avena"]
    assert _folios(cliente_dictaminador, cupo=avena.cupo_id)[0] == {
        e["vencida"].folio,
        e["nueva"].folio,
    }
    b = e["por_vencer"].asignacion_detalle.subcupo
    assert _folios(cliente_dictaminador, subcupo=b.pk)[0] == {e["por_vencer"].folio}
    assert _folios(cliente_dictaminador, criterio="consumo_auditado")[0] == {
        e["vencida"].folio,
        e["nueva"].folio,
    }
    assert _folios(cliente_dictaminador, rfc="gra0202")[0] == {e["nueva"].folio}
    assert _folios(cliente_dictaminador, rfc="lacteas")[0] == {e["por_vencer"].folio}
    assert _folios(cliente_dictaminador, plazo="vencido")[0] == {e["vencida"].folio}
    assert _folios(cliente_dictaminador, plazo="por_vencer")[0] == {e["por_vencer"].folio}
    assert _folios(cliente_dictaminador, plazo="en_plazo")[0] == {e["nueva"].folio}
    Solicitud.objects.filter(pk=e["nueva"].pk).update(dictaminador=dictaminador)
    assert _folios(cliente_dictaminador, asignacion="mias")[0] == {e["nueva"].folio}
    assert _folios(cliente_dictaminador, asignacion="sin_asignar", plazo="vencido")[0] == {
        e["vencida"].folio
    }
    # An unknown cupo id is a form error shown next to the field, with an empty list.
    folios, html = _folios(cliente_dictaminador, cupo="999999")
    assert folios == set() and 'aria-invalid="true"' in html


def _muchas(sub, capturador, persona, n):
    """n solicitudes en dictamen of ``sub`` in two bulk INSERTs."""
    tramite = Tramite.objects.get(vucem_id=120402)
    recibida = _hace(2)
    base = next(_n) * 10_000
    solicitudes = Solicitud.objects.bulk_create(
        [
            Solicitud(
                tramite=tramite,
                solicitante=persona,
                capturada_por=capturador,
                numero_temporal=f"{600_000_000 + base + i:09d}",
                folio=f"020120040022026010{base + i:07d}",
                estado=Solicitud.Estado.EN_DICTAMEN,
                firmada_en=recibida,
            )
            for i in range(n)
        ]
    )
    SolicitudAsignacion.objects.bulk_create(
        [
            SolicitudAsignacion(
                solicitud=s,
                subcupo=sub,
                monto_solicitado=D("1000"),
                consumo_auditado_12m=D("1000"),
            )
            for s in solicitudes
        ]
    )


def _consultas(cliente, **params):
    with CaptureQueriesContext(connection) as c:
        r = cliente.get(reverse("cupos:dictamen_lista"), params)
    assert r.status_code == 200
    return len(c), r.content.decode()


def test_cola_mismo_costo_con_10_y_1000_solicitudes(cliente_dictaminador, avena, capturador):
    _, sub = avena
    persona = crear_persona("AVE010101AA1", "MOLINOS DE AVENA SA DE CV")
    _muchas(sub, capturador, persona, 10)
    _consultas(cliente_dictaminador, rfc="AVE")
    pocas, _ = _consultas(cliente_dictaminador, rfc="AVE")
    _muchas(sub, capturador, persona, 990)
    muchas, html = _consultas(cliente_dictaminador, rfc="AVE")
    assert muchas == pocas
    assert html.count('href="/cupos/dictamen/0201') <= POR_PAGINA
    assert "Página 1 de 40" in html and "1000 solicitudes" in html
    assert "rfc=AVE&amp;pagina=2" in html
    _, html2 = _consultas(cliente_dictaminador, rfc="AVE", pagina=40)
    assert "Página 40 de 40" in html2


def test_resueltas_mismo_costo_con_10_y_1000(cliente_dictaminador, avena, capturador):
    _, sub = avena
    persona = crear_persona("AVE010101AA1", "MOLINOS DE AVENA SA DE CV")
    _muchas(sub, capturador, persona, 10)
    Solicitud.objects.update(estado="resuelta", resultado="rechazada", resuelta_en=timezone.now())
    _consultas(cliente_dictaminador, ver="resueltas", cupo=sub.cupo_id)
    pocas, _ = _consultas(cliente_dictaminador, ver="resueltas", cupo=sub.cupo_id)
    _muchas(sub, capturador, persona, 990)
    Solicitud.objects.update(estado="resuelta", resultado="rechazada", resuelta_en=timezone.now())
    muchas, html = _consultas(cliente_dictaminador, ver="resueltas", cupo=sub.cupo_id)
    assert muchas == pocas
    assert html.count('href="/cupos/dictamen/0201') <= POR_PAGINA
    assert f"ver=resueltas&amp;cupo={sub.cupo_id}&amp;pagina=2" in html


# -- assignment ------------------------------------------------------------------------------


def test_asignarme_desde_la_cola(cliente_dictaminador, escenario, dictaminador):
    s = escenario["nueva"]
    html = cliente_dictaminador.get(reverse("cupos:dictamen_lista")).content.decode()
    assert "Asignarme" in html and "Sin asignar" in html
    url = reverse("cupos:dictamen_asignar", args=[s.folio])
    r = cliente_dictaminador.post(url, {"siguiente": "/cupos/dictamen/?plazo=en_plazo"})
    assert r.status_code == 302 and r.url == "/cupos/dictamen/?plazo=en_plazo"
    s.refresh_from_db()
    assert s.dictaminador == dictaminador
    assert RegistroAuditoria.objects.filter(
        object_id=str(s.pk), usuario=dictaminador, motivo__startswith="Asignada al dictaminador"
    ).exists()
    detalle = cliente_dictaminador.get(reverse("cupos:dictamen_detalle", args=[s.folio]))
    html = detalle.content.decode()
    assert "Dictaminador asignado" in html and dictaminador.username in html
    assert "Asignada al dictaminador" in html  # the history lists the turn
    # Another dictaminador cannot take it, nor give it to someone else.
    otro = dictaminador_user("otro.dictaminador")
    cliente_dictaminador.force_login(otro)
    r = cliente_dictaminador.post(url, follow=True)
    assert "ya está asignada" in r.content.decode()
    r = cliente_dictaminador.post(url, {"dictaminador": otro.pk}, follow=True)
    assert "ya está asignada" in r.content.decode()
    s.refresh_from_db()
    assert s.dictaminador == dictaminador


def test_nivel_central_asigna_a_un_dictaminador(client, escenario, dictaminador):
    central = dictaminador_user("central.mesa", grupo=Rol.NIVEL_CENTRAL)
    client.force_login(central)
    html = client.get(reverse("cupos:dictamen_lista")).content.decode()
    assert f'<option value="{dictaminador.pk}"' in html
    s = escenario["vencida"]
    url = reverse("cupos:dictamen_asignar", args=[s.folio])
    r = client.post(url, {"dictaminador": dictaminador.pk}, follow=True)
    assert f"quedó asignada a {dictaminador.username}" in r.content.decode()
    s.refresh_from_db()
    assert s.dictaminador == dictaminador
    r = client.post(url, {"dictaminador": "x1"})
    assert r.status_code == 404


def test_solicitante_no_asigna_ni_exporta(client, escenario):
    persona = crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV")
    cliente = entrar(client, usuario_solicitante(persona), persona, Rol.SOLICITANTE_MORAL)
    s = escenario["nueva"]
    assert cliente.post(reverse("cupos:dictamen_asignar", args=[s.folio])).status_code == 404
    for formato in ("csv", "xlsx"):
        r = cliente.get(reverse("cupos:dictamen_exportar", args=[formato]))
        assert r.status_code == 404
    s.refresh_from_db()
    assert s.dictaminador is None


# -- exports ---------------------------------------------------------------------------------


def test_exportar_cola_csv_y_excel_con_filtros(cliente_dictaminador, escenario):
    e = escenario
    url = reverse("cupos:dictamen_exportar", args=["csv"])
    r = cliente_dictaminador.get(url, {"cupo": e["avena"].cupo_id})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    filas = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {f["Folio"] for f in filas} == {e["vencida"].folio, e["nueva"].folio}
    vencida = next(f for f in filas if f["Folio"] == e["vencida"].folio)
    assert vencida["RFC"] == "AVE010101AA1" and vencida["Estado del plazo"] == "Vencido"
    assert D(vencida["Monto solicitado"]) == D("1000")
    assert vencida["Criterio"].startswith("Consumo auditado")
    nueva = next(f for f in filas if f["Folio"] == e["nueva"].folio)
    assert D(nueva["Monto solicitado"]) == D("2500.5")
    assert D(nueva["Propuesta"]) == D("2000")  # min(solicitado, consumo auditado)

    r = cliente_dictaminador.get(
        reverse("cupos:dictamen_exportar", args=["xlsx"]), {"plazo": "por_vencer"}
    )
    assert r.status_code == 200
    hoja = openpyxl.load_workbook(io.BytesIO(r.content)).active
    filas = list(hoja.iter_rows(values_only=True))
    assert filas[0][0] == "Folio" and len(filas) == 2
    fila = dict(zip(filas[0], filas[1], strict=True))
    assert fila["Folio"] == e["por_vencer"].folio and fila["Solicitante"].startswith("INDUSTRIAS")
    assert D(str(fila["Monto solicitado"])) == D("300000")
    assert fila["Estado del plazo"] == "Por vencer"
    assert isinstance(fila["Vence"], dt.datetime)
    assert (
        cliente_dictaminador.get(reverse("cupos:dictamen_exportar", args=["pdf"])).status_code
        == 404
    )


def test_bandeja_del_personal_con_columna_vence(cliente_dictaminador, escenario):
    e = escenario
    r = cliente_dictaminador.get(reverse("vucem:bandeja"))
    html = r.content.decode()
    assert '<th scope="col">Vence</th>' in html
    vencida = e["vencida"]
    plazo = next(f.plazo for f in r.context["tareas"] if f.solicitud.pk == vencida.pk)
    cal = Calendario()
    recepcion = timezone.localtime(vencida.firmada_en).date()
    assert plazo.vencimiento == cal.vencimiento_plazo(recepcion, 7)
    fila = html[html.index(vencida.folio) :]
    fila = fila[: fila.index("</tr>")]
    assert f"{plazo.vencimiento:%d/%m/%Y}" in fila and "Vencido" in fila


def test_resueltas_abren_su_oficio(cliente_dictaminador, escenario, dictaminador):
    from cupos.asignacion import dictamen

    e = escenario
    a = dictamen.aprobar(e["vencida"], usuario=dictaminador, monto=D("1000")).asignacion
    dictamen.rechazar(e["nueva"], usuario=dictaminador, motivo="Sin consumo acreditado")
    r = cliente_dictaminador.get(reverse("cupos:dictamen_lista"), {"ver": "resueltas"})
    html = r.content.decode()
    oficio = e["vencida"].documentos.get(tipo="oficio")
    url = reverse("cupos:dictamen_documento", args=[e["vencida"].folio, oficio.pk])
    assert url in html and f"{a.numero_oficio}/{a.anio}" in html
    resolucion = e["nueva"].documentos.get(tipo="resolucion")
    assert reverse("cupos:dictamen_documento", args=[e["nueva"].folio, resolucion.pk]) in html
    pdf = cliente_dictaminador.get(url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    # A document of another solicitud is not reachable through this folio.
    otra = reverse("cupos:dictamen_documento", args=[e["vencida"].folio, resolucion.pk])
    assert cliente_dictaminador.get(otra).status_code == 404
    cliente_dictaminador.logout()
    persona = crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV")
    entrar(cliente_dictaminador, usuario_solicitante(persona), persona, Rol.SOLICITANTE_MORAL)
    assert cliente_dictaminador.get(url).status_code == 404
