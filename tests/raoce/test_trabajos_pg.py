"""The RAOCE deadline job is set-based (issue 8): on a real PostgreSQL, over a few thousand
programs, it issues a bounded number of queries (not one per program), a second run changes
nothing for a constant number of queries, and a run killed between or inside batches leaves
every program fully transitioned (estatus + audit row + notice) or untouched; the next run
finishes the rest. Not timed."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from raoce import trabajos
from raoce.models import EstatusPrograma, Programa
from tests.concurrencia import fallar_en_la_llamada, solo_postgres
from tests.raoce.conftest import crear_reporte, firmar
from tramites import outbox
from tramites import trabajos as tramites_trabajos
from tramites.models import Notificacion, RegistroAuditoria
from vucem.models import Persona

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = dt.date
V, S, C = EstatusPrograma.VIGENTE, EstatusPrograma.SUSPENDIDO, EstatusPrograma.CANCELADO
EMPRESAS = 1000  # each: IMMEX + PROSEC; one in two also an ALTEX → 2,500 programs
LOTE = 200
DIA = D(2024, 6, 3)  # IMMEX and PROSEC suspended, ALTEX cancelled


@pytest.fixture(autouse=True)
def _solo_postgres():
    solo_postgres()
    # Transactional tests flush the tables, including the catalog the data migration loaded.
    from tramites.catalogo import cargar_catalogo

    cargar_catalogo()


@pytest.fixture
def encolados(monkeypatch):
    """Notices handed to the outbox after commit (delivery is the worker's, not the job's)."""
    pks: list[int] = []
    monkeypatch.setattr(outbox, "encolar_lote", pks.extend)
    return pks


@pytest.fixture
def registro(db):
    personas = Persona.objects.bulk_create(
        Persona(rfc=f"RAO{i:06d}AB1", tipo="moral", nombre=f"EMPRESA {i}", correo=f"e{i}@x.mx")
        for i in range(EMPRESAS)
    )
    programas = []
    for i, p in enumerate(personas):
        programas.append(
            Programa(persona=p, tipo="IMMEX", numero=f"I-{i}", fecha_autorizacion=D(2019, 1, 1))
        )
        programas.append(
            Programa(persona=p, tipo="PROSEC", numero=f"P-{i}", fecha_autorizacion=D(2019, 1, 1))
        )
        if i % 2 == 0:
            programas.append(
                Programa(persona=p, tipo="ALTEX", numero=f"A-{i}", fecha_autorizacion=D(2019, 1, 1))
            )
    programas = Programa.objects.bulk_create(programas)
    # Two companies filed on time: their programs are never touched.
    for persona in personas[:2]:
        suyos = [p for p in programas if p.persona_id == persona.pk]
        firmar(
            crear_reporte(persona, suyos, periodo=2023, ventas=100, exportaciones=90),
            en=D(2024, 5, 20),
        )
    return programas


def _auditoria(estado_nuevo):
    return RegistroAuditoria.objects.filter(estado_nuevo=estado_nuevo)


def _sin_estados_a_medias():
    """Every program has exactly as many automatic audit rows and notices as changes."""
    for p in Programa.objects.all():
        filas = RegistroAuditoria.objects.filter(object_id=str(p.pk), estado_nuevo__in=[S, C])
        avisos = Notificacion.objects.filter(
            persona_id=p.persona_id, asunto__contains=f" {p.tipo} {p.numero}"
        )
        if p.estatus == V:
            assert not filas.exists() and not avisos.exists(), p
        else:
            assert filas.count() == 1 and filas.get().estado_nuevo == p.estatus, p
            assert avisos.count() == 1, p


def test_una_corrida_hace_un_numero_acotado_de_consultas(registro, encolados):
    total = len(registro)
    with CaptureQueriesContext(connection) as consultas:  # one connection: every query seen
        resultado = trabajos.aplicar_plazos(DIA, lote=LOTE, hilos=1)
    suspendidos = 2 * (EMPRESAS - 2)
    cancelados = EMPRESAS // 2 - 1
    assert len(resultado["suspendidos"]) == suspendidos
    assert len(resultado["cancelados"]) == cancelados
    assert Programa.objects.filter(estatus=S, periodo_suspension=2023).count() == suspendidos
    assert Programa.objects.filter(estatus=C).count() == cancelados
    assert _auditoria(S).count() == suspendidos and _auditoria(C).count() == cancelados
    assert Notificacion.objects.count() == suspendidos + cancelados
    assert sorted(encolados) == sorted(Notificacion.objects.values_list("pk", flat=True))
    # per batch: lock/re-check, UPDATE, INSERT audit, INSERT notices (+ savepoints)
    lotes = -(-(EMPRESAS - 2) // LOTE) * 2 + -(-cancelados // LOTE)
    assert len(consultas) <= 20 + 8 * lotes, len(consultas)
    assert len(consultas) < total / 20


def test_la_segunda_corrida_no_cambia_nada_y_cuesta_lo_mismo_siempre(registro, encolados):
    trabajos.aplicar_plazos(DIA, lote=LOTE)
    filas, avisos = RegistroAuditoria.objects.count(), Notificacion.objects.count()
    antes = dict(Programa.objects.values_list("pk", "estatus_desde"))
    with CaptureQueriesContext(connection) as consultas:
        resultado = trabajos.aplicar_plazos(DIA, lote=LOTE)
    assert resultado["suspendidos"] == [] and resultado["cancelados"] == []
    assert RegistroAuditoria.objects.count() == filas and Notificacion.objects.count() == avisos
    assert dict(Programa.objects.values_list("pk", "estatus_desde")) == antes
    sql = [q["sql"].lstrip().upper() for q in consultas]
    assert not any(s.startswith(("UPDATE", "INSERT", "DELETE")) for s in sql)
    # one SELECT of candidates per kind of change (+ the calendar): independent of the size
    assert len(consultas) <= 10, sql


def test_una_corrida_interrumpida_entre_lotes_no_deja_programas_a_medias(
    registro, encolados, monkeypatch
):
    muerte = KeyboardInterrupt("worker terminado")  # in the third batch
    original = fallar_en_la_llamada(monkeypatch, trabajos, "aplicar_lote", 3, muerte)
    with pytest.raises(KeyboardInterrupt):
        trabajos.aplicar_plazos(DIA, lote=LOTE, hilos=1)
    assert Programa.objects.filter(estatus=S).count() == 2 * LOTE
    _sin_estados_a_medias()
    monkeypatch.setattr(trabajos, "aplicar_lote", original)
    resultado = trabajos.aplicar_plazos(DIA, lote=LOTE)
    assert len(resultado["suspendidos"]) == 2 * (EMPRESAS - 2) - 2 * LOTE
    _sin_estados_a_medias()
    assert Programa.objects.filter(estatus=S).count() == 2 * (EMPRESAS - 2)


def test_un_lote_que_falla_a_la_mitad_se_deshace_entero(registro, encolados, monkeypatch):
    # The batch's one statement wrote estatus, audit rows and notices; a failure after it,
    # before the commit (here while queueing the notices), undoes all of it.
    caida = RuntimeError("se cayó la conexión")  # in the second batch
    fallar_en_la_llamada(monkeypatch, tramites_trabajos, "encolar_al_confirmar", 2, caida)
    with pytest.raises(RuntimeError):
        trabajos.aplicar_plazos(DIA, lote=LOTE, hilos=1)
    assert Programa.objects.filter(estatus=S).count() == LOTE  # the first batch only
    _sin_estados_a_medias()
    assert len(encolados) == LOTE  # the rolled-back batch enqueued nothing


def test_en_paralelo_el_resultado_es_el_de_una_sola_conexion(registro, encolados, monkeypatch):
    original, hilos = trabajos.aplicar_lote, set()

    def anota_el_hilo(*args, **kwargs):
        hilos.add(threading.get_ident())
        return original(*args, **kwargs)

    monkeypatch.setattr(trabajos, "aplicar_lote", anota_el_hilo)
    resultado = trabajos.aplicar_plazos(DIA, lote=LOTE, hilos=3)
    assert len(hilos) == 3 and threading.get_ident() not in hilos
    suspendidos, cancelados = 2 * (EMPRESAS - 2), EMPRESAS // 2 - 1
    assert len(resultado["suspendidos"]) == suspendidos
    assert len(resultado["cancelados"]) == cancelados
    por_pk = Programa.objects.filter(estatus=S).order_by("pk")  # as one connection returns
    assert resultado["suspendidos"] == [f"{p.tipo} {p.numero}" for p in por_pk]
    assert _auditoria(S).count() == suspendidos and _auditoria(C).count() == cancelados
    assert Notificacion.objects.count() == suspendidos + cancelados
    assert sorted(encolados) == sorted(Notificacion.objects.values_list("pk", flat=True))
    _sin_estados_a_medias()


def test_en_paralelo_un_error_detiene_los_hilos_sin_programas_a_medias(
    registro, encolados, monkeypatch
):
    muerte = KeyboardInterrupt("worker terminado")  # in the third batch, either thread's
    original = fallar_en_la_llamada(monkeypatch, trabajos, "aplicar_lote", 3, muerte)
    with pytest.raises(KeyboardInterrupt):
        trabajos.aplicar_plazos(DIA, lote=LOTE, hilos=2)
    hechos = Programa.objects.filter(estatus=S).count()
    # the other thread finishes the batch it holds, then takes no other
    assert hechos % LOTE == 0 and 0 < hechos <= 3 * LOTE
    _sin_estados_a_medias()
    monkeypatch.setattr(trabajos, "aplicar_lote", original)
    resultado = trabajos.aplicar_plazos(DIA, lote=LOTE, hilos=2)
    assert len(resultado["suspendidos"]) == 2 * (EMPRESAS - 2) - hechos
    _sin_estados_a_medias()


def test_un_indice_sirve_la_seleccion(registro):
    cambio = trabajos.suspensiones(2023, DIA, trabajos._calendario(2024))[0]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            sql, params = cambio.programas.values("pk").query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(fila[0] for fila in cursor.fetchall())
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "programa_plazos_idx" in plan, plan
