"""Issue 9 item 10: the bandeja shows the state the user cares about (each procedure's
``Asistente.estado_para_usuario``) and separates what needs action or is in process from
what is finished ("Concluidas", from each procedure's ``estados_concluidos``), paginated,
with the filters kept across tabs and pages."""

import itertools
import re

import pytest
from django.utils import timezone

from tests.soporte.personas import (
    crear_capturista,
    crear_solicitante,
    entrar_como_capturista,
    entrar_como_solicitante,
)
from tramites.models import Solicitud, Tramite

pytestmark = pytest.mark.django_db
_n = itertools.count(1)

EXPEDICION, CANCELACION, ASIGNACION, REPORTE = 120202, 140104, 120402, 150102


def solicitud(persona, user, vucem_id, estado, resultado=""):
    n = next(_n)
    ahora = timezone.now()
    firmada = estado != "borrador"
    return Solicitud.objects.create(
        tramite=Tramite.objects.get(vucem_id=vucem_id),
        solicitante=persona,
        capturada_por=user,
        estado=estado,
        resultado=resultado,
        numero_temporal=f"{800000000 + n:09d}",
        folio=f"02012002002202601010{n:05d}" if firmada else None,
        firmada_en=ahora if firmada else None,
        vence=None if firmada else ahora + timezone.timedelta(days=15),
    )


def fila(html, referencia) -> str:
    """The <tr> of the bandeja that shows ``referencia``."""
    m = re.search(rf"<tr>\s*<td[^>]*>{referencia}.*?</tr>", html, re.S)
    assert m, referencia
    return m.group(0)


def tabla(client, **params) -> str:
    r = client.get("/", params)
    assert r.status_code == 200
    return r.content.decode()


@pytest.fixture
def escenario(client):
    persona, user = crear_solicitante("moral")
    s = {
        "borrador": solicitud(persona, user, EXPEDICION, "borrador"),
        "expedida": solicitud(persona, user, EXPEDICION, "firmada"),
        "cancelada": solicitud(persona, user, CANCELACION, "firmada"),
        "en_dictamen": solicitud(persona, user, ASIGNACION, "en_dictamen"),
        "aprobada": solicitud(persona, user, ASIGNACION, "resuelta", "aprobada"),
        "rechazada": solicitud(persona, user, ASIGNACION, "resuelta", "rechazada"),
        "reporte": solicitud(persona, user, REPORTE, "firmada"),
    }
    entrar_como_solicitante(client, user)
    return persona, user, s


def test_pendientes_no_muestra_lo_concluido(client, escenario):
    _, _, s = escenario
    html = tabla(client)
    assert s["borrador"].numero_temporal in html
    assert "En dictamen" in fila(html, s["en_dictamen"].folio)
    for clave in ("expedida", "cancelada", "aprobada", "rechazada", "reporte"):
        assert s[clave].folio not in html, clave
    assert 'aria-current="page" href="?">Por atender y en trámite' in html


def test_concluidas_con_el_estado_que_importa(client, escenario):
    _, _, s = escenario
    html = tabla(client, vista="concluidas")
    assert "Solicitudes concluidas" in html
    assert "Certificados expedidos" in fila(html, s["expedida"].folio)
    assert "Cancelación aplicada" in fila(html, s["cancelada"].folio)
    assert "Asignación aprobada" in fila(html, s["aprobada"].folio)
    assert "Solicitud rechazada" in fila(html, s["rechazada"].folio)
    assert "Reporte presentado" in fila(html, s["reporte"].folio)
    assert "Firmada" not in html.split("Solicitudes concluidas", 1)[1]
    assert s["borrador"].numero_temporal not in html and s["en_dictamen"].folio not in html
    # counts on the tabs: borrador + en dictamen pending, five finished
    assert re.search(r"Por atender y en trámite <span[^>]*>2</span>", html)
    assert re.search(r"Concluidas <span[^>]*>5</span>", html)


def test_filtros_se_conservan_entre_pestanas(client, escenario):
    _, _, s = escenario
    folio = s["cancelada"].folio
    html = tabla(client, vista="concluidas", folio=folio)
    assert s["cancelada"].folio in html and s["expedida"].folio not in html
    assert '<input type="hidden" name="vista" value="concluidas">' in html
    assert f'href="?folio={folio}"' in html  # the other tab keeps the filter
    html = tabla(client, folio=folio)
    assert f'href="?vista=concluidas&amp;folio={folio}"' in html
    assert not re.search(rf'<td class="font-monospace"[^>]*>{folio}', html)  # not pending


