"""Beat job aplicar_plazos: suspension and cancellation along the 2024 cycle (seed 003)."""

import datetime as dt

import pytest
from django.utils import timezone

from raoce import trabajos
from raoce.models import EstatusPrograma, TipoPrograma
from tests.raoce.conftest import crear_programa, crear_reporte, firmar
from tramites.calendario import ZONA_MEXICO
from tramites.models import Notificacion, RegistroAuditoria
from tramites.services import historial

D = dt.date
V, S, C = EstatusPrograma.VIGENTE, EstatusPrograma.SUSPENDIDO, EstatusPrograma.CANCELADO
pytestmark = pytest.mark.django_db


@pytest.fixture
def todos(immex, prosec_ligado, prosec_solo, altex, ecex):
    return {
        "immex": immex,
        "prosec_ligado": prosec_ligado,
        "prosec_solo": prosec_solo,
        "altex": altex,
        "ecex": ecex,
    }


def estatus(todos):
    for p in todos.values():
        p.refresh_from_db()
    return {k: p.estatus for k, p in todos.items()}


def test_antes_del_1_de_abril_no_pasa_nada(todos):
    for hoy in (D(2024, 1, 2), D(2024, 3, 31)):
        r = trabajos.aplicar_plazos(hoy)
        assert r == {"anio": 2024, "periodo": 2023, "suspendidos": [], "cancelados": []}
    assert set(estatus(todos).values()) == {V}
    assert not RegistroAuditoria.objects.filter(estado_nuevo__in=[S, C]).exists()


def test_ciclo_2024(todos):
    # Up to the April límite nothing happens.
    trabajos.aplicar_plazos(D(2024, 4, 30))
    assert set(estatus(todos).values()) == {V}
    # 1 May: the PROSEC-only company is suspended; the PROSEC linked to an IMMEX has May.
    r = trabajos.aplicar_plazos(D(2024, 5, 1))
    assert r["suspendidos"] == ["PROSEC 2018-1234"]
    assert estatus(todos)["prosec_solo"] == S
    assert estatus(todos)["prosec_ligado"] == V
    # 31 May (límite) nothing more.
    trabajos.aplicar_plazos(D(2024, 5, 31))
    assert estatus(todos)["immex"] == V
    # 3 June: IMMEX and its PROSEC suspended; ALTEX/ECEX cancelled.
    r = trabajos.aplicar_plazos(D(2024, 6, 3))
    assert sorted(r["suspendidos"]) == ["IMMEX 83-2019", "PROSEC 2019-8664"]
    assert sorted(r["cancelados"]) == ["ALTEX ALTEX-2015-0456", "ECEX ECEX-2016-0078"]
    assert estatus(todos) == {
        "immex": S,
        "prosec_ligado": S,
        "prosec_solo": S,
        "altex": C,
        "ecex": C,
    }
    # 28 June is the PROSEC última fecha; 1 July both PROSEC are cancelled, IMMEX stays suspended.
    trabajos.aplicar_plazos(D(2024, 6, 28))
    assert estatus(todos)["prosec_solo"] == S
    r = trabajos.aplicar_plazos(D(2024, 7, 1))
    assert sorted(r["cancelados"]) == ["PROSEC 2018-1234", "PROSEC 2019-8664"]
    assert estatus(todos)["immex"] == S
    # 30 Aug is the IMMEX última fecha; 31 Aug nothing; from 1 Sep (here the 2nd) cancelled.
    trabajos.aplicar_plazos(D(2024, 8, 31))
    assert estatus(todos)["immex"] == S
    r = trabajos.aplicar_plazos(D(2024, 9, 2))
    assert r["cancelados"] == ["IMMEX 83-2019"]
    assert set(estatus(todos).values()) == {C}

    immex = todos["immex"]
    filas = [(h.estado_anterior, h.estado_nuevo, h.motivo) for h in historial(immex)]
    assert filas == [
        (V, S, "No presentó el RAOCE 2023 a más tardar el 31/05/2024"),
        (S, C, "No presentó el RAOCE 2023 a más tardar el 30/08/2024"),
    ]
    assert [h.motivo for h in historial(todos["altex"])] == [
        "No presentó el RAOCE 2023 a más tardar el 31/05/2024"
    ]
    assert [h.motivo for h in historial(todos["prosec_solo"])] == [
        "No presentó el RAOCE 2023 a más tardar el 30/04/2024",
        "No presentó el RAOCE 2023 a más tardar el 28/06/2024",
    ]
    avisos = Notificacion.objects.filter(persona=immex.persona).order_by("pk")
    asuntos = [n.asunto for n in avisos]
    assert asuntos.count("Suspensión automática del programa IMMEX 83-2019") == 1
    assert asuntos.count("Cancelación automática del programa IMMEX 83-2019") == 1
    suspension = avisos.get(asunto="Suspensión automática del programa IMMEX 83-2019")
    assert "31/05/2024" in suspension.cuerpo and "30/08/2024" in suspension.cuerpo
    assert suspension.destinatario == immex.persona.correo


