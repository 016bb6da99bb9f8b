"""Paso 2 Firmar solicitud: FIEL of the solicitante, folio, sellos, acuse, idempotency."""

import base64
import io
import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from acuses.models import Documento
from firma.services import verificar_firma, verificar_sello_ventanilla
from firma.testing import datos_firma
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


def _post_firma(cliente, s, cred, password=None):
    datos = datos_firma(cred)
    if password is not None:
        datos["password"] = password
    return cliente.post(reverse("tramites:firmar", args=[s.numero_temporal]), datos)


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
    assert s.cadena_original.startswith(
        f"|{s.folio}|990102|{s.numero_temporal}|EKU9003173C9|"
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
    from tramites import services

    again = services.firmar_solicitud(
        s, cer=cred.cer, key=cred.key, password=cred.password, usuario=None, rfc_sesion=None
    )
    assert again.ya_firmada and again.solicitud.folio == s.folio


def test_fiel_de_otro_rfc_se_rechaza(cliente, tramite_prueba, credencial_factory):
    s = _borrador_listo(cliente, tramite_prueba)
    otra = credencial_factory(rfc="KIJ0906199R1", nombre="KERNEL INDUSTIA JUGUETERA SA DE CV")
    r = _post_firma(cliente, s, otra)
    assert r.status_code == 200
    assert "RFC" in r.content.decode()
    s.refresh_from_db()
    assert s.estado == "borrador" and s.folio is None


def test_contrasena_incorrecta_y_csd(
    cliente, tramite_prueba, cred, credencial_factory, persona_moral
):
    s = _borrador_listo(cliente, tramite_prueba)
    r = _post_firma(cliente, s, cred, password="incorrecta")
    assert "La contraseña de la clave privada no es válida" in r.content.decode()
    csd = credencial_factory(rfc=persona_moral.rfc, nombre=persona_moral.nombre, tipo="CSD")
    r = _post_firma(cliente, s, csd)
    assert r.status_code == 200 and "CSD" in r.content.decode()
    s.refresh_from_db()
    assert s.estado == "borrador"


def test_firma_con_fiel_distinta_a_la_de_la_sesion(cliente, tramite_prueba, cred):
    s = _borrador_listo(cliente, tramite_prueba)
    sesion = cliente.session
    sesion["rfc_fiel"] = "KIJ0906199R1"
    sesion.save()
    r = _post_firma(cliente, s, cred)
    assert "misma e.firma" in r.content.decode()


def test_archivos_vacios_no_causan_error(cliente, tramite_prueba):
    s = _borrador_listo(cliente, tramite_prueba)
    r = cliente.post(
        reverse("tramites:firmar", args=[s.numero_temporal]),
        {
            "cer": SimpleUploadedFile("a.cer", b""),
            "key": SimpleUploadedFile("a.key", b""),
            "password": "x",
        },
    )
    assert r.status_code == 200


def test_llave_y_contrasena_no_quedan_en_logs_ni_sesion(cliente, tramite_prueba, cred, caplog):
    s = _borrador_listo(cliente, tramite_prueba)
    caplog.set_level(logging.DEBUG)
    secreto = "ClaveSecreta-Ñ-2026"
    r = _post_firma(cliente, s, cred, password=secreto)  # wrong password: must not be echoed
    assert secreto not in r.content.decode()
    _post_firma(cliente, s, cred)
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
    from tramites import services

    res = services.firmar_solicitud(
        s, cer=cred.cer, key=cred.key, password=cred.password, usuario=None, rfc_sesion=None
    )
    assert not res.ok and "venció" in res.errores[0]
