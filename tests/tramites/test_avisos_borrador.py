"""Notices about drafts (issue 10 item 6): the solicitante is told when a capturista leaves
a draft ready to sign, and when a draft expires (set-based, in the expiry batch)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tramites import services, trabajos
from tramites.models import Notificacion, Solicitud
from vucem.models import Rol

from .conftest import entrar

pytestmark = pytest.mark.django_db


def _borrador_de_capturista(client, tramite, persona, capturista):
    """The capturista starts a draft for ``persona``: (solicitud, its «datos» step URL, its
    signing page URL)."""
    entrar(client, capturista, persona, Rol.CAPTURISTA_PRIVADO)
    client.post(reverse("tramites:iniciar", args=[tramite.vucem_id]))
    s = Solicitud.objects.get()
    paso = reverse("tramites:paso", args=[s.numero_temporal, "datos"])
    return s, paso, reverse("tramites:firmar", args=[s.numero_temporal])


def test_capturista_deja_lista_para_firmar_y_se_avisa_una_vez(
    client, tramite_prueba, persona_moral, capturista, django_capture_on_commit_callbacks
):
    s, paso, firmar = _borrador_de_capturista(client, tramite_prueba, persona_moral, capturista)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(paso, {"descripcion": "x", "cantidad": "1"})
        pagina = client.get(firmar).content.decode()
        assert "Avisar al solicitante que está lista para firmar" in pagina
        assert not Notificacion.objects.filter(tipo="listo_para_firma").exists()  # GET: nothing
        r = client.post(firmar, {"accion": "avisar"}, follow=True)
        assert "Se avisó a" in r.content.decode()
        r = client.post(firmar, {"accion": "avisar"}, follow=True)  # once per version
        assert "ya fue avisado" in r.content.decode()
    (aviso,) = Notificacion.objects.filter(tipo="listo_para_firma")
    assert aviso.persona == persona_moral and aviso.solicitud == s
    assert aviso.asunto == f"La solicitud {s.numero_temporal} está lista para firmar"
    (correo,) = mail.outbox
    assert correo.to == [persona_moral.correo]
    assert f"/tramites/solicitud/{s.numero_temporal}/" in correo.body
    # After the capturista changes it again, a new notice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(paso, {"descripcion": "y", "cantidad": "2"})
        client.post(firmar, {"accion": "avisar"})
    assert Notificacion.objects.filter(tipo="listo_para_firma").count() == 2


def test_el_solicitante_en_la_pagina_de_firma_no_genera_aviso(
    cliente, tramite_prueba, persona_moral, solicitante
):
    s = services.crear_borrador(
        tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
    )
    services.guardar_paso(s, "datos", {"descripcion": "x", "cantidad": "1"})
    url = reverse("tramites:firmar", args=[s.numero_temporal])
    cliente.get(url)
    cliente.post(url, {"accion": "avisar"})  # only a capturista may send it
    assert not Notificacion.objects.filter(tipo="listo_para_firma").exists()


def test_al_expirar_el_borrador_se_avisa_al_solicitante(
    tramite_prueba, persona_moral, solicitante, django_capture_on_commit_callbacks
):
    viejo = services.crear_borrador(
        tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
    )
    vigente = services.crear_borrador(
        tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
    )
    Solicitud.objects.filter(pk=viejo.pk).update(vence=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert trabajos.expirar_borradores() == 1
        assert trabajos.expirar_borradores() == 0
    (aviso,) = Notificacion.objects.filter(tipo="borrador_expirado")
    assert aviso.solicitud_id == viejo.pk and aviso.persona == persona_moral
    assert aviso.asunto == f"Su borrador {viejo.numero_temporal} venció"
    dias = tramite_prueba.dias_vigencia_borrador
    assert f"no se firmó dentro de {dias} días naturales" in aviso.cuerpo
    assert tramite_prueba.nombre in aviso.cuerpo
    assert not Notificacion.objects.filter(solicitud=vigente).exists()
    (correo,) = mail.outbox
    assert correo.to == [persona_moral.correo] and "inicie una nueva solicitud" in correo.body


def test_guardar_otra_vez_sin_cambios_no_es_una_version_nueva(
    client,
    tramite_prueba,
    persona_moral,
    capturista,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    """Saving a step again unchanged writes nothing (issue 8): the draft keeps its
    ``actualizada``, so the solicitante already told is not told again; a change is saved."""
    s, paso, firmar = _borrador_de_capturista(client, tramite_prueba, persona_moral, capturista)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(paso, {"descripcion": "x", "cantidad": "1"})
        client.post(firmar, {"accion": "avisar"})
        s.refresh_from_db()
        antes = s.actualizada
        client.post(paso, {"descripcion": "x", "cantidad": "1"})
        r = client.post(firmar, {"accion": "avisar"}, follow=True)
        assert "ya fue avisado" in r.content.decode()
    assert Notificacion.objects.filter(tipo="listo_para_firma").count() == 1
    s.refresh_from_db()
    assert s.actualizada == antes and s.datos["datos"] == {"descripcion": "x", "cantidad": "1"}
    with django_assert_num_queries(0):
        services.guardar_paso(s, "datos", {"descripcion": "x", "cantidad": "1"})
    with django_assert_num_queries(1):
        services.guardar_paso(s, "datos", {"descripcion": "z", "cantidad": "1"})
    s.refresh_from_db()
    assert s.datos["datos"]["descripcion"] == "z" and s.actualizada > antes