def test_idempotente(todos):
    primero = trabajos.aplicar_plazos(D(2024, 6, 3))
    filas = RegistroAuditoria.objects.count()
    avisos = Notificacion.objects.count()
    assert primero["suspendidos"] and primero["cancelados"]
    segundo = trabajos.aplicar_plazos(D(2024, 6, 3))
    assert segundo["suspendidos"] == [] and segundo["cancelados"] == []
    assert RegistroAuditoria.objects.count() == filas
    assert Notificacion.objects.count() == avisos


def _dia(fecha):
    return dt.datetime.combine(fecha, dt.time(0), tzinfo=ZONA_MEXICO)


def test_un_trabajo_atrasado_aplica_cada_transicion_con_su_fecha_legal(immex, altex):
    """Issue 10: the job that did not run all summer suspends (1 June) and then cancels
    (1 September) rather than jumping from vigente to cancelado; audit and estatus_desde
    carry those legal dates, not the day it ran; one notice (the cancellation)."""
    r = trabajos.aplicar_plazos(D(2024, 9, 10))
    assert r["suspendidos"] == ["IMMEX 83-2019"]
    assert sorted(r["cancelados"]) == ["ALTEX ALTEX-2015-0456", "IMMEX 83-2019"]
    immex.refresh_from_db()
    assert immex.estatus == C
    assert immex.estatus_desde == _dia(D(2024, 9, 1))
    assert [(h.estado_anterior, h.estado_nuevo, h.fecha) for h in historial(immex)] == [
        (V, S, _dia(D(2024, 6, 1))),
        (S, C, _dia(D(2024, 9, 1))),
    ]
    altex.refresh_from_db()
    assert altex.estatus_desde == _dia(D(2024, 6, 1))
    assert [(h.estado_nuevo, h.fecha) for h in historial(altex)] == [(C, _dia(D(2024, 6, 1)))]
    avisos = Notificacion.objects.filter(persona=immex.persona)
    assert [n.asunto for n in avisos] == ["Cancelación automática del programa IMMEX 83-2019"]
    assert "cancelado automáticamente el 01/09/2024" in avisos.get().cuerpo


def test_la_fecha_del_estatus_es_la_legal_aunque_el_trabajo_corra_despues(immex):
    trabajos.aplicar_plazos(D(2024, 6, 5))  # the suspension date was Saturday 1 June
    immex.refresh_from_db()
    assert (immex.estatus, immex.estatus_desde) == (S, _dia(D(2024, 6, 1)))
    assert [h.fecha for h in historial(immex)] == [_dia(D(2024, 6, 1))]
    aviso = Notificacion.objects.get(persona=immex.persona)
    assert "suspendido automáticamente el 01/06/2024" in aviso.cuerpo


def test_quien_reporto_a_tiempo_no_se_toca(
    lacteos, immex, prosec_ligado, exportadora, altex, tipos_cambio
):
    reporte = crear_reporte(
        lacteos, [immex, prosec_ligado], periodo=2023, ventas=100, exportaciones=50
    )
    firmar(reporte, en=D(2024, 5, 15), efectos=True)
    reporte_altex = crear_reporte(exportadora, [altex], periodo=2023, ventas=100, exportaciones=90)
    firmar(reporte_altex, en=D(2024, 5, 31), efectos=True)
    for hoy in (D(2024, 6, 3), D(2024, 7, 1), D(2024, 9, 2)):
        assert trabajos.aplicar_plazos(hoy) == {
            "anio": 2024,
            "periodo": 2023,
            "suspendidos": [],
            "cancelados": [],
        }
    for p in (immex, prosec_ligado, altex):
        p.refresh_from_db()
        assert p.estatus == V


def test_suspendido_que_reporta_a_tiempo_se_reactiva_y_no_se_cancela(lacteos, immex, prosec_ligado):
    trabajos.aplicar_plazos(D(2024, 6, 3))
    immex.refresh_from_db()
    assert (immex.estatus, immex.periodo_suspension) == (S, 2023)
    reporte = crear_reporte(lacteos, [immex], periodo=2023, ventas=100, exportaciones=50)
    firmar(reporte, en=D(2024, 6, 20), efectos=True)
    for p in (immex, prosec_ligado):
        p.refresh_from_db()
        assert p.estatus == V
    trabajos.aplicar_plazos(D(2024, 7, 1))
    trabajos.aplicar_plazos(D(2024, 9, 2))
    for p in (immex, prosec_ligado):
        p.refresh_from_db()
        assert p.estatus == V
    assert [h.estado_nuevo for h in historial(prosec_ligado)] == [S, V]


