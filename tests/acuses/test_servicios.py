"""Services and the generar_pdf task: issue, render once, scope, verify."""

import threading

import pytest
from django.db import OperationalError, connection

from acuses import services
from acuses.models import Documento
from acuses.services import (
    documentos_visibles,
    emitir_documento,
    enmascarar_rfc,
    obtener_pdf,
    verificar_documento,
)
from acuses.tasks import generar_pdf


def emitir(solicitud, **extra):
    datos = {
        "solicitud": solicitud,
        "tipo": Documento.Tipo.ACUSE,
        "titulo": "Acuse de recepción de trámite",
        "folio": solicitud.folio,
        "cadena_original": solicitud.cadena_original,
        "sello_solicitante": solicitud.sello_solicitante,
        "sello_ventanilla": solicitud.sello_ventanilla,
        "contexto": {},
    }
    datos.update(extra)
    return emitir_documento(**datos)


def test_emitir_programa_el_pdf_despues_del_commit(
    solicitud_factory, django_capture_on_commit_callbacks
):
    solicitud = solicitud_factory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        doc = emitir(solicitud)
    # Nothing rendered inside the transaction; exactly one callback queued.
    assert not doc.pdf_generado
    assert len(callbacks) == 1
    # The solicitud's data is snapshotted into contexto.
    assert doc.contexto["rfc"] == "EKU9003173C9"
    assert doc.contexto["tramite"]["vucem_id"] == solicitud.tramite.vucem_id
    assert doc.contexto["numero_temporal"] == solicitud.numero_temporal
    assert doc.contexto["fecha_recepcion"].startswith("2026-03-02T16:45")

    callbacks[0]()  # Celery is eager in tests: renders now
    doc.refresh_from_db()
    assert doc.pdf_generado and doc.generado is not None
    assert len(doc.sha256) == 64


