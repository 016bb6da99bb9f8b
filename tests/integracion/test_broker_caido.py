"""Issue 11, item 2: with the broker down, signing answers at once with the folio; the
notification is delivered by the real worker once the broker is back (outbox + beat job).

Run by ``.ci/run`` (PostgreSQL + Redis + a real worker). The test process's Celery app is
pointed at a closed port while the worker keeps the real broker: "down" for the web only, the
way a web container loses its broker."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import time

import pytest

from tests.integracion.apoyo import esperar

pytestmark = pytest.mark.celery_worker


def _puerto_cerrado() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens


def _reiniciar_conexiones(app) -> None:
    """Forget the app's broker pools and result backend so the next publish uses the current
    URLs (kombu keeps one global pool per URL: they stay, unused)."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None
    with contextlib.suppress(AttributeError):
        del app._local.backend


@contextlib.contextmanager
def broker_caido():
    from vucem.celery import app

    anterior = (app.conf.broker_url, app.conf.result_backend)
    url = f"redis://127.0.0.1:{_puerto_cerrado()}/0"
    app.conf.broker_url = app.conf.result_backend = url
    _reiniciar_conexiones(app)
    try:
        yield url
    finally:
        app.conf.broker_url, app.conf.result_backend = anterior
        _reiniciar_conexiones(app)


@pytest.fixture
def borrador_listo(celery_en_vivo, client, credencial_factory):
    """A draft of the engine's test procedure ready to sign, its solicitante logged in, and
    the credential; everything is deleted afterwards."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from tests.tramites.conftest import crear_persona, entrar, usuario_solicitante
    from tramites.catalogo import cargar_catalogo
    from tramites.models import (
        Contador,
        Instrumento,
        Notificacion,
        RegistroAuditoria,
        Solicitud,
        Tramite,
    )
    from vucem.models import Rol

    cargar_catalogo()  # earlier transaction=True tests flush the data migrations' rows
    contadores = dict(Contador.objects.values_list("clave", "valor"))
    tramite, nuevo = Tramite.objects.get_or_create(
        vucem_id=990102,
        defaults={
            "instrumento": Instrumento.objects.get(slug="cupos"),
            "clave": "prueba-motor",
            "nombre": "Trámite de prueba del motor",
            "tipo_persona": Tramite.TipoPersona.AMBAS,
        },
    )
    persona = crear_persona("KIJ0906199R1", "KERNEL INDUSTIA JUGUETERA SA DE CV")
    user = usuario_solicitante(persona)
    entrar(client, user, persona, Rol.SOLICITANTE_MORAL)
    cred = credencial_factory(rfc=persona.rfc, nombre=persona.nombre)
    client.post(reverse("tramites:iniciar", args=[tramite.vucem_id]))
    s = Solicitud.objects.get(solicitante=persona)
    client.post(
        reverse("tramites:paso", args=[s.numero_temporal, "datos"]),
        {"descripcion": "Avena", "cantidad": "12.5"},
    )
    try:
        yield s, cred
    finally:
        s.documentos.all().delete()
        Notificacion.objects.filter(solicitud=s).delete()
        Notificacion.objects.filter(persona=persona).delete()
        RegistroAuditoria.objects.filter(
            content_type=ContentType.objects.get_for_model(Solicitud), object_id=str(s.pk)
        ).delete()
        s.delete()
        client.logout()
        user.delete()
        persona.delete()
        if nuevo:
            tramite.delete()
        Contador.objects.exclude(clave__in=contadores).delete()
        for clave, valor in contadores.items():
            Contador.objects.filter(clave=clave).update(valor=valor)


def test_firma_con_broker_caido_responde_con_folio_y_avisa_despues(
    celery_en_vivo, client, borrador_listo
):
    from django.urls import reverse

    from tests.firmas import firmar_en
    from tramites.models import Notificacion
    from tramites.tasks import reenviar_notificaciones

    s, cred = borrador_listo
    with broker_caido():
        inicio = time.monotonic()
        r = firmar_en(client, reverse("tramites:firmar", args=[s.numero_temporal]), cred)
        duracion = time.monotonic() - inicio
        assert r.status_code == 302, r.content.decode()[:2000]
        pagina = client.get(r.url)
    assert duracion < 2, f"La firma tardó {duracion:.1f} s con el broker caído"
    s.refresh_from_db()
    assert s.estado == "firmada" and len(s.folio) == 25
    assert pagina.status_code == 200 and s.folio in pagina.content.decode()

    # The notice waits in the outbox: nothing reached the worker.
    n = Notificacion.objects.get(solicitud=s, persona=s.solicitante)
    assert n.estado == Notificacion.Estado.PENDIENTE

    # The broker is back; the beat job (every 5 minutes) re-sends what is due. The row is made
    # older than the job's grace period instead of waiting for it.
    Notificacion.objects.filter(pk=n.pk).update(creada=n.creada - dt.timedelta(minutes=10))
    assert reenviar_notificaciones() >= 1

    def enviada():
        n.refresh_from_db()
        return n.estado == Notificacion.Estado.ENVIADA

    esperar(enviada, segundos=60, worker=celery_en_vivo)
    correos = esperar(celery_en_vivo.correos, segundos=10, worker=celery_en_vivo)
    assert any(s.folio in (c["Subject"] or "") for c in correos)
