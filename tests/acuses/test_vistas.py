"""Views: Acuses y resoluciones (list, search, download) and public verification."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from acuses.models import Documento

MX = zoneinfo.ZoneInfo("America/Mexico_City")


def en_mx(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=MX)


@pytest.fixture
def persona(persona_factory):
    return persona_factory()


@pytest.fixture
def otra_persona(persona_factory):
    return persona_factory(rfc="XAXX010101000", nombre="OTRA PERSONA MORAL", tipo="fisica")


# --------------------------------------------------------------------------- lista


def test_lista_requiere_sesion(client):
    r = client.get(reverse("acuses:lista"))
    assert r.status_code == 302
    assert reverse("vucem:ingresar") in r["Location"]


def test_lista_muestra_solo_documentos_propios(
    cliente_de, persona, otra_persona, documento_factory, solicitud_factory
):
    mio = documento_factory(solicitud=solicitud_factory(solicitante=persona))
    ajeno = documento_factory(solicitud=solicitud_factory(solicitante=otra_persona))
    documento_factory(solicitud=solicitud_factory(solicitante=persona))
    r = cliente_de(persona).get(reverse("acuses:lista"))
    assert r.status_code == 200
    # The unfiltered count (SQL compiled once per process) is the listed rows'.
    assert r.context["pagina"].paginator.count == 2 == len(r.context["pagina"].object_list)
    html = r.content.decode()
    assert "Acuses y resoluciones" in html
    assert mio.folio in html
    assert ajeno.folio not in html
    assert reverse("acuses:descargar", args=[mio.pk]) in html
    assert "Acuse de recepción" in html


def test_busqueda_por_folio_y_fechas(cliente_de, persona, documento_factory, solicitud_factory):
    enero = documento_factory(
        solicitud=solicitud_factory(solicitante=persona), creado=en_mx(2026, 1, 15)
    )
    marzo = documento_factory(
        solicitud=solicitud_factory(solicitante=persona), creado=en_mx(2026, 3, 10)
    )
    cliente = cliente_de(persona)
    url = reverse("acuses:lista")

    r = cliente.get(url, {"folio": marzo.folio[-6:]})
    assert marzo.folio in r.content.decode() and enero.folio not in r.content.decode()

    r = cliente.get(url, {"fecha_inicial": "2026-03-01", "fecha_final": "2026-03-31"})
    assert marzo.folio in r.content.decode() and enero.folio not in r.content.decode()

    # The range is inclusive and in Mexico City time: 15/01 is on 15/01.
    r = cliente.get(url, {"fecha_inicial": "2026-01-15", "fecha_final": "2026-01-15"})
    assert enero.folio in r.content.decode() and marzo.folio not in r.content.decode()

    # dd/mm/yyyy is accepted too (es-MX input format).
    r = cliente.get(url, {"fecha_final": "31/01/2026"})
    assert enero.folio in r.content.decode() and marzo.folio not in r.content.decode()


def test_busqueda_fecha_final_anterior(cliente_de, persona, documento_factory, solicitud_factory):
    doc = documento_factory(solicitud=solicitud_factory(solicitante=persona))
    r = cliente_de(persona).get(
        reverse("acuses:lista"), {"fecha_inicial": "2026-03-10", "fecha_final": "2026-03-01"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "La fecha final debe ser igual o posterior a la fecha inicial." in html
    assert "Revise los datos del formulario" in html
    assert doc.folio not in html


def test_busqueda_fecha_invalida(cliente_de, persona):
    r = cliente_de(persona).get(reverse("acuses:lista"), {"fecha_inicial": "31/02/2026"})
    assert r.status_code == 200
    assert "Escriba una fecha inicial válida" in r.content.decode()


def test_lista_paginada(cliente_de, persona, documento_factory, solicitud_factory):
    for _ in range(23):
        documento_factory(solicitud=solicitud_factory(solicitante=persona))
    cliente = cliente_de(persona)
    r1 = cliente.get(reverse("acuses:lista"))
    assert len(r1.context["pagina"].object_list) == 20
    assert "Página 1 de 2" in r1.content.decode()
    r2 = cliente.get(reverse("acuses:lista"), {"pagina": 2})
    assert len(r2.context["pagina"].object_list) == 3


# --------------------------------------------------------------------------- descargar


def test_descarga_renderiza_bajo_demanda(cliente_de, persona, documento_factory, solicitud_factory):
    doc = documento_factory(solicitud=solicitud_factory(solicitante=persona))
    assert not doc.pdf_generado
    r = cliente_de(persona).get(reverse("acuses:descargar", args=[doc.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == f'attachment; filename="acuse-{doc.folio}.pdf"'
    texto = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "ACUSE DE RECEPCIÓN DE TRÁMITE" in texto
    doc.refresh_from_db()
    assert doc.pdf_generado  # stored: the next download reads the file


def test_descarga_de_otra_persona_es_404(
    cliente_de, persona, otra_persona, documento_factory, solicitud_factory
):
    ajeno = documento_factory(solicitud=solicitud_factory(solicitante=otra_persona))
    r = cliente_de(persona).get(reverse("acuses:descargar", args=[ajeno.pk]))
    assert r.status_code == 404


def test_descarga_anonima_redirige_al_ingreso(client, documento_factory):
    doc = documento_factory()
    r = client.get(reverse("acuses:descargar", args=[doc.pk]))
    assert r.status_code == 302
    assert reverse("vucem:ingresar") in r["Location"]


def test_descarga_falla_de_render_es_503(
    cliente_de, persona, documento_factory, solicitud_factory, monkeypatch
):
    doc = documento_factory(solicitud=solicitud_factory(solicitante=persona))

    def falla(documento):
        raise RuntimeError("sin fuentes")

    monkeypatch.setattr("acuses.pdf.renderizar_pdf", falla)
    r = cliente_de(persona).get(reverse("acuses:descargar", args=[doc.pk]))
    assert r.status_code == 503
    assert "No fue posible generar el PDF" in r.content.decode()


@pytest.fixture
def con_worker(monkeypatch):
    """Celery with a worker (not eager): ``generar_pdf.delay`` is recorded, not run."""
    from types import SimpleNamespace

    from django.core.cache import cache

    cache.clear()
    pedidos: list[int] = []
    monkeypatch.setattr("acuses.tasks._eager", lambda: False)
    monkeypatch.setattr("acuses.tasks.generar_pdf", SimpleNamespace(delay=pedidos.append))
    return pedidos


def test_con_worker_la_descarga_no_renderiza_en_la_peticion(
    cliente_de, persona, documento_factory, solicitud_factory, con_worker, monkeypatch
):
    """Issue 8: with a worker the PDF is never rendered inside a user's request; the page
    waits for it (202, reloads itself) and asks the worker once more, not on every reload."""
    doc = documento_factory(solicitud=solicitud_factory(solicitante=persona))

    def no_aqui(documento):
        raise AssertionError("renderizado dentro de la petición")

    monkeypatch.setattr("acuses.pdf.renderizar_pdf", no_aqui)
    cliente = cliente_de(persona)
    url = reverse("acuses:descargar", args=[doc.pk])
    r = cliente.get(url)
    assert r.status_code == 202
    assert r["Retry-After"] == "2"
    html = r.content.decode()
    assert "Estamos generando su documento" in html
    assert doc.folio in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'role="status"' in html
    assert con_worker == [doc.pk]
    assert cliente.get(url).status_code == 202
    assert con_worker == [doc.pk]  # asked a moment ago: not queued again
    doc.refresh_from_db()
    assert not doc.pdf_generado

    # the worker made it: the next reload downloads the stored file
    monkeypatch.undo()
    from acuses.services import generar_y_guardar

    monkeypatch.setattr("acuses.tasks._eager", lambda: False)

    generar_y_guardar(doc.pk)
    r = cliente.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_con_worker_y_broker_caido_la_descarga_lo_renderiza(
    cliente_de, persona, documento_factory, solicitud_factory, con_worker, monkeypatch
):
    from types import SimpleNamespace

    def caido(documento_id):
        raise OSError("broker caído")

    monkeypatch.setattr("acuses.tasks.generar_pdf", SimpleNamespace(delay=caido))
    doc = documento_factory(solicitud=solicitud_factory(solicitante=persona))
    r = cliente_de(persona).get(reverse("acuses:descargar", args=[doc.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


# --------------------------------------------------------------------------- verificar


def test_verificar_formulario_publico(client):
    r = client.get(reverse("acuses:verificar"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Verificar un documento" in html
    assert 'for="id_folio"' in html and 'for="id_codigo"' in html


def test_verificar_documento_valido_desde_el_qr(client, documento_factory, solicitud_sellada):
    doc = documento_factory(solicitud=solicitud_sellada)
    r = client.get(
        reverse("acuses:verificar"), {"folio": doc.folio, "codigo": doc.codigo_verificacion}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "Acuse de recepción" in html
    assert "EKU*****73C9" in html
    assert "EKU9003173C9" not in html
    assert "Vigente" in html
    assert html.count("válido</span>") == 2
    assert "no válido" not in html
    assert doc.creado.astimezone(MX).strftime("%d/%m/%Y %H:%M") in html


def test_verificar_sello_alterado(client, documento_factory, solicitud_sellada):
    doc = documento_factory(solicitud=solicitud_sellada)
    # Tampering bypasses the app (its queryset refuses it): straight to the table.
    Documento._base_manager.filter(pk=doc.pk).update(sello_ventanilla=doc.sello_solicitante)
    r = client.get(
        reverse("acuses:verificar"), {"folio": doc.folio, "codigo": doc.codigo_verificacion}
    )
    html = r.content.decode()
    assert "Sello del solicitante" in html
    assert html.count("no válido") == 1  # only the Ventanilla's seal fails


def test_verificar_no_encontrado(client, documento_factory):
    doc = documento_factory()
    r = client.get(reverse("acuses:verificar"), {"folio": doc.folio, "codigo": "ZZZZZZZZZZZZ"})
    assert r.status_code == 200
    assert "No se encontró un documento con ese folio y código" in r.content.decode()


def test_verificar_datos_faltantes(client):
    r = client.get(reverse("acuses:verificar"), {"folio": "", "codigo": "123"})
    html = r.content.decode()
    assert "Escriba el folio del documento." in html
    assert "El código de verificación tiene 12 letras y números" in html


def test_verificar_limite_de_consultas(client, settings, documento_factory):
    settings.RATELIMIT_VERIFICACION = "3/m"
    doc = documento_factory()
    url = reverse("acuses:verificar")
    datos = {"folio": doc.folio, "codigo": doc.codigo_verificacion}
    for _ in range(3):
        assert client.get(url, datos).status_code == 200
    r = client.get(url, datos)
    assert r.status_code == 429
    assert "Se realizaron demasiadas consultas" in r.content.decode()
    assert r["Retry-After"] == "60"
    # The empty form (no query) is still served.
    assert client.get(url).status_code == 200


def test_lista_sin_persona_activa(client, usuario_factory, documento_factory):
    documento_factory()
    client.force_login(usuario_factory())
    r = client.get(reverse("acuses:lista"))
    assert r.status_code == 200
    assert "No hay un solicitante activo" in r.content.decode()
    assert r.context["pagina"].paginator.count == 0


def test_capturista_privado_ve_los_documentos_del_solicitante(
    client, persona, usuario_factory, documento_factory, solicitud_factory
):
    """Issue 10 item 9: a capturista sees the documents of the solicitudes it captured for
    the solicitante, not those the solicitante captured itself."""
    from vucem.models import Capturista

    capturista = usuario_factory(username="capturista1")
    doc = documento_factory(
        solicitud=solicitud_factory(solicitante=persona, capturada_por=capturista)
    )
    del_solicitante = documento_factory(solicitud=solicitud_factory(solicitante=persona))
    Capturista.objects.create(solicitante=persona, usuario=capturista)
    client.force_login(capturista)
    session = client.session
    session["persona_id"] = persona.pk
    session["rol"] = "capturista_privado"
    session.save()
    r = client.get(reverse("acuses:lista"))
    html = r.content.decode()
    assert doc.folio in html and del_solicitante.folio not in html
    assert r.context["pagina"].paginator.count == 1  # counted in the capturista's scope
    assert client.get(reverse("acuses:descargar", args=[del_solicitante.pk])).status_code == 404
    Capturista.objects.filter(usuario=capturista).update(activo=False)
    # Issue 9, item 13: the first request after the revocation explains it (Spanish page)...
    r = client.get(reverse("acuses:descargar", args=[doc.pk]), follow=True)
    assert r.redirect_chain[0] == (reverse("vucem:seleccionar_rol"), 302)
    assert "revocó" in r.content.decode()
    # ...and the document stays out of reach (404, no existence leak).
    assert client.get(reverse("acuses:descargar", args=[doc.pk])).status_code == 404


def test_primera_pagina_compilada_es_la_del_orm(
    cliente_de, persona, otra_persona, documento_factory, solicitud_factory, consultas_armadas
):
    """Issue 8: the page as it opens lists its rows with SQL compiled once per process: the
    same documents, in the same order, with their solicitud and trámite (no query per row),
    as ``documentos_visibles``; the ORM builds no query for them."""
    for i in range(23):
        documento_factory(
            solicitud=solicitud_factory(solicitante=persona), creado=en_mx(2026, 3, 1 + i % 5)
        )
    documento_factory(solicitud=solicitud_factory(solicitante=otra_persona))
    cliente = cliente_de(persona)
    url = reverse("acuses:lista")
    cliente.get(url)
    consultas_armadas.clear()
    r = cliente.get(url)
    # (this test's account has a password: it is read on every request, as it must be)
    assert [a for a in consultas_armadas if a not in ("sessions.Session", "vucem.User")] == [], (
        consultas_armadas
    )
    filas = r.context["pagina"].object_list
    esperadas = list(
        Documento.objects.filter(solicitud__solicitante=persona).order_by("-creado", "pk")[:20]
    )
    assert [d.pk for d in filas] == [d.pk for d in esperadas]
    html = r.content.decode()
    for d in filas:
        assert d.folio in html and d.solicitud.tramite.nombre in html
    # page 2 and a search still go through the ORM, with the same rows as before
    assert len(cliente.get(url, {"pagina": 2}).context["pagina"].object_list) == 3
