"""The outbox and the PDF rendering through a REAL Celery worker (Redis + PostgreSQL).

Run by ``.ci/run`` with ``DATABASE_URL=postgres://…`` and ``REDIS_URL=redis://…``; the worker
is started by the ``celery_worker_real`` fixture (conftest). Rows must be committed for the
worker to see them, hence ``transactional_db`` (via ``celery_en_vivo``).
"""

from __future__ import annotations

import pytest

from tests.integracion.apoyo import esperar

# No django_db marker: celery_en_vivo writes in autocommit (the worker must see the rows) and
# the fixtures below delete what they created.
pytestmark = pytest.mark.celery_worker


@pytest.fixture
def solicitud(celery_en_vivo):
    """A draft of a test persona, committed; deleted afterwards with everything hanging off it."""
    from django.contrib.contenttypes.models import ContentType

    from tramites.models import (
        Contador,
        Dependencia,
        Instrumento,
        Notificacion,
        RegistroAuditoria,
        Solicitud,
        Tramite,
    )
    from tramites.services import crear_borrador
    from vucem.models import Persona, User

    contadores = dict(Contador.objects.values_list("clave", "valor"))
    creados = []
    dep, nuevo = Dependencia.objects.get_or_create(
        clave="SE", defaults={"codigo": "02", "nombre": "Secretaría de Economía"}
    )
    creados += [dep] if nuevo else []
    instrumento, nuevo = Instrumento.objects.get_or_create(
        dependencia=dep, slug="integracion", defaults={"nombre": "Pruebas de integración"}
    )
    creados += [instrumento] if nuevo else []
    tramite, nuevo = Tramite.objects.get_or_create(
        vucem_id=990001,
        defaults={
            "instrumento": instrumento,
            "clave": "integracion",
            "nombre": "Trámite de prueba",
        },
    )
    creados += [tramite] if nuevo else []
    persona = Persona.objects.create(
        rfc="EKU9003173C9",
        tipo=Persona.Tipo.MORAL,
        nombre="ESCUELA KEMPER URGATE SA DE CV",
        correo="empresa@example.com",
    )
    usuario = User.objects.create(
        username="integracion-EKU9003173C9", persona=persona, email="empresa@example.com"
    )
    s = crear_borrador(tramite=tramite, solicitante=persona, usuario=usuario)
    try:
        yield s
    finally:
        s.documentos.all().delete()
        Notificacion.objects.filter(persona=persona).delete()
        Notificacion.objects.filter(solicitud=s).delete()
        RegistroAuditoria.objects.filter(
            content_type=ContentType.objects.get_for_model(Solicitud), object_id=str(s.pk)
        ).delete()
        s.delete()
        usuario.delete()
        persona.delete()
        for obj in reversed(creados):
            obj.delete()
        Contador.objects.exclude(clave__in=contadores).delete()
        for clave, valor in contadores.items():
            Contador.objects.filter(clave=clave).update(valor=valor)


def test_el_worker_responde(celery_en_vivo):
    from vucem.celery import app

    respuesta = app.control.ping(destination=[celery_en_vivo.nombre], timeout=5)
    assert respuesta and celery_en_vivo.nombre in respuesta[0]


def test_usa_la_bd_de_prueba_migrada(celery_en_vivo):
    """Even when no selected test declares the database (this file alone: ``-m
    celery_worker``), pytest and the worker use the migrated TEST database, never the one in
    DATABASE_URL."""
    from django.conf import settings
    from django.db import connection

    from tramites.models import Contador

    nombre = connection.settings_dict["NAME"]
    assert nombre == settings.DATABASES["default"]["NAME"]
    assert nombre.startswith("test_"), nombre  # the test database, not DATABASE_URL's
    Contador.objects.count()  # migrated: the table exists


def test_outbox_entregada_por_el_worker(celery_en_vivo, solicitud):
    """notificar() writes the row; after commit the task is queued and the worker sends it."""
    from tramites.models import Notificacion
    from tramites.services import notificar

    n = notificar(
        asunto="Aviso de prueba de integración",
        cuerpo="Su solicitud fue recibida.",
        persona=solicitud.solicitante,
        solicitud=solicitud,
    )
    assert n.estado == Notificacion.Estado.PENDIENTE

    def enviada():
        n.refresh_from_db()
        return n.estado == Notificacion.Estado.ENVIADA

    esperar(enviada, segundos=60, worker=celery_en_vivo)
    assert n.enviada_en is not None
    correos = esperar(celery_en_vivo.correos, segundos=10, worker=celery_en_vivo)
    correo = next(c for c in correos if c["Subject"] == "Aviso de prueba de integración")
    assert correo["To"] == "empresa@example.com"
    # multipart/alternative since issue 10 item 8: the plain-text part carries the facts
    assert "Su solicitud fue recibida." in correo.get_body(("plain",)).get_content()
    assert "Su solicitud fue recibida." in correo.get_body(("html",)).get_content()


def test_enviar_notificacion_delay(celery_en_vivo, solicitud):
    """The task itself, queued by hand for an outbox row written directly."""
    from tramites.models import Notificacion
    from tramites.tasks import enviar_notificacion

    n = Notificacion.objects.create(
        destinatario="dictaminador@example.com",
        asunto="Aviso directo",
        cuerpo="Cuerpo",
        solicitud=solicitud,
    )
    enviar_notificacion.delay(n.pk)

    def enviada():
        n.refresh_from_db()
        return n.estado == Notificacion.Estado.ENVIADA

    esperar(enviada, segundos=60, worker=celery_en_vivo)
    assert n.intentos >= 1
    assert any(c["To"] == "dictaminador@example.com" for c in celery_en_vivo.correos())


def test_generar_pdf_en_el_worker(celery_en_vivo, solicitud):
    """acuses.tasks.generar_pdf renders and stores the PDF once, with its sha256."""
    import hashlib

    from acuses.models import Documento
    from acuses.tasks import generar_pdf

    doc = Documento.objects.create(
        solicitud=solicitud,
        tipo=Documento.Tipo.ACUSE,
        titulo="Acuse de recepción de trámite",
        folio="0201500100220240101000001",
        cadena_original="||prueba|de|integracion||",
        contexto={"nombre": solicitud.solicitante.nombre, "rfc": solicitud.solicitante.rfc},
    )
    generar_pdf.delay(doc.pk)

    def generado():
        doc.refresh_from_db()
        return bool(doc.sha256 and doc.archivo)

    esperar(generado, segundos=120, worker=celery_en_vivo)
    ruta = celery_en_vivo.media_root / doc.archivo.name
    assert ruta.is_file(), f"El worker no dejó el PDF en {ruta}"
    contenido = ruta.read_bytes()
    assert contenido.startswith(b"%PDF")
    assert hashlib.sha256(contenido).hexdigest() == doc.sha256
    assert doc.generado is not None

    # Idempotent: a second run keeps the first file.
    resultado = generar_pdf.apply_async(
        (doc.pk,), ignore_result=False
    )  # results are ignored by default
    # disable_sync_subtasks: an eager task run earlier in this process may leave Celery thinking
    # it is inside a task, where .get() is refused.
    assert resultado.get(timeout=60, disable_sync_subtasks=False) == doc.sha256
    doc.refresh_from_db()
    assert (celery_en_vivo.media_root / doc.archivo.name).read_bytes() == contenido
