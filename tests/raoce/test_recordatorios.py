"""Reminders before the RAOCE deadlines (issue 10 item 6): 15, 5 and 1 business days before
the límite and the última fecha, only to the programs that must still file, once per
reminder date."""

import datetime as dt

import pytest

from raoce import recordatorios, trabajos
from raoce.models import Recordatorio
from tests.raoce.conftest import crear_reporte, firmar
from tramites.models import Notificacion

D = dt.date
pytestmark = pytest.mark.django_db

NADA = {"limite": [], "ultima_fecha": []}


@pytest.fixture
def todos(immex, prosec_ligado, prosec_solo, altex, ecex):
    return immex, prosec_ligado, prosec_solo, altex, ecex


def asuntos(persona):
    return list(
        Notificacion.objects.filter(persona=persona).order_by("pk").values_list("asunto", flat=True)
    )


def test_fechas_de_recordatorio_en_dias_habiles():
    cal = trabajos._calendario(2024)
    # IMMEX límite: Friday 31/05/2024 (1 May is a holiday, before the window).
    assert [recordatorios.dias_habiles_antes(cal, D(2024, 5, 31), n) for n in (15, 5, 1)] == [
        D(2024, 5, 10),
        D(2024, 5, 24),
        D(2024, 5, 30),
    ]
    assert recordatorios.fecha_recordatorio(cal, D(2024, 5, 31), D(2024, 5, 9)) is None
    assert recordatorios.fecha_recordatorio(cal, D(2024, 5, 31), D(2024, 5, 12)) == D(2024, 5, 10)
    assert recordatorios.fecha_recordatorio(cal, D(2024, 5, 31), D(2024, 5, 31)) == D(2024, 5, 30)
    assert recordatorios.fecha_recordatorio(cal, D(2024, 5, 31), D(2024, 6, 1)) is None


def test_solo_a_quien_debe_reportar_y_una_vez_por_fecha(
    todos, lacteos, avenas, exportadora, tipos_cambio
):
    immex, prosec_ligado, prosec_solo, altex, ecex = todos
    reporte = crear_reporte(exportadora, [altex, ecex], periodo=2023, ventas=100, exportaciones=90)
    firmar(reporte, en=D(2024, 5, 2), efectos=True)
    Notificacion.objects.all().delete()

    assert recordatorios.enviar_recordatorios(D(2024, 5, 9)) == NADA
    # 15 business days before 31/05: IMMEX and its linked PROSEC (May deadline); the
    # PROSEC-only company's límite (30/04) has passed; the exporter filed.
    r = recordatorios.enviar_recordatorios(D(2024, 5, 10))
    assert r == {"limite": ["IMMEX 83-2019", "PROSEC 2019-8664"], "ultima_fecha": []}
    assert asuntos(lacteos) == ["Recordatorio: el RAOCE 2023 vence el 31/05/2024"] * 2
    immex_aviso, prosec_aviso = Notificacion.objects.filter(persona=lacteos).order_by("pk")
    assert immex_aviso.destinatario == lacteos.correo
    assert "de: IMMEX 83-2019." in immex_aviso.cuerpo
    assert "de: PROSEC 2019-8664." in prosec_aviso.cuerpo
    assert "quedará suspendido el 01/06/2024" in immex_aviso.cuerpo
    assert asuntos(exportadora) == [] and asuntos(avenas) == []
    # Same day again, and the days until the next reminder date: nothing more.
    for hoy in (D(2024, 5, 10), D(2024, 5, 13), D(2024, 5, 23)):
        assert recordatorios.enviar_recordatorios(hoy) == NADA
    assert Notificacion.objects.count() == 2
    # 5 business days before: again, once.
    assert recordatorios.enviar_recordatorios(D(2024, 5, 24))["limite"] == [
        "IMMEX 83-2019",
        "PROSEC 2019-8664",
    ]
    assert recordatorios.enviar_recordatorios(D(2024, 5, 24)) == NADA
    # The company files: no 1-day reminder.
    reporte = crear_reporte(
        lacteos, [immex, prosec_ligado], periodo=2023, ventas=100, exportaciones=50
    )
    firmar(reporte, en=D(2024, 5, 27), efectos=True)
    assert recordatorios.enviar_recordatorios(D(2024, 5, 30)) == NADA
    assert Recordatorio.objects.count() == 4


def test_un_aviso_por_empresa_con_todos_sus_programas(lacteos, immex, avenas):
    from raoce.models import TipoPrograma
    from tests.raoce.conftest import crear_programa

    otro = crear_programa(lacteos, TipoPrograma.IMMEX, "84-2019")
    crear_programa(avenas, TipoPrograma.IMMEX, "85-2019")
    r = recordatorios.enviar_recordatorios(D(2024, 5, 10))
    assert r["limite"] == ["IMMEX 83-2019", "IMMEX 84-2019", "IMMEX 85-2019"]
    (aviso,) = Notificacion.objects.filter(persona=lacteos)
    assert f"de: IMMEX 83-2019, {otro.tipo} {otro.numero}." in aviso.cuerpo
    assert Notificacion.objects.filter(persona=avenas).count() == 1
    assert Recordatorio.objects.count() == 3


def test_un_trabajo_atrasado_envia_solo_el_ultimo_recordatorio(immex, lacteos):
    r = recordatorios.enviar_recordatorios(D(2024, 5, 29))  # missed the 10/05 and 24/05 runs
    assert r["limite"] == ["IMMEX 83-2019"]
    assert list(Recordatorio.objects.values_list("plazo", "fecha")) == [("limite", D(2024, 5, 24))]
    assert len(asuntos(lacteos)) == 1


def test_recordatorio_de_la_ultima_fecha_a_los_suspendidos(prosec_solo, avenas, tipos_cambio):
    trabajos.aplicar_plazos(D(2024, 5, 1))  # suspended: límite 30/04
    Notificacion.objects.all().delete()
    r = recordatorios.enviar_recordatorios(D(2024, 6, 27))  # 1 business day before 28/06
    assert r == {"limite": [], "ultima_fecha": ["PROSEC 2018-1234"]}
    aviso = Notificacion.objects.get(persona=avenas)
    assert aviso.asunto == "Recordatorio: último día para presentar el RAOCE 2023: 28/06/2024"
    assert "a más tardar el 30/04/2024: PROSEC 2018-1234." in aviso.cuerpo
    assert "cancelado(s) el 01/07/2024" in aviso.cuerpo
    assert recordatorios.enviar_recordatorios(D(2024, 6, 28)) == NADA  # the deadline itself
    assert recordatorios.enviar_recordatorios(D(2024, 7, 2)) == NADA  # cancelled


def test_la_tarea_esta_registrada():
    from vucem.celery import app

    app.loader.import_default_modules()
    assert "raoce.tasks.enviar_recordatorios" in app.tasks