def test_reporte_despues_de_la_ultima_fecha_no_evita_la_cancelacion(lacteos, immex):
    trabajos.aplicar_plazos(D(2024, 6, 3))
    reporte = crear_reporte(lacteos, [immex], periodo=2023, ventas=100, exportaciones=50)
    firmar(reporte, en=D(2024, 8, 31), efectos=True)  # Saturday after the 30/08 última fecha
    immex.refresh_from_db()
    assert immex.estatus == S
    trabajos.aplicar_plazos(D(2024, 9, 1))
    immex.refresh_from_db()
    assert immex.estatus == C


def test_reporte_tardio_antes_del_trabajo_evita_la_suspension(lacteos, immex):
    # Filed on 1 June before the job ran: as if suspended and reactivated at once.
    reporte = crear_reporte(lacteos, [immex], periodo=2023, ventas=100, exportaciones=50)
    firmar(reporte, en=D(2024, 6, 1), efectos=True)
    trabajos.aplicar_plazos(D(2024, 6, 3))
    trabajos.aplicar_plazos(D(2024, 9, 2))
    immex.refresh_from_db()
    assert immex.estatus == V


def test_no_reportan_los_autorizados_en_el_anio_ni_los_cancelados(lacteos):
    nuevo = crear_programa(
        lacteos, TipoPrograma.IMMEX, "99-2024", fecha_autorizacion=D(2024, 1, 20)
    )
    cancelado = crear_programa(lacteos, TipoPrograma.IMMEX, "97-2010", estatus=C)
    trabajos.aplicar_plazos(D(2024, 9, 2))
    nuevo.refresh_from_db()
    assert nuevo.estatus == V
    assert not historial(cancelado).exists()


def test_un_borrador_no_cuenta_como_reporte(lacteos, immex):
    crear_reporte(lacteos, [immex], periodo=2023, ventas=100, exportaciones=50)
    trabajos.aplicar_plazos(D(2024, 6, 3))
    immex.refresh_from_db()
    assert immex.estatus == S


def test_la_tarea_usa_la_fecha_de_hoy(immex):
    from raoce.tasks import aplicar_plazos

    hoy = timezone.localdate()
    resultado = aplicar_plazos.delay().get()
    assert resultado["anio"] == hoy.year and resultado["periodo"] == hoy.year - 1
    esperado = trabajos.aplicar_plazos(hoy)  # already applied: nothing more
    assert esperado["suspendidos"] == [] and esperado["cancelados"] == []


def test_la_tarea_esta_registrada():
    from vucem.celery import app

    app.loader.import_default_modules()
    assert "raoce.tasks.aplicar_plazos" in app.tasks


def test_el_plazo_del_prosec_no_depende_del_orden_de_las_cancelaciones(exportadora):
    """A PROSEC of a company with ALTEX has the May deadline; when the job cancels the
    ALTEX on 3 June it suspends the PROSEC citing that May deadline, whatever the order of
    the rows (the ALTEX was created first here)."""
    altex = crear_programa(exportadora, TipoPrograma.ALTEX, "ALTEX-2015-1")
    prosec = crear_programa(exportadora, TipoPrograma.PROSEC, "2018-7777")
    r = trabajos.aplicar_plazos(D(2024, 5, 1))
    assert r["suspendidos"] == []  # May deadline: its company holds an ALTEX
    r = trabajos.aplicar_plazos(D(2024, 6, 3))
    assert r == {
        "anio": 2024,
        "periodo": 2023,
        "suspendidos": ["PROSEC 2018-7777"],
        "cancelados": ["ALTEX ALTEX-2015-1"],
    }
    assert [h.motivo for h in historial(prosec)] == [
        "No presentó el RAOCE 2023 a más tardar el 31/05/2024"
    ]
    assert [h.estado_nuevo for h in historial(altex)] == [C]


def test_aplicar_vencimientos_antes_de_la_primera_cancelacion_no_consulta(
    lacteos, immex, django_assert_num_queries
):
    """Issue 8: the wizard asks on every visit; before the cycle's first cancelación date
    (1 June for ALTEX/ECEX) nothing can be due and nothing is read."""
    with django_assert_num_queries(0):
        assert trabajos.aplicar_vencimientos(lacteos, 2025, dt.date(2026, 5, 31)) == []


def test_agrupar_sin_consultar_vinculos_de_un_immex_solo(lacteos, immex, django_assert_num_queries):
    """Issue 8: an IMMEX alone has nothing of the list to take along (no query); with its
    linked PROSEC in the list, the links are read in one query and the group holds both."""
    from raoce.reporte.programas import agrupar

    with django_assert_num_queries(0):
        assert [g.programas for g in agrupar([immex])] == [[immex]]
    prosec = crear_programa(lacteos, TipoPrograma.PROSEC, "2019-8664", ligados=[immex])
    with django_assert_num_queries(1):
        assert [g.programas for g in agrupar([prosec, immex])] == [[immex, prosec]]
