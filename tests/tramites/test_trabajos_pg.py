"""The draft jobs are set-based on a real PostgreSQL (issue 8): a bounded number of
queries for thousands of drafts, nothing on a second run, whole batches on a crash."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.concurrencia import fallar_en_la_llamada, solo_postgres
from tramites import outbox, trabajos
from tramites.models import Notificacion, RegistroAuditoria, Solicitud, Tramite

from .conftest import crear_persona, usuario_solicitante

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

N = 2500


@pytest.fixture(autouse=True)
def _solo_postgres():
    solo_postgres()
    from tramites.catalogo import cargar_catalogo

    cargar_catalogo()


def crear_borradores(n: int, vence, correo: str = "") -> list[int]:
    persona = crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV")
    persona.correo = correo  # by default bandeja-only notices: nothing to deliver
    persona.save(update_fields=["correo"])
    user = usuario_solicitante(persona)
    tramite = Tramite.objects.get(vucem_id=120402)
    Solicitud.objects.bulk_create(
        [
            Solicitud(
                tramite=tramite,
                solicitante=persona,
                capturada_por=user,
                numero_temporal=f"{i:09d}",
                vence=vence,
            )
            for i in range(1, n + 1)
        ],
        batch_size=1000,
    )
    return list(Solicitud.objects.values_list("pk", flat=True))


def auditorias(estado_nuevo: str) -> int:
    return RegistroAuditoria.objects.filter(estado_nuevo=estado_nuevo).count()


def test_expirar_borradores_por_lotes_idempotente():
    crear_borradores(N, timezone.now() - timedelta(hours=1))
    with CaptureQueriesContext(connection) as consultas:
        assert trabajos.expirar_borradores(lote=1000) == N
    # a handful of statements per batch of 1,000, never one per draft
    assert len(consultas) <= 3 * 8
    assert Solicitud.objects.filter(estado="expirada").count() == N
    assert auditorias("expirada") == N
    registro = RegistroAuditoria.objects.filter(estado_nuevo="expirada").first()
    assert registro.estado_anterior == "borrador"
    assert registro.motivo == "No se firmó dentro de 15 días naturales"
    aviso = Notificacion.objects.get(solicitud__numero_temporal="000000007")
    assert (aviso.tipo, aviso.asunto, aviso.estado) == (
        "borrador_expirado",
        "Su borrador 000000007 venció",
        Notificacion.Estado.ENVIADA,  # no e-mail: only in the bandeja
    )
    assert aviso.cuerpo.startswith("La solicitud con número temporal 000000007 (")
    assert aviso.cuerpo.endswith(
        ") no se firmó dentro de 15 días naturales y venció; ya no puede modificarse ni firmarse."
    )
    assert Notificacion.objects.count() == N
    with CaptureQueriesContext(connection) as consultas:
        assert trabajos.expirar_borradores(lote=1000) == 0
    # BEGIN, SET LOCAL synchronous_commit, the batch statement (it finds nothing), COMMIT
    assert len(consultas) <= 4, [q["sql"][:60] for q in consultas]
    assert auditorias("expirada") == N


def _solo_el_primer_lote_entero() -> None:
    """The first 1000 drafts expired, each with its audit row and notice; no other."""
    expiradas = set(Solicitud.objects.filter(estado="expirada").values_list("pk", flat=True))
    auditadas = set(
        RegistroAuditoria.objects.filter(estado_nuevo="expirada").values_list(
            "object_id", flat=True
        )
    )
    assert len(expiradas) == 1000 and {str(pk) for pk in expiradas} == auditadas
    assert Notificacion.objects.filter(tipo="borrador_expirado").count() == 1000


def test_un_corte_entre_lotes_no_deja_borradores_a_medias(monkeypatch):
    crear_borradores(N, timezone.now() - timedelta(hours=1))
    muerte = SystemExit("worker killed")  # in the second batch
    original = fallar_en_la_llamada(monkeypatch, trabajos, "_expirar_lote_postgres", 2, muerte)
    with pytest.raises(SystemExit):
        trabajos.expirar_borradores(lote=1000)
    _solo_el_primer_lote_entero()
    monkeypatch.setattr(trabajos, "_expirar_lote_postgres", original)
    assert trabajos.expirar_borradores(lote=1000) == N - 1000
    assert auditorias("expirada") == N


def test_un_lote_que_falla_despues_de_escribir_se_deshace_entero(monkeypatch):
    # The batch's one statement ran (estado, audit rows, notices); a failure before its
    # commit leaves none of it.
    crear_borradores(N, timezone.now() - timedelta(hours=1))
    caida = RuntimeError("se cayó la conexión")  # in the second batch
    fallar_en_la_llamada(monkeypatch, trabajos, "encolar_al_confirmar", 2, caida)
    with pytest.raises(RuntimeError):
        trabajos.expirar_borradores(lote=1000)
    _solo_el_primer_lote_entero()


def test_expirar_borradores_encola_los_avisos_por_correo(monkeypatch):
    crear_borradores(1500, timezone.now() - timedelta(hours=1), correo="eku@example.com")
    encolados: list[int] = []
    monkeypatch.setattr(outbox, "encolar_lote", encolados.extend)
    assert trabajos.expirar_borradores(lote=1000) == 1500
    avisos = Notificacion.objects.filter(tipo="borrador_expirado")
    assert avisos.count() == 1500 and set(avisos.values_list("estado", flat=True)) == {
        Notificacion.Estado.PENDIENTE
    }
    assert sorted(encolados) == sorted(avisos.values_list("pk", flat=True))


def test_recordar_borradores_una_vez_y_por_lotes():
    crear_borradores(N, timezone.now() + timedelta(days=1))
    with CaptureQueriesContext(connection) as consultas:
        assert trabajos.recordar_borradores(lote=1000) == N
    assert len(consultas) <= 3 * 10
    assert Notificacion.objects.count() == N
    assert not Solicitud.objects.filter(recordatorio_enviado__isnull=True).exists()
    with CaptureQueriesContext(connection) as consultas:
        assert trabajos.recordar_borradores(lote=1000) == 0
    assert len(consultas) <= 3 and Notificacion.objects.count() == N