def test_concluidas_paginadas_conservando_vista_y_filtros(client):
    persona, user = crear_solicitante("fisica")
    for _ in range(27):
        solicitud(persona, user, EXPEDICION, "firmada")
    entrar_como_solicitante(client, user)
    hoy = timezone.localdate().strftime("%d/%m/%Y")
    html = tabla(client, vista="concluidas", fecha_inicial=hoy)
    assert html.count("Certificados expedidos") == 25
    assert "Página 1 de 2" in html
    siguiente = re.search(r'href="(\?[^"]*pagina_concluidas=2[^"]*)"', html).group(1)
    assert "vista=concluidas" in siguiente and "fecha_inicial=" in siguiente
    html = client.get("/" + siguiente.replace("&amp;", "&")).content.decode()
    assert html.count("Certificados expedidos") == 2 and "Página 2 de 2" in html


def test_capturista_ve_concluidas_que_capturo(client):
    persona, user = crear_solicitante("moral")
    capt = crear_capturista(persona)
    suya = solicitud(persona, capt, EXPEDICION, "firmada")
    ajena = solicitud(persona, user, EXPEDICION, "firmada")
    entrar_como_capturista(client, capt, persona)
    html = tabla(client, vista="concluidas")
    assert suya.folio in html and ajena.folio not in html


def test_el_gancho_lo_da_cada_tramite():
    from tramites.bandeja import estado_para_usuario

    persona, user = crear_solicitante("moral")
    otro = solicitud(persona, user, EXPEDICION, "borrador")
    assert estado_para_usuario(otro) == "Borrador"
    assert estado_para_usuario(solicitud(persona, user, ASIGNACION, "firmada")) == "En dictamen"


def test_las_tablas_se_apilan_a_375_px(client, escenario):
    """At 375 px the state and the actions must be on screen, not behind a sideways scroll
    of the table: every table of the bandeja stacks (``vu-apilable``) and each cell names
    its column, as "Acuses y resoluciones" does (item 14)."""
    _, _, s = escenario
    for params in ({}, {"vista": "concluidas"}):
        html = tabla(client, **params)
        tablas = re.findall(r"<table[^>]*>.*?</table>", html, re.S)
        assert tablas, params
        for t in tablas:
            assert "vu-apilable" in re.match(r"<table[^>]*>", t).group(0), params
            columnas = [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', t, re.S)
            ]
            for fila_html in re.findall(r"<tr>\s*<td.*?</tr>", t, re.S):
                celdas = re.findall(r"<td([^>]*)>", fila_html)
                etiquetas = [re.search(r'data-etiqueta="([^"]*)"', c) for c in celdas[:-1]]
                assert [e and e.group(1) for e in etiquetas] == columnas[:-1], fila_html
                assert "vu-acciones" in celdas[-1], fila_html
    assert 'data-etiqueta="Estado">Certificados expedidos' in tabla(client, vista="concluidas")


def test_los_totales_en_una_consulta_cuentan_lo_mismo_que_cada_lista(escenario):
    """Issue 8: the bandeja counts its three lists in one query; each total is its list's
    length, for the solicitante, a capturista and with filters."""
    from tramites import bandeja
    from vucem.models import Rol

    persona, user, s = escenario
    vencido = solicitud(persona, user, EXPEDICION, "borrador")
    Solicitud.objects.filter(pk=vencido.pk).update(vence=timezone.now() - timezone.timedelta(1))
    capturista = crear_capturista(persona, "captura.totales")
    solicitud(persona, capturista, ASIGNACION, "borrador")
    solicitud(persona, capturista, ASIGNACION, "resuelta", "aprobada")
    hoy = timezone.localdate()
    casos = [
        (user, Rol.SOLICITANTE_MORAL, bandeja.FiltrosBandeja()),
        (user, Rol.SOLICITANTE_MORAL, bandeja.FiltrosBandeja(folio=s["cancelada"].folio)),
        (user, Rol.SOLICITANTE_MORAL, bandeja.FiltrosBandeja(fecha_final=hoy)),
        (capturista, Rol.CAPTURISTA_PRIVADO, bandeja.FiltrosBandeja()),
    ]
    for usuario, rol, filtros in casos:
        esperado = {
            "borradores": bandeja.borradores_de(usuario, rol, persona, filtros).count(),
            "tareas": bandeja.tareas_de(usuario, rol, persona, filtros).count(),
            "concluidas": bandeja.concluidas_de(usuario, rol, persona, filtros).count(),
        }
        assert bandeja.totales(usuario, rol, persona, filtros) == esperado, (rol, filtros)
    assert bandeja.totales(user, Rol.SOLICITANTE_MORAL, persona) == {
        "borradores": 2,
        "tareas": 1,
        "concluidas": 6,
    }
