"""The dictamen plazo job on a real PostgreSQL: a solicitud locked by another transaction
(e.g. being resolved) is skipped, not waited for, and warned on the next run; a few thousand
overdue solicitudes cost a bounded number of queries."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from tests.concurrencia import solo_postgres
from tests.soporte.personas import crear_persona, crear_usuario
from tramites import mesa_dictamen
from tramites.calendario import ZONA_MEXICO, Calendario
from tramites.models import Notificacion, Solicitud, Tramite
from vucem.models import Rol, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HOY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _solo_postgres():
    solo_postgres()
    from tramites.catalogo import cargar_catalogo

    cargar_catalogo()


def _vencidas(n: int) -> list[int]:
    dia = HOY
    cal = Calendario()
    for _ in range(10):
        dia = cal.dia_habil_anterior(dia)
    persona = crear_persona("moral")
    capturador = User.objects.create(username="capturador.pg")
    tramite = Tramite.objects.get(vucem_id=120402)
    creadas = Solicitud.objects.bulk_create(
        [
            Solicitud(
                tramite=tramite,
                solicitante=persona,
                capturada_por=capturador,
                numero_temporal=f"{710_000_000 + i:09d}",
                folio=f"020120040022026010{i:07d}",
                estado=Solicitud.Estado.EN_DICTAMEN,
                firmada_en=dt.datetime.combine(dia, dt.time(10), tzinfo=ZONA_MEXICO),
            )
            for i in range(n)
        ]
    )
    return [s.pk for s in creadas]


def test_fila_bloqueada_se_salta_y_se_avisa_despues():
    crear_usuario(Rol.NIVEL_CENTRAL)
    bloqueada, libre = _vencidas(2)
    tomada, soltar = threading.Event(), threading.Event()

    def bloquear():
        try:
            with transaction.atomic():
                Solicitud.objects.select_for_update().get(pk=bloqueada)
                tomada.set()
                soltar.wait(30)
        finally:
            connections.close_all()

    hilo = threading.Thread(target=bloquear)
    hilo.start()
    assert tomada.wait(30)
    try:
        assert mesa_dictamen.avisar_plazos(HOY) == {"vencido": 1, "por_vencer": 0}
    finally:
        soltar.set()
        hilo.join(30)
    assert set(Notificacion.objects.values_list("solicitud_id", flat=True)) == {libre}
    assert mesa_dictamen.avisar_plazos(HOY) == {"vencido": 1, "por_vencer": 0}
    assert mesa_dictamen.avisar_plazos(HOY) == {"vencido": 0, "por_vencer": 0}
    assert Notificacion.objects.filter(solicitud_id=bloqueada).count() == 1


def test_miles_de_vencidas_con_consultas_acotadas():
    # Without e-mail: nothing is delivered after commit (eager Celery would count that too).
    crear_usuario(Rol.NIVEL_CENTRAL).__class__.objects.update(email="")
    _vencidas(2000)
    with CaptureQueriesContext(connection) as c:
        assert mesa_dictamen.avisar_plazos(HOY) == {"vencido": 2000, "por_vencer": 0}
    assert len(c) < 60, len(c)
    assert Notificacion.objects.count() == 2000
    with CaptureQueriesContext(connection) as c:
        assert mesa_dictamen.avisar_plazos(HOY) == {"vencido": 0, "por_vencer": 0}
    assert len(c) <= 12, [
        q["sql"] for q in c
    ]  # calendar, tramites, central, 2 × (BEGIN, SELECT, COMMIT)
