"""Issue 10 item 2: the engine's dictamen desk. The plazo status as a database filter agrees
with the Python value on every reception date around holidays; turning a solicitud to a
dictaminador is audited and restricted; the daily job warns the assigned dictaminador and
nivel central once per solicitud and kind, set-based."""

import datetime as dt
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.soporte.personas import crear_persona, crear_usuario
from tramites import mesa_dictamen
from tramites.calendario import ZONA_MEXICO, Calendario
from tramites.mesa_dictamen import EstadoPlazo, filtro_estado_plazo, plazo_de
from tramites.models import DiaInhabil, Notificacion, RegistroAuditoria, Solicitud, Tramite
from tramites.reglas import TramiteError
from vucem.models import Rol, User

pytestmark = pytest.mark.django_db

_n = count(1)
#: A Wednesday after Revolution Day (Monday 16 Nov 2026 is a holiday).
HOY = dt.date(2026, 11, 25)


def _en_dictamen(persona, tramite, recibida: dt.datetime, **campos) -> Solicitud:
    n = next(_n)
    return Solicitud.objects.create(
        tramite=tramite,
        solicitante=persona,
        capturada_por=_capturador(),
        numero_temporal=f"{700_000_000 + n:09d}",
        folio=f"02012004002202601019{n:05d}",
        estado=Solicitud.Estado.EN_DICTAMEN,
        firmada_en=recibida,
        **campos,
    )


def _capturador():
    return User.objects.get_or_create(username="capturador.mesa")[0]


def _momento(fecha: dt.date, hora=10) -> dt.datetime:
    return dt.datetime.combine(fecha, dt.time(hora), tzinfo=ZONA_MEXICO)


@pytest.fixture
def tramite():
    return Tramite.objects.get(vucem_id=120402)


@pytest.fixture
def persona():
    return crear_persona("moral")


def test_filtro_coincide_con_el_plazo_de_cada_solicitud(tramite, persona):
    """Every reception date of the last five weeks (a declared día inhábil, the 16 Nov
    holiday, weekends, late-night receptions): the filter and Plazo.estado agree."""
    DiaInhabil.objects.create(
        dependencia=tramite.instrumento.dependencia,
        fecha=dt.date(2026, 11, 20),
        descripcion="Día inhábil de prueba",
    )
    corto = Tramite.objects.get(vucem_id=120401)
    corto.plazo_resolucion_dias_habiles = 2
    corto.save()
    solicitudes = []
    for dias in range(0, 36):
        fecha = HOY - dt.timedelta(days=dias)
        for t, hora in ((tramite, 9), (corto, 23)):
            solicitudes.append(_en_dictamen(persona, t, _momento(fecha, hora)))
    cal = Calendario()
    esperado = {e: set() for e in EstadoPlazo.values}
    for s in Solicitud.objects.select_related("tramite"):
        esperado[plazo_de(s, HOY, cal).estado].add(s.pk)
    assert all(esperado.values()), esperado  # the window covers the three states
    for estado in EstadoPlazo.values:
        obtenido = set(
            Solicitud.objects.filter(filtro_estado_plazo(estado, hoy=HOY)).values_list(
                "pk", flat=True
            )
        )
        assert obtenido == esperado[estado], estado


def test_plazo_por_vencer_y_vencido():
    p = mesa_dictamen.Plazo(HOY, transcurridos=6, vencimiento=HOY, plazo=7)
    assert (p.estado, p.restantes, p.vencido) == ("por_vencer", 1, False)
    assert mesa_dictamen.Plazo(HOY, 7, HOY, 7).estado == "por_vencer"
    assert mesa_dictamen.Plazo(HOY, 5, HOY, 7).estado == "en_plazo"
    assert mesa_dictamen.Plazo(HOY, 8, HOY, 7).estado == "vencido"


# -- turn to a dictaminador --------------------------------------------------------------------


def test_asignarme_y_reasignar_solo_nivel_central(tramite, persona):
    s = _en_dictamen(persona, tramite, _momento(HOY))
    ana = crear_usuario(Rol.DICTAMINADOR, "ana.dictamen")
    beto = crear_usuario(Rol.DICTAMINADOR, "beto.dictamen")
    central = crear_usuario(Rol.NIVEL_CENTRAL, "central.dictamen")

    with pytest.raises(TramiteError, match="Solo nivel central asigna"):
        mesa_dictamen.asignar_dictaminador(s, beto, usuario=ana)
    mesa_dictamen.asignar_dictaminador(s, ana, usuario=ana)
    s.refresh_from_db()
    assert s.dictaminador == ana
    with pytest.raises(TramiteError, match="ya está asignada a ana.dictamen"):
        mesa_dictamen.asignar_dictaminador(s, beto, usuario=beto)
    mesa_dictamen.asignar_dictaminador(s, ana, usuario=ana)  # idempotent: no new audit row

    mesa_dictamen.asignar_dictaminador(s, beto, usuario=central)
    s.refresh_from_db()
    assert s.dictaminador == beto
    motivos = list(
        RegistroAuditoria.objects.filter(object_id=str(s.pk)).values_list(
            "usuario__username", "estado_anterior", "estado_nuevo", "motivo"
        )
    )
    assert motivos == [
        ("ana.dictamen", "en_dictamen", "en_dictamen", "Asignada al dictaminador ana.dictamen"),
        (
            "central.dictamen",
            "en_dictamen",
            "en_dictamen",
            "Asignada al dictaminador beto.dictamen (antes: ana.dictamen)",
        ),
    ]
    aviso = Notificacion.objects.get(usuario=beto)
    assert s.folio in aviso.asunto and "central.dictamen" in aviso.cuerpo
    assert f"/cupos/dictamen/{s.folio}/" in aviso.cuerpo


