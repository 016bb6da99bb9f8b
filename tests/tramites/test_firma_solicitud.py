"""Paso 2 Firmar solicitud: FIEL of the solicitante, folio, sellos, acuse, idempotency."""

import base64
import io
import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from pypdf import PdfReader

from acuses.models import Documento
from firma.services import verificar_firma, verificar_sello_ventanilla
from tests.firmas import cadena_de, firma_navegador, firmar_como_navegador, firmar_en
from tramites.models import RegistroAuditoria, Solicitud

from .conftest import AsistentePrueba

pytestmark = pytest.mark.django_db


def _borrador_listo(cliente, tramite):
    cliente.post(reverse("tramites:iniciar", args=[tramite.vucem_id]))
    s = Solicitud.objects.get()
    cliente.post(
        reverse("tramites:paso", args=[s.numero_temporal, "datos"]),
        {"descripcion": "Avena", "cantidad": "12.5"},
    )
    return s


def _url(s):
    return reverse("tramites:firmar", args=[s.numero_temporal])


def _post_firma(cliente, s, cred, **kw):
    """Open the signing page, sign its cadena in «the browser», post cert + signature."""
    return firmar_en(cliente, _url(s), cred, **kw)


@pytest.fixture
def cred(credencial_factory, persona_moral):
    return credencial_factory(
        rfc=persona_moral.rfc, nombre=persona_moral.nombre, rfc_representante="VADA800927DJ3"
    )


