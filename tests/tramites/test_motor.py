"""The trámite engine: numbers, state machine, audit, drafts, wizard, outbox."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tramites import outbox, services, trabajos
from tramites.models import Notificacion, RegistroAuditoria, Solicitud, Tramite
from tramites.services import TramiteError, construir_cadena

from .conftest import entrar

pytestmark = pytest.mark.django_db


def test_codigo_folio_de_tramite():
    assert Tramite(vucem_id=150102).codigo_folio == "015001002"
    assert Tramite(vucem_id=120401).codigo_folio == "012004001"


def test_folio_reproduce_el_ejemplo_del_seed_003(settings):
    """Seed 003: 0201500100220200101000001 = SE + 150102 + 2020 + 0101 + 000001."""
    settings.UNIDAD_ADMINISTRATIVA = "0101"
    tramite = Tramite.objects.get(vucem_id=150102)
    momento = timezone.make_aware(timezone.datetime(2020, 5, 20, 10, 0))
    with transaction.atomic():
        primero = services.nuevo_folio(tramite, momento)
        segundo = services.nuevo_folio(tramite, momento)
    assert primero == "0201500100220200101000001"
    assert segundo == "0201500100220200101000002"
    assert len(primero) == 25 and primero.isdigit()


def test_secuencia_de_folio_por_tramite_y_anio():
    t1 = Tramite.objects.get(vucem_id=120401)
    t2 = Tramite.objects.get(vucem_id=120402)
    with transaction.atomic():
        a = services.nuevo_folio(t1, timezone.make_aware(timezone.datetime(2026, 1, 5)))
        b = services.nuevo_folio(t2, timezone.make_aware(timezone.datetime(2026, 1, 5)))
        c = services.nuevo_folio(t1, timezone.make_aware(timezone.datetime(2027, 1, 5)))
    assert a.endswith("000001") and b.endswith("000001") and c.endswith("000001")
    assert a[2:11] == "012004001" and b[2:11] == "012004002"


@pytest.mark.django_db(transaction=True)
def test_contador_exige_transaccion():
    with pytest.raises(RuntimeError):
        services.siguiente_valor("x")


def test_numero_temporal_de_nueve_digitos_y_unico(tramite_prueba, persona_moral, solicitante):
    numeros = {
        services.crear_borrador(
            tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
        ).numero_temporal
        for _ in range(5)
    }
    assert len(numeros) == 5
    assert all(re.fullmatch(r"\d{9}", n) for n in numeros)


def test_borrador_auditado_y_con_vigencia(tramite_prueba, persona_moral, solicitante):
    s = services.crear_borrador(
        tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
    )
    assert s.estado == Solicitud.Estado.BORRADOR
    assert (s.vence - s.creada) == timedelta(days=15)
    (reg,) = services.historial(s)
    assert (reg.estado_anterior, reg.estado_nuevo, reg.usuario) == ("", "borrador", solicitante)


def test_maquina_de_estados_rechaza_transiciones_invalidas(
    tramite_prueba, persona_moral, solicitante
):
    s = services.crear_borrador(
        tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
    )
    with pytest.raises(TramiteError) as exc:
        services.cambiar_estado(s, Solicitud.Estado.RESUELTA, usuario=solicitante)
    assert "no puede pasar" in exc.value.mensaje
    services.cambiar_estado(
        s, Solicitud.Estado.CANCELADA, usuario=solicitante, motivo="Ya no se necesita"
    )
    with pytest.raises(TramiteError):
        services.cambiar_estado(s, Solicitud.Estado.FIRMADA, usuario=solicitante)
    ultimos = list(services.historial(s))
    assert [(r.estado_anterior, r.estado_nuevo) for r in ultimos] == [
        ("", "borrador"),
        ("borrador", "cancelada"),
    ]
    assert ultimos[-1].motivo == "Ya no se necesita"


def test_cadena_original_formato_fijo():
    assert (
        construir_cadena([("a", "uno"), ("b", 2), ("c", None), ("d", " x|y  z ")])
        == "|uno|2||x y z||"
    )


def test_borradores_expiran_y_se_recuerdan(
    tramite_prueba, persona_moral, solicitante, django_capture_on_commit_callbacks
):
    viejo = services.crear_borrador(
        tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
    )
    por_vencer = services.crear_borrador(
        tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
    )
    nuevo = services.crear_borrador(
        tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
    )
    ahora = timezone.now()
    Solicitud.objects.filter(pk=viejo.pk).update(vence=ahora - timedelta(minutes=1))
    Solicitud.objects.filter(pk=por_vencer.pk).update(vence=ahora + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert trabajos.recordar_borradores(ahora) == 1
        assert trabajos.recordar_borradores(ahora) == 0  # only once
    assert len(mail.outbox) == 1 and por_vencer.numero_temporal in mail.outbox[0].subject
    assert trabajos.expirar_borradores(ahora) == 1
    viejo.refresh_from_db(), nuevo.refresh_from_db()
    assert viejo.estado == "expirada" and nuevo.estado == "borrador"
    assert RegistroAuditoria.objects.filter(
        object_id=str(viejo.pk), estado_nuevo="expirada", usuario=None
    ).exists()


# ------------------------------------------------------------------ wizard via the browser client


def test_asistente_guarda_cada_paso_en_la_base(cliente, tramite_prueba, persona_moral):
    r = cliente.get(reverse("tramites:iniciar", args=[tramite_prueba.vucem_id]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Paso 1 Capturar solicitud" in html and "Paso 2 Firmar solicitud" in html
    assert persona_moral.rfc in html and "Domicilio fiscal" in html
    assert Solicitud.objects.count() == 0  # nothing saved until Continuar
    r = cliente.post(reverse("tramites:iniciar", args=[tramite_prueba.vucem_id]))
    s = Solicitud.objects.get()
    assert r.status_code == 302 and r.url == reverse(
        "tramites:paso", args=[s.numero_temporal, "datos"]
    )
    assert s.datos["solicitante"]["rfc"] == persona_moral.rfc
    # invalid data: errors shown, nothing saved
    r = cliente.post(r.url, {"descripcion": "", "cantidad": "-1"})
    assert r.status_code == 200 and "Revise lo siguiente" in r.content.decode()
    s.refresh_from_db()
    assert "datos" not in s.datos
    r = cliente.post(
        reverse("tramites:paso", args=[s.numero_temporal, "datos"]),
        {"descripcion": "Avena", "cantidad": "10.5"},
    )
    assert r.url == reverse("tramites:firmar", args=[s.numero_temporal])
    s.refresh_from_db()
    assert s.datos["datos"] == {"descripcion": "Avena", "cantidad": "10.5"}
    # resuming a draft goes to the first pending step or to signing
    r = cliente.get(reverse("tramites:continuar", args=[s.numero_temporal]))
    assert r.url == reverse("tramites:firmar", args=[s.numero_temporal])


def test_otra_persona_no_ve_el_borrador(
    client, tramite_prueba, persona_moral, solicitante, otra_persona
):
    from .conftest import usuario_solicitante

    s = services.crear_borrador(
        tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
    )
    otro = usuario_solicitante(otra_persona)
    entrar(client, otro, otra_persona, otra_persona.rol_solicitante)
    for nombre in ("continuar", "firmar", "registrada"):
        assert (
            client.get(reverse(f"tramites:{nombre}", args=[s.numero_temporal])).status_code == 404
        )
    assert (
        client.get(reverse("tramites:paso", args=[s.numero_temporal, "datos"])).status_code == 404
    )


def test_capturista_captura_pero_no_firma(client, tramite_prueba, persona_moral, capturista):
    from vucem.models import Rol

    entrar(client, capturista, persona_moral, Rol.CAPTURISTA_PRIVADO)
    client.post(reverse("tramites:iniciar", args=[tramite_prueba.vucem_id]))
    s = Solicitud.objects.get()
    assert s.solicitante == persona_moral and s.capturada_por == capturista
    client.post(
        reverse("tramites:paso", args=[s.numero_temporal, "datos"]),
        {"descripcion": "x", "cantidad": "1"},
    )
    r = client.get(reverse("tramites:firmar", args=[s.numero_temporal]))
    html = r.content.decode()
    assert "bandeja de tareas pendientes" in html and 'id="form-firma"' not in html
    r = client.post(reverse("tramites:firmar", args=[s.numero_temporal]), {"password": "x"})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.estado == "borrador"


def test_catalogo_navega_dependencia_instrumento_tramite(cliente):
    r = cliente.get(reverse("tramites:catalogo"), follow=True)
    html = r.content.decode()
    assert "Cupos de Importación y Exportación" in html
    assert "Reporte Anual de Operaciones de Comercio Exterior" in html
    assert "Cancelaciones, Modificaciones, Desistimientos y Reactivaciones" in html
    # persona moral sees the PM variants only
    assert "asignación directa de cupo persona moral" in html
    assert "asignación directa de cupo persona física" not in html


def test_tramite_de_otro_tipo_de_persona_se_rechaza(cliente):
    r = cliente.get(reverse("tramites:iniciar", args=[120401]), follow=True)
    assert "no corresponde a su tipo de persona" in r.content.decode()


# ------------------------------------------------------------------ outbox


def test_notificacion_se_envia_despues_del_commit(
    persona_moral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        n = services.notificar(persona=persona_moral, asunto="Aviso", cuerpo="Hola")
    assert mail.outbox == [] and len(callbacks) == 1  # nothing sent inside the transaction
    callbacks[0]()
    n.refresh_from_db()
    assert n.estado == "enviada" and n.enviada_en and len(mail.outbox) == 1
    assert mail.outbox[0].to == [persona_moral.correo]


def test_notificacion_fallida_reintenta_con_backoff_y_queda_visible(
    persona_moral, settings, monkeypatch
):
    settings.OUTBOX_MAX_INTENTOS = 3

    def falla(*a, **k):
        raise ConnectionRefusedError("SMTP caído")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", falla)
    n = services.notificar(persona=persona_moral, asunto="Aviso", cuerpo="Hola")
    antes = timezone.now()
    assert outbox.entregar_notificacion(n.pk) is False
    n.refresh_from_db()
    assert n.estado == "pendiente" and n.intentos == 1 and "SMTP caído" in n.ultimo_error
    assert n.siguiente_intento >= antes + timedelta(minutes=1)
    outbox.entregar_notificacion(n.pk)
    n.refresh_from_db()
    assert n.siguiente_intento >= timezone.now() + timedelta(
        minutes=1, seconds=50
    )  # 2 minutes after attempt 2
    outbox.entregar_notificacion(n.pk)
    n.refresh_from_db()
    assert n.estado == "fallida" and n.intentos == 3


def test_avisos_de_un_trabajo_se_encolan_por_partes_y_se_envian_por_una_conexion(
    persona_moral, django_capture_on_commit_callbacks, monkeypatch
):
    from tramites import tasks

    monkeypatch.setattr(outbox, "ENVIOS_POR_TAREA", 2)
    partes = []
    monkeypatch.setattr(tasks.enviar_notificaciones, "delay", partes.append)
    with django_capture_on_commit_callbacks(execute=True):
        avisos = outbox.notificar_en_lote(
            [{"persona": persona_moral, "asunto": f"Aviso {i}", "cuerpo": "Hola"} for i in range(5)]
        )
    pks = [n.pk for n in avisos]
    assert partes == [pks[0:2], pks[2:4], pks[4:5]]  # one task per part, not per notice
    assert mail.outbox == []

    conexiones = []
    original = tasks.get_connection
    monkeypatch.setattr(tasks, "get_connection", lambda: conexiones.append(1) or original())
    construir = outbox.construir_correo

    def falla_la_segunda(n):
        if n.pk == pks[1]:
            raise ConnectionResetError("SMTP cortó")
        return construir(n)

    monkeypatch.setattr(outbox, "construir_correo", falla_la_segunda)
    assert tasks.enviar_notificaciones(pks[0:2]) == 1
    assert tasks.enviar_notificaciones(pks[2:5]) == 3
    assert len(conexiones) == 2 and len(mail.outbox) == 4
    fallida = Notificacion.objects.get(pk=pks[1])  # retried on its own, with its backoff
    assert fallida.estado == "pendiente" and fallida.intentos == 1
    assert "SMTP cortó" in fallida.ultimo_error
    assert Notificacion.objects.filter(pk__in=pks, estado="enviada").count() == 4


def test_beat_reenvia_las_atoradas(persona_moral):
    from tramites.tasks import reenviar_notificaciones

    n = services.notificar(
        persona=persona_moral, asunto="Aviso", cuerpo="Hola"
    )  # on_commit never ran
    Notificacion.objects.filter(pk=n.pk).update(creada=timezone.now() - timedelta(minutes=10))
    assert reenviar_notificaciones() == 1  # eager: delivered right away
    n.refresh_from_db()
    assert n.estado == "enviada" and len(mail.outbox) == 1


def test_aviso_solo_de_bandeja_sin_correo(persona_moral):
    persona_moral.correo = ""
    persona_moral.save()
    n = services.notificar(persona=persona_moral, asunto="Aviso", cuerpo="Hola")
    assert n.estado == "enviada" and n.destinatario == ""