def test_no_se_asigna_a_un_solicitante_ni_fuera_de_dictamen(tramite, persona):
    s = _en_dictamen(persona, tramite, _momento(HOY))
    central = crear_usuario(Rol.NIVEL_CENTRAL)
    capturista = crear_usuario(Rol.CAPTURISTA_GUBERNAMENTAL)
    with pytest.raises(TramiteError, match="Solo puede asignarse a un dictaminador"):
        mesa_dictamen.asignar_dictaminador(s, capturista, usuario=central)
    Solicitud.objects.filter(pk=s.pk).update(estado=Solicitud.Estado.RESUELTA)
    with pytest.raises(TramiteError, match="ya no está en dictamen"):
        mesa_dictamen.asignar_dictaminador(s, central, usuario=central)
    assert not RegistroAuditoria.objects.filter(object_id=str(s.pk)).exists()


# -- the daily job -----------------------------------------------------------------------------


def _recibida_hace(n_habiles: int) -> dt.datetime:
    """A reception n business days before HOY (so transcurridos == n)."""
    cal = Calendario()
    dia = HOY
    for _ in range(n_habiles):
        dia = cal.dia_habil_anterior(dia)
    return _momento(dia)


def test_trabajo_avisa_una_vez_al_dictaminador_y_a_nivel_central(tramite, persona):
    ana = crear_usuario(Rol.DICTAMINADOR, "ana.plazos")
    central = crear_usuario(Rol.NIVEL_CENTRAL, "central.plazos")
    crear_usuario(Rol.DICTAMINADOR, "otro.dictaminador")  # not assigned: nothing for him
    en_plazo = _en_dictamen(persona, tramite, _recibida_hace(3), dictaminador=ana)
    por_vencer = _en_dictamen(persona, tramite, _recibida_hace(6), dictaminador=ana)
    vence_hoy = _en_dictamen(persona, tramite, _recibida_hace(7))
    vencida = _en_dictamen(persona, tramite, _recibida_hace(9), dictaminador=ana)
    resuelta = _en_dictamen(persona, tramite, _recibida_hace(12))
    Solicitud.objects.filter(pk=resuelta.pk).update(estado=Solicitud.Estado.RESUELTA)

    assert mesa_dictamen.avisar_plazos(HOY) == {"vencido": 1, "por_vencer": 2}
    avisos = {
        (n.solicitud_id, n.usuario.username, n.asunto.split(":")[0])
        for n in Notificacion.objects.select_related("usuario")
    }
    assert avisos == {
        (por_vencer.pk, "ana.plazos", "Plazo de dictamen por vencer"),
        (por_vencer.pk, "central.plazos", "Plazo de dictamen por vencer"),
        (vence_hoy.pk, "central.plazos", "Plazo de dictamen por vencer"),
        (vencida.pk, "ana.plazos", "Plazo de dictamen vencido"),
        (vencida.pk, "central.plazos", "Plazo de dictamen vencido"),
    }
    cuerpo = Notificacion.objects.filter(solicitud=vence_hoy).get().cuerpo
    assert "vence hoy" in cuerpo and "sin dictaminador asignado" in cuerpo
    cuerpo = Notificacion.objects.filter(solicitud=vencida, usuario=central).get().cuerpo
    assert "venció el" in cuerpo and "Dictaminador: ana.plazos" in cuerpo
    assert all(n.destinatario.endswith("@example.com") for n in Notificacion.objects.all())
    en_plazo.refresh_from_db()
    assert en_plazo.aviso_plazo_por_vencer is None and en_plazo.aviso_plazo_vencido is None

    # A second run the same day changes nothing and reads no solicitud twice.
    antes = Notificacion.objects.count()
    with CaptureQueriesContext(connection) as c:
        assert mesa_dictamen.avisar_plazos(HOY) == {"vencido": 0, "por_vencer": 0}
    assert Notificacion.objects.count() == antes
    assert len(c) <= 12, [
        q["sql"] for q in c
    ]  # calendar, tramites, central, 2 selects + savepoints

    # Three business days later the por-vencer ones are overdue: one more notice each.
    despues = Calendario().sumar_dias_habiles(HOY, 3)
    assert mesa_dictamen.avisar_plazos(despues) == {"vencido": 2, "por_vencer": 1}
    assert (
        Notificacion.objects.filter(solicitud=por_vencer, asunto__contains="vencido").count() == 2
    )
    assert (
        Notificacion.objects.filter(solicitud=en_plazo, asunto__contains="por vencer").count() == 2
    )


def test_trabajo_en_lotes_con_consultas_acotadas(tramite, persona):
    """A few hundred overdue solicitudes: a bounded number of queries, not one per row."""
    crear_usuario(Rol.NIVEL_CENTRAL)
    recibida = _recibida_hace(10)
    for _ in range(120):
        _en_dictamen(persona, tramite, recibida)
    with CaptureQueriesContext(connection) as c:
        assert mesa_dictamen.avisar_plazos(HOY, lote=50) == {"vencido": 120, "por_vencer": 0}
    assert len(c) < 40, len(c)
    assert Notificacion.objects.count() == 120