def test_emitir_conserva_el_contexto_del_llamador(
    solicitud_factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        doc = emitir(solicitud_factory(), contexto={"nombre": "OTRO NOMBRE", "lineas": []})
    assert doc.contexto["nombre"] == "OTRO NOMBRE"


def test_emitir_rechaza_tipo_desconocido(solicitud_factory):
    with pytest.raises(ValueError):
        emitir(solicitud_factory(), tipo="recibo")


def test_fallo_al_renderizar_no_rompe_la_transaccion_que_firma(
    solicitud_factory, django_capture_on_commit_callbacks, monkeypatch
):
    """on_commit(robust=True): with eager Celery a rendering error is logged, not raised."""

    def falla(documento):
        raise RuntimeError("weasyprint roto")

    monkeypatch.setattr("acuses.pdf.renderizar_pdf", falla)
    with django_capture_on_commit_callbacks(execute=True):
        doc = emitir(solicitud_factory())
    doc.refresh_from_db()
    assert not doc.pdf_generado


def test_tarea_idempotente(documento_factory, settings):
    doc = documento_factory()
    sha = generar_pdf.delay(doc.pk).get()
    doc.refresh_from_db()
    nombre, generado = doc.archivo.name, doc.generado
    assert sha == doc.sha256

    assert generar_pdf.delay(doc.pk).get() == sha
    doc.refresh_from_db()
    assert (doc.archivo.name, doc.generado) == (nombre, generado)
    archivos = list((settings.MEDIA_ROOT / "documentos").rglob("*.pdf"))
    assert len(archivos) == 1


def test_tarea_documento_inexistente(db):
    assert generar_pdf.apply(args=[999_999]).get() is None


def test_tarea_reintenta_errores_transitorios():
    assert OperationalError in generar_pdf.autoretry_for
    assert OSError in generar_pdf.autoretry_for
    assert generar_pdf.max_retries >= 3


def test_carrera_conserva_un_solo_archivo(documento_factory, settings, monkeypatch):
    """If another process records a PDF while this one renders, this one drops its file."""
    doc = documento_factory()
    original = services.Documento.objects.filter

    def otro_proceso_gana(*args, **kwargs):
        qs = original(*args, **kwargs)
        if kwargs.get("sha256") == "":
            Documento.objects.filter(pk=doc.pk).update(
                archivo="documentos/ganador.pdf", sha256="f" * 64
            )
        return qs

    monkeypatch.setattr(services.Documento.objects, "filter", otro_proceso_gana)
    resultado = services.generar_y_guardar(doc.pk)
    assert resultado.sha256 == "f" * 64
    assert resultado.archivo.name == "documentos/ganador.pdf"
    assert not list((settings.MEDIA_ROOT / "documentos").rglob("*.pdf"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_llamadas_concurrentes_generan_un_archivo(documento_factory, settings):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializa a los escritores; la carrera real se prueba en PostgreSQL")
    doc = documento_factory()
    errores = []

    def trabajo():
        try:
            services.generar_y_guardar(doc.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errores.append(exc)
        finally:
            connection.close()

    hilos = [threading.Thread(target=trabajo) for _ in range(4)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join()
    assert not errores
    assert len(list((settings.MEDIA_ROOT / "documentos").rglob("*.pdf"))) == 1


def test_obtener_pdf_renderiza_bajo_demanda_y_guarda(documento_factory):
    doc = documento_factory()
    contenido = obtener_pdf(doc)
    assert contenido.startswith(b"%PDF")
    doc.refresh_from_db()
    assert doc.pdf_generado
    assert obtener_pdf(doc) == contenido  # second time: the stored file


def test_obtener_pdf_regenera_si_falta_el_archivo(documento_factory):
    doc = documento_factory()
    obtener_pdf(doc)
    doc.refresh_from_db()
    doc.archivo.storage.delete(doc.archivo.name)
    assert obtener_pdf(doc).startswith(b"%PDF")


def test_enmascarar_rfc():
    assert enmascarar_rfc("EKU9003173C9") == "EKU*****73C9"
    assert enmascarar_rfc("PEGJ800101AB1") == "PEG******1AB1"
    assert enmascarar_rfc("ABC") == "***"


class _Req:
    def __init__(self, user, persona, rol):
        self.user, self.persona, self.rol = user, persona, rol


def test_documentos_visibles_solo_de_la_persona_activa(
    documento_factory, solicitud_factory, persona_factory, usuario_factory
):
    propia = persona_factory()
    ajena = persona_factory(rfc="XAXX010101000", nombre="OTRA PERSONA", tipo="fisica")
    mio = documento_factory(solicitud=solicitud_factory(solicitante=propia))
    documento_factory(solicitud=solicitud_factory(solicitante=ajena))
    user = usuario_factory(propia)
    assert list(documentos_visibles(_Req(user, propia, "solicitante_moral"))) == [mio]
    # Acting for someone it may not act for: nothing.
    assert not documentos_visibles(_Req(user, ajena, "solicitante_moral")).exists()
    # No acting persona: nothing.
    assert not documentos_visibles(_Req(user, None, "solicitante_moral")).exists()


def test_verificar_documento_con_sellos_reales(documento_factory, solicitud_sellada):
    doc = documento_factory(solicitud=solicitud_sellada)
    r = verificar_documento(doc.folio, doc.codigo_verificacion.lower())
    assert r["tipo"] == "Acuse de recepción"
    assert r["rfc"] == "EKU*****73C9"
    assert r["estado"] == "Vigente"
    assert r["sello_solicitante"] is True
    assert r["sello_ventanilla"] is True


def test_verificar_documento_sello_alterado(documento_factory, solicitud_sellada):
    doc = documento_factory(solicitud=solicitud_sellada)
    # Tampering bypasses the app (its queryset refuses it): straight to the table.
    Documento._base_manager.filter(pk=doc.pk).update(cadena_original=doc.cadena_original + "X")
    r = verificar_documento(doc.folio, doc.codigo_verificacion)
    assert r["sello_solicitante"] is False
    assert r["sello_ventanilla"] is False


def test_verificar_documento_no_encontrado(documento_factory):
    doc = documento_factory()
    assert verificar_documento(doc.folio, "ZZZZZZZZZZZZ") is None
    assert verificar_documento("", doc.codigo_verificacion) is None
    assert verificar_documento("000", doc.codigo_verificacion) is None


def test_verificar_documento_sin_sello_del_solicitante(documento_factory, solicitud_sellada):
    doc = documento_factory(
        solicitud=solicitud_sellada, tipo=Documento.Tipo.CERTIFICADO, sello_solicitante=""
    )
    r = verificar_documento(doc.folio, doc.codigo_verificacion)
    assert r["sello_solicitante"] is None
    assert r["sello_ventanilla"] is True


def test_verificar_con_cadena_ventanilla_distinta(documento_factory, solicitud_sellada):
    from firma.services import sellar_ventanilla

    cadena = "|certificado|CC-1|1000.000||"
    doc = documento_factory(
        solicitud=solicitud_sellada,
        tipo=Documento.Tipo.CERTIFICADO,
        sello_solicitante="",
        cadena_original=cadena,
        sello_ventanilla=sellar_ventanilla(cadena),
    )
    assert verificar_documento(doc.folio, doc.codigo_verificacion)["sello_ventanilla"] is True


def test_actualizar_estado_se_ve_en_la_verificacion(documento_factory, solicitud_sellada):
    from acuses.services import actualizar_estado

    doc = documento_factory(solicitud=solicitud_sellada, tipo=Documento.Tipo.CERTIFICADO)
    actualizar_estado(doc, Documento.Estado.CANCELADO)
    assert verificar_documento(doc.folio, doc.codigo_verificacion)["estado"] == "Cancelado"
    with pytest.raises(ValueError):
        actualizar_estado(doc, "borrado")


def test_en_modo_eager_el_pdf_se_genera_despues_de_la_respuesta(documento_factory, settings):
    """Issue 8: with eager Celery the PDF renders after the response, never inside it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from acuses.tasks import encolar

    doc = documento_factory()
    # like the test client: the test's transaction keeps its connection across the "request"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        encolar(sender=Documento, documento_id=doc.pk)
        doc.refresh_from_db()
        assert not doc.pdf_generado
        request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    doc.refresh_from_db()
    assert doc.pdf_generado
