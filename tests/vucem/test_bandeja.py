import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.soporte.personas import (
    crear_capturista,
    crear_solicitante,
    crear_usuario,
    entrar_como_capturista,
    entrar_como_solicitante,
    entrar_como_staff,
)
from tramites.models import Notificacion
from vucem.models import Rol

pytestmark = pytest.mark.django_db
URL = "/"


def _html(client, **params):
    r = client.get(URL, params)
    assert r.status_code == 200
    return r.content.decode()


def test_solicitante_ve_sus_borradores_y_no_los_de_otros(client, crear_solicitud):
    persona, user = crear_solicitante("moral")
    otra, otro_user = crear_solicitante("moral")
    mio = crear_solicitud(persona, user)
    ajeno = crear_solicitud(otra, otro_user)
    expirado = crear_solicitud(persona, user, vence=timezone.now() - dt.timedelta(minutes=1))
    entrar_como_solicitante(client, user)
    html = _html(client)
    assert "Bandeja de tareas pendientes" in html
    assert (
        f"Solicitante: <strong>{persona.nombre}</strong> RFC: <strong>{persona.rfc}</strong>"
        in html
    )
    assert mio.numero_temporal in html
    assert reverse("tramites:continuar", args=[mio.numero_temporal]) in html
    assert ajeno.numero_temporal not in html
    assert expirado.numero_temporal not in html
    for columna in (
        "Folio / número temporal",
        "Trámite",
        "Estado",
        "Fecha de inicio",
        "Días hábiles transcurridos",
    ):
        assert columna in html


def test_borrador_de_capturista_aparece_al_solicitante_para_firmar(client, crear_solicitud):
    persona, user = crear_solicitante("moral")
    capt = crear_capturista(persona)
    s = crear_solicitud(persona, capt)
    entrar_como_solicitante(client, user)
    html = _html(client)
    assert s.numero_temporal in html and "por firmar" in html


def test_capturista_ve_solo_lo_que_capturo_para_el_solicitante_activo(client, crear_solicitud):
    persona, user = crear_solicitante("moral")
    otra, _ = crear_solicitante("fisica")
    capt = crear_capturista(persona)
    crear_capturista(otra, capt.username)
    propio = crear_solicitud(persona, capt)
    del_solicitante = crear_solicitud(persona, user)
    de_otra = crear_solicitud(otra, capt)
    entrar_como_capturista(client, capt, persona)
    html = _html(client)
    assert propio.numero_temporal in html
    assert del_solicitante.numero_temporal not in html
    assert de_otra.numero_temporal not in html


def test_tareas_y_notificaciones_del_solicitante(client, crear_solicitud):
    persona, user = crear_solicitante("fisica")
    otra, _ = crear_solicitante("fisica")
    firmada = crear_solicitud(
        persona, user, estado="en_dictamen", folio="0201200200120260101000001"
    )
    resuelta = crear_solicitud(persona, user, estado="resuelta", folio="0201200200120260101000002")
    Notificacion.objects.create(
        persona=persona, asunto="Aviso de dictamen", cuerpo="Su solicitud está en dictamen."
    )
    Notificacion.objects.create(persona=persona, asunto="Ya leída", cuerpo="x", leida=True)
    Notificacion.objects.create(persona=otra, asunto="De otra persona", cuerpo="x")
    entrar_como_solicitante(client, user)
    html = _html(client)
    assert firmada.folio in html and resuelta.folio not in html
    assert "Aviso de dictamen" in html
    assert "Ya leída" not in html and "De otra persona" not in html


def test_dictaminador_ve_solicitudes_en_dictamen_con_liga_al_admin(client, crear_solicitud):
    persona, user = crear_solicitante("moral")
    en_dictamen = crear_solicitud(
        persona, user, estado="en_dictamen", folio="0201200200120260101000003"
    )
    borrador = crear_solicitud(persona, user)
    entrar_como_staff(client, crear_usuario(Rol.DICTAMINADOR))
    html = _html(client)
    assert en_dictamen.folio in html and borrador.numero_temporal not in html
    assert "/admin/" in html


def test_filtro_por_folio_y_fechas(client, crear_solicitud):
    persona, user = crear_solicitante("fisica")
    ahora = timezone.now()
    viejo = crear_solicitud(persona, user, creada=ahora - dt.timedelta(days=10))
    nuevo = crear_solicitud(persona, user)
    entrar_como_solicitante(client, user)
    html = _html(client, folio=nuevo.numero_temporal)
    assert nuevo.numero_temporal in html and viejo.numero_temporal not in html
    hoy = timezone.localdate()
    html = _html(
        client,
        fecha_inicial=(hoy - dt.timedelta(days=12)).isoformat(),
        fecha_final=(hoy - dt.timedelta(days=8)).isoformat(),
    )
    assert viejo.numero_temporal in html and nuevo.numero_temporal not in html
    html = _html(client, fecha_inicial=hoy.strftime("%d/%m/%Y"))
    assert nuevo.numero_temporal in html and viejo.numero_temporal not in html


def test_filtros_invalidos_dan_mensajes_claros(client, crear_solicitud):
    persona, user = crear_solicitante("fisica")
    crear_solicitud(persona, user)
    entrar_como_solicitante(client, user)
    html = _html(client, fecha_inicial="2026-03-10", fecha_final="2026-03-01")
    assert "La fecha final no puede ser anterior a la fecha inicial." in html
    assert 'role="alert"' in html
    html = _html(client, fecha_inicial="31/31/2026")
    assert "Escriba la fecha inicial como DD/MM/AAAA." in html
    html = _html(client, folio="ABC")
    assert "El folio y el número temporal solo contienen dígitos." in html


def test_dias_habiles_transcurridos(client, crear_solicitud):
    from tramites.bandeja import dias_habiles_transcurridos

    persona, user = crear_solicitante("fisica")
    # Monday 2 March 2026 → Monday 9 March 2026: 5 business days.
    creada = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    s = crear_solicitud(persona, user, creada=creada, vence=None)
    assert dias_habiles_transcurridos([s], hoy=dt.date(2026, 3, 9)) == {s.pk: 5}


def test_capturista_revocado_ya_no_actua(client, crear_solicitud):
    persona, user = crear_solicitante("moral")
    capt = crear_capturista(persona)
    s = crear_solicitud(persona, capt)
    entrar_como_capturista(client, capt, persona)
    assert s.numero_temporal in _html(client)
    registro = capt.capturas_para.get()
    registro.activo = False
    registro.save()
    r = client.get(URL)
    assert r.status_code == 302 and r.url == reverse("vucem:seleccionar_rol")
    html = client.get(r.url).content.decode()
    assert persona.rfc not in html
    from vucem.acceso import puede_capturar_para

    assert not puede_capturar_para(capt, Rol.CAPTURISTA_PRIVADO, persona)