def test_firma_asigna_folio_sellos_y_acuse(
    cliente, tramite_prueba, cred, django_capture_on_commit_callbacks
):
    s = _borrador_listo(cliente, tramite_prueba)
    AsistentePrueba.efectos.clear()
    r = cliente.get(reverse("tramites:firmar", args=[s.numero_temporal]))
    assert (
        'id="form-firma"' in r.content.decode() and "Paso 2 Firmar solicitud" in r.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        r = _post_firma(cliente, s, cred)
    assert r.status_code == 302 and r.url == reverse(
        "tramites:registrada", args=[s.numero_temporal]
    )
    s.refresh_from_db()
    assert s.estado == "firmada" and len(s.folio) == 25 and s.folio.startswith("02099001002")
    # the cadena is issued before the folio exists (the browser signs it); the acuse has both
    assert s.cadena_original.startswith(
        f"|990102|{s.numero_temporal}|EKU9003173C9|"
    ) and s.cadena_original.endswith("|Avena|12.5||")
    assert verificar_firma(s.certificado_firmante, s.cadena_original, s.sello_solicitante)
    assert verificar_sello_ventanilla(s.cadena_original, s.sello_ventanilla)
    assert not verificar_firma(
        s.certificado_firmante, s.cadena_original.replace("12.5", "99"), s.sello_solicitante
    )
    assert AsistentePrueba.efectos == [s.folio]
    assert list(
        RegistroAuditoria.objects.filter(object_id=str(s.pk)).values_list("estado_nuevo", flat=True)
    ) == [
        "borrador",
        "firmada",
    ]
    acuse = Documento.objects.get(solicitud=s, tipo="acuse")
    assert acuse.archivo and acuse.sha256  # rendered after commit by the (eager) task
    texto = "".join(p.extract_text() for p in PdfReader(io.BytesIO(acuse.archivo.read())).pages)
    assert "ACUSE DE RECEPCIÓN DE TRÁMITE" in texto and s.folio in texto and "EKU9003173C9" in texto
    r = cliente.get(reverse("tramites:registrada", args=[s.numero_temporal]))
    assert (
        s.folio in r.content.decode()
        and reverse("acuses:descargar", args=[acuse.pk]) in r.content.decode()
    )
    # a signed solicitud is immutable
    r = cliente.post(
        reverse("tramites:paso", args=[s.numero_temporal, "datos"]),
        {"descripcion": "Otra", "cantidad": "1"},
    )
    s.refresh_from_db()
    assert s.datos["datos"]["descripcion"] == "Avena"


def test_doble_envio_firma_una_sola_vez(cliente, tramite_prueba, cred):
    s = _borrador_listo(cliente, tramite_prueba)
    AsistentePrueba.efectos.clear()
    _post_firma(cliente, s, cred)
    r = _post_firma(cliente, s, cred)
    assert r.status_code == 302
    s.refresh_from_db()
    assert AsistentePrueba.efectos == [s.folio]
    assert Documento.objects.filter(solicitud=s, tipo="acuse").count() == 1

    again = firmar_como_navegador(s, cred, usuario=None, rfc_sesion=None)
    assert again.ya_firmada and again.solicitud.folio == s.folio


def test_fiel_de_otro_rfc_se_rechaza(cliente, tramite_prueba, credencial_factory):
    s = _borrador_listo(cliente, tramite_prueba)
    otra = credencial_factory(rfc="KIJ0906199R1", nombre="KERNEL INDUSTIA JUGUETERA SA DE CV")
    r = _post_firma(cliente, s, otra)
    assert r.status_code == 200
    assert "RFC" in r.content.decode()
    s.refresh_from_db()
    assert s.estado == "borrador" and s.folio is None


def test_firma_de_otra_llave_y_csd(
    cliente, tramite_prueba, cred, credencial_factory, persona_moral
):
    s = _borrador_listo(cliente, tramite_prueba)
    otra = credencial_factory(rfc=persona_moral.rfc, nombre=persona_moral.nombre)
    r = _post_firma(cliente, s, otra, cer=cred.cer)  # cred's certificate, another key
    assert "La firma no corresponde con la cadena original" in r.content.decode()
    csd = credencial_factory(rfc=persona_moral.rfc, nombre=persona_moral.nombre, tipo="CSD")
    r = _post_firma(cliente, s, csd)
    assert r.status_code == 200 and "CSD" in r.content.decode()
    s.refresh_from_db()
    assert s.estado == "borrador"


def test_cadena_alterada_se_rechaza(cliente, tramite_prueba, cred):
    s = _borrador_listo(cliente, tramite_prueba)
    cadena = cadena_de(cliente.get(_url(s)))
    assert cadena and "|Avena|12.5||" in cadena
    r = cliente.post(_url(s), firma_navegador(cred, cadena.replace("12.5", "99")))
    assert r.status_code == 200
    assert "La firma no corresponde con la cadena original" in r.content.decode()
    s.refresh_from_db()
    assert s.estado == "borrador" and s.folio is None


def test_firma_repetida_y_cadena_vieja(cliente, tramite_prueba, cred):
    s = _borrador_listo(cliente, tramite_prueba)
    vieja = cadena_de(cliente.get(_url(s)))
    datos = firma_navegador(cred, vieja)
    nueva = cadena_de(cliente.get(_url(s)))  # reloading issues a new cadena
    assert nueva != vieja
    r = cliente.post(_url(s), datos)
    assert "La firma no corresponde con la cadena original" in r.content.decode()
    r = cliente.post(_url(s), datos)  # the same signature again: refused as reused
    assert "Esta firma ya fue utilizada" in r.content.decode()
    s.refresh_from_db()
    assert s.estado == "borrador"


def test_sin_cadena_emitida_o_caducada(cliente, tramite_prueba, cred, settings):
    s = _borrador_listo(cliente, tramite_prueba)
    r = cliente.post(_url(s), firma_navegador(cred, "|cualquier|cadena||"))
    assert "ya no es válida" in r.content.decode()
    settings.FIEL_RETO_VIGENCIA = -1
    r = _post_firma(cliente, s, cred)
    assert "ya no es válida" in r.content.decode()
    s.refresh_from_db()
    assert s.estado == "borrador"


def test_datos_cambiados_despues_de_emitir_la_cadena(cliente, tramite_prueba, cred):
    s = _borrador_listo(cliente, tramite_prueba)
    cadena = cadena_de(cliente.get(_url(s)))
    s.refresh_from_db()
    datos = dict(s.datos)
    datos["datos"] = {**datos["datos"], "cantidad": "99"}
    Solicitud.objects.filter(pk=s.pk).update(datos=datos)
    r = cliente.post(_url(s), firma_navegador(cred, cadena))
    assert "Los datos de la solicitud cambiaron" in r.content.decode()
    s.refresh_from_db()
    assert s.estado == "borrador"


def test_pagina_de_firma_sin_name_en_llave_ni_contrasena(cliente, tramite_prueba):
    s = _borrador_listo(cliente, tramite_prueba)
    html = cliente.get(_url(s)).content.decode()
    for marca in ("data-vu-key", "data-vu-password", "data-vu-cer"):
        (etiqueta,) = [t for t in html.split("<input")[1:] if marca in t.split(">")[0]]
        assert " name=" not in etiqueta.split(">")[0]
    assert 'name="certificado"' in html and 'name="firma"' in html
    assert "<noscript>" in html and "se necesita JavaScript" in html
    formulario = html[html.index('<form method="post" novalidate id="form-firma"') :]
    formulario = formulario[: formulario.index("</form>")]
    assert "<script" not in formulario and " on" not in formulario.replace(" onl", "")
    assert "<script>" not in html.split('id="form-firma"')[1]  # no inline script after it
    assert "vendor/node-forge/forge.min.js" in html and "js/firma.js" in html


def test_firma_con_fiel_distinta_a_la_de_la_sesion(cliente, tramite_prueba, cred):
    s = _borrador_listo(cliente, tramite_prueba)
    sesion = cliente.session
    sesion["rfc_fiel"] = "KIJ0906199R1"
    sesion.save()
    r = _post_firma(cliente, s, cred)
    assert "misma e.firma" in r.content.decode()


def test_campos_vacios_no_causan_error(cliente, tramite_prueba):
    """A post without the browser's work (JavaScript off, or a hand-made form): a clear
    message, no 500."""
    s = _borrador_listo(cliente, tramite_prueba)
    for datos in ({}, {"certificado": "", "firma": ""}, {"certificado": "%%%", "firma": "x"}):
        r = cliente.post(_url(s), datos)
        assert r.status_code == 200
    r = cliente.post(_url(s), {})
    assert "se necesita JavaScript" in r.content.decode()


def test_llave_y_contrasena_no_quedan_en_logs_ni_sesion(cliente, tramite_prueba, cred, caplog):
    s = _borrador_listo(cliente, tramite_prueba)
    caplog.set_level(logging.DEBUG)
    secreto = "ClaveSecreta-Ñ-2026"
    r = _post_firma(cliente, s, cred)
    assert r.status_code == 302
    texto_logs = caplog.text
    sesion = SessionStore(session_key=cliente.session.session_key).load()
    volcado = repr(sesion)
    llave_b64 = base64.b64encode(cred.key).decode()
    for fragmento in (secreto, cred.password, llave_b64[40:80], cred.key[40:60].hex()):
        assert fragmento not in texto_logs
        assert fragmento not in volcado
    s.refresh_from_db()
    campos = " ".join(str(v) for v in Solicitud.objects.filter(pk=s.pk).values().first().values())
    assert cred.password not in campos and llave_b64[40:80] not in campos


def test_reporte_de_error_no_muestra_contrasena_ni_llave(
    client, solicitante, persona_moral, tramite_prueba, cred, settings, monkeypatch, caplog
):
    """An unexpected error while signing: the error report that goes to the admins by
    e-mail (built as AdminEmailHandler does) masks the password and the key."""
    from django.views.debug import ExceptionReporter

    from .conftest import entrar

    settings.DEBUG = False
    entrar(client, solicitante, persona_moral, persona_moral.rol_solicitante)
    s = _borrador_listo(client, tramite_prueba)

    def falla(self, solicitud, *, usuario):
        raise RuntimeError("falla inesperada al emitir")

    monkeypatch.setattr(AsistentePrueba, "al_firmar", falla)
    client.raise_request_exception = False
    caplog.set_level(logging.ERROR, logger="django.request")
    r = _post_firma(client, s, cred)
    assert r.status_code == 500
    (registro,) = [x for x in caplog.records if x.name == "django.request"]
    reporte = ExceptionReporter(registro.request, *registro.exc_info, is_email=True)
    textos = [reporte.get_traceback_html(), reporte.get_traceback_text()]
    assert all("falla inesperada al emitir" in t for t in textos)
    for t in textos:
        assert cred.password not in t
        assert base64.b64encode(cred.key).decode()[40:80] not in t
        assert repr(cred.key[40:60])[2:-1] not in t
    s.refresh_from_db()
    assert s.estado == "borrador" and s.folio is None  # everything rolled back


def test_borrador_vencido_no_se_firma_aunque_no_haya_corrido_el_trabajo(
    cliente, tramite_prueba, cred
):
    from datetime import timedelta

    from django.utils import timezone

    s = _borrador_listo(cliente, tramite_prueba)
    Solicitud.objects.filter(pk=s.pk).update(vence=timezone.now() - timedelta(minutes=5))
    r = _post_firma(cliente, s, cred)
    assert r.status_code == 302 and r.url == reverse("vucem:bandeja")
    s.refresh_from_db()
    assert s.estado == "expirada" and s.folio is None
    r = cliente.get(reverse("tramites:paso", args=[s.numero_temporal, "datos"]), follow=True)
    assert "venció" in r.content.decode()

    res = firmar_como_navegador(s, cred, usuario=None, rfc_sesion=None)
    assert not res.ok and "venció" in res.errores[0]


def test_fail_open_queda_en_la_bitacora(cliente, tramite_prueba, cred, settings, monkeypatch):
    """OCSP unreachable with FIEL_REVOCACION=fail-open: signed, and the audit says so."""
    from firma import revocacion

    settings.FIEL_REVOCACION = "fail-open"
    monkeypatch.setattr(
        revocacion,
        "consultar",
        lambda *a, **k: revocacion.Revocacion(
            "no_consultado", fuente="http://ocsp.invalid/", motivo="no se pudo consultar"
        ),
    )
    s = _borrador_listo(cliente, tramite_prueba)
    assert _post_firma(cliente, s, cred).status_code == 302
    registro = RegistroAuditoria.objects.get(object_id=str(s.pk), estado_nuevo="firmada")
    assert "revocación no verificada, fail-open" in registro.motivo
    settings.FIEL_REVOCACION = "fail-closed"
    s2 = _borrador_listo_otro(cliente, tramite_prueba)
    r = _post_firma(cliente, s2, cred)
    assert "No fue posible consultar al SAT" in r.content.decode()


def _borrador_listo_otro(cliente, tramite):
    cliente.post(reverse("tramites:iniciar", args=[tramite.vucem_id]))
    s = Solicitud.objects.order_by("-pk").first()
    cliente.post(
        reverse("tramites:paso", args=[s.numero_temporal, "datos"]),
        {"descripcion": "Avena", "cantidad": "1"},
    )
    return s
