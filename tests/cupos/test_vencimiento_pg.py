"""Certificate and asignación expiry is set-based on a real PostgreSQL (issue 8 item 1): over
a few thousand rows a bounded number of queries (not one per row), a second run changes
nothing for a constant number of queries, and a run killed between batches leaves every row
fully transitioned (state + audit + notice, and the certificate's Documento) or untouched;
the next run finishes the rest. Not timed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acuses.models import Documento
from cupos import vencimiento
from cupos.models import Asignacion, CertificadoCupo
from tests.concurrencia import fallar_en_la_llamada, solo_postgres
from tests.cupos.factories import SolicitudExpedicionFactory, cupo_con_subcupo
from tests.tramites.conftest import crear_persona
from tramites import outbox
from tramites.models import Notificacion, RegistroAuditoria

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HOY = dt.date(2027, 1, 4)
VENCIDA = dt.date(2026, 12, 31)
N = 2500  # certificates past their vigencia (plus 100 still vigentes)
NA = 2000  # asignaciones past their vigencia (plus 100 still vigentes)
LOTE = 1000


@pytest.fixture(autouse=True)
def _solo_postgres():
    solo_postgres()
    from tramites.catalogo import cargar_catalogo

    cargar_catalogo()


@pytest.fixture
def encolados(monkeypatch):
    """Notices handed to the delivery task after commit (delivery is the worker's)."""
    pks: list[int] = []
    monkeypatch.setattr(outbox, "encolar_lote", pks.extend)
    return pks


@pytest.fixture
def registro(db):
    persona = crear_persona("LBA100315MX4", "LACTEOS DEL BAJIO SA DE CV")
    _cupo, sub = cupo_con_subcupo(nombre="Cupo de lácteos", anio=2026)
    asignaciones = Asignacion.objects.bulk_create(
        Asignacion(
            subcupo=sub,
            beneficiario=persona,
            anio=2026,
            numero_oficio=f"{i:06d}",
            monto_asignado=Decimal("1000"),
            vigencia_inicio=dt.date(2026, 1, 1),
            vigencia_fin=VENCIDA if i < NA else HOY,
        )
        for i in range(NA + 100)
    )
    solicitud = SolicitudExpedicionFactory(solicitante=persona)
    documentos = Documento.objects.bulk_create(
        Documento(
            solicitud=solicitud,
            tipo="certificado",
            titulo="Certificado",
            folio=f"C{i}",
            codigo_verificacion=f"V{i:011d}",
            cadena_original="||",
        )
        for i in range(N + 100)
    )
    CertificadoCupo.objects.bulk_create(
        CertificadoCupo(
            asignacion=asignaciones[-1],
            solicitud=solicitud,
            titular=persona,
            folio=f"C{i}",
            numero=i + 1,
            monto_expedido=Decimal("1"),
            vigencia_inicio=dt.date(2026, 1, 1),
            vigencia_fin=VENCIDA if i < N else HOY,
            documento=documentos[i],
        )
        for i in range(N + 100)
    )


def _auditoria(estado_nuevo, modelo=CertificadoCupo):
    return RegistroAuditoria.objects.filter(
        estado_nuevo=estado_nuevo, content_type=ContentType.objects.get_for_model(modelo)
    )


def _sin_certificados_a_medias():
    """Each vencido certificate has its audit row, its reminder and a vencido Documento;
    every other one has none of them."""
    vencidos = set(CertificadoCupo.objects.filter(estado="vencido").values_list("pk", flat=True))
    recordados = set(
        CertificadoCupo.objects.filter(recordatorio_devolucion__isnull=False).values_list(
            "pk", flat=True
        )
    )
    auditados = [int(pk) for pk in _auditoria("vencido").values_list("object_id", flat=True)]
    docs = set(
        CertificadoCupo.objects.filter(documento__estado="vencido").values_list("pk", flat=True)
    )
    avisos = list(
        Notificacion.objects.filter(asunto__startswith="Devolución").values_list(
            "asunto", flat=True
        )
    )
    folios = set(CertificadoCupo.objects.filter(pk__in=vencidos).values_list("folio", flat=True))
    assert recordados == vencidos == docs
    assert sorted(auditados) == sorted(vencidos)
    assert sorted(a.rsplit(" ", 1)[1] for a in avisos) == sorted(folios)


def test_vencer_certificados_por_lotes_e_idempotente(registro, encolados):
    with CaptureQueriesContext(connection) as consultas:
        assert vencimiento.vencer(HOY, lote=LOTE) == (N, N)
    # per batch: lock, 2 UPDATEs, Documento SELECT + UPDATE (one per motivo) + INSERT audit,
    # INSERT audit, INSERT notices, calendar (+ savepoints), never one per certificate
    assert len(consultas) <= 6 + 12 * 3, len(consultas)
    assert CertificadoCupo.objects.filter(estado="vencido").count() == N
    assert CertificadoCupo.objects.filter(vigencia_fin=HOY, estado="vigente").count() == 100
    assert Documento.objects.filter(estado="vencido").count() == N
    assert _auditoria("vencido", Documento).count() == N  # each document's change audited
    doc = Documento.objects.filter(estado="vencido").first()
    assert doc.estado_motivo == "Terminó su vigencia el 31/12/2026" and doc.estado_desde
    reg = _auditoria("vencido").first()
    assert reg.estado_anterior == "vigente" and reg.motivo == "Terminó su vigencia el 31/12/2026"
    aviso = Notificacion.objects.get(asunto="Devolución del certificado de cupo C7")
    assert "Cupo de lácteos" in aviso.cuerpo and "a más tardar el 22/01/2027" in aviso.cuerpo
    assert sorted(encolados) == sorted(Notificacion.objects.values_list("pk", flat=True))
    _sin_certificados_a_medias()

    with CaptureQueriesContext(connection) as consultas:
        assert vencimiento.vencer(HOY, lote=LOTE) == (0, 0)
    assert len(consultas) <= 6, [q["sql"] for q in consultas]
    assert _auditoria("vencido").count() == N and Notificacion.objects.count() == N


def test_un_corte_entre_lotes_no_deja_certificados_a_medias(registro, encolados, monkeypatch):
    muerte = SystemExit("worker killed")  # in the second batch
    original = fallar_en_la_llamada(monkeypatch, vencimiento, "notificar_en_lote", 2, muerte)
    with pytest.raises(SystemExit):
        vencimiento.vencer(HOY, lote=LOTE)
    assert CertificadoCupo.objects.filter(estado="vencido").count() == LOTE
    _sin_certificados_a_medias()
    monkeypatch.setattr(vencimiento, "notificar_en_lote", original)
    assert vencimiento.vencer(HOY, lote=LOTE) == (N - LOTE, N - LOTE)
    _sin_certificados_a_medias()


def test_vencidos_sin_recordatorio_lo_reciben_una_vez(registro, encolados):
    """A certificate marked vencido by another path, never reminded, gets its reminder."""
    CertificadoCupo.objects.filter(pk__in=CertificadoCupo.objects.order_by("pk")[:300]).update(
        estado="vencido"
    )
    with CaptureQueriesContext(connection) as consultas:
        assert vencimiento.vencer(HOY, lote=LOTE) == (N - 300, N)
    assert len(consultas) <= 6 + 10 * 4, len(consultas)
    assert _auditoria("vencido").count() == N - 300  # the 300 were not changed here
    assert Notificacion.objects.count() == N
    assert vencimiento.vencer(HOY, lote=LOTE) == (0, 0)


def test_vencer_asignaciones_por_lotes_idempotente_y_con_gancho_de_aviso(
    registro, encolados, monkeypatch
):
    vistas = []

    def aviso(asignaciones):
        vistas.extend(asignaciones)
        return [
            {"persona": a.beneficiario, "asunto": f"Venció {a.numero_oficio}", "cuerpo": "x"}
            for a in asignaciones
        ]

    monkeypatch.setattr(vencimiento, "avisos_asignaciones_vencidas", aviso)
    with CaptureQueriesContext(connection) as consultas:
        assert vencimiento.vencer_asignaciones(HOY, lote=LOTE) == NA
    assert len(consultas) <= 3 + 8 * 2, len(consultas)
    assert Asignacion.objects.filter(estado="vencida").count() == NA
    assert Asignacion.objects.filter(vigencia_fin=HOY, estado="vigente").count() == 100
    assert len(vistas) == NA and all(a.estado == "vencida" for a in vistas)
    assert Notificacion.objects.filter(asunto__startswith="Venció").count() == NA
    reg = _auditoria("vencida", Asignacion).first()
    assert (reg.estado_anterior, reg.motivo) == ("vigente", "Terminó su vigencia el 31/12/2026")
    assert _auditoria("vencida", Asignacion).count() == NA
    with CaptureQueriesContext(connection) as consultas:
        assert vencimiento.vencer_asignaciones(HOY, lote=LOTE) == 0
    assert len(consultas) <= 3
    assert _auditoria("vencida", Asignacion).count() == NA


def test_un_corte_entre_lotes_no_deja_asignaciones_a_medias(registro, encolados, monkeypatch):
    muerte = SystemExit("worker killed")  # in the second batch
    original = fallar_en_la_llamada(monkeypatch, vencimiento, "auditar_en_lote", 2, muerte)
    with pytest.raises(SystemExit):
        vencimiento.vencer_asignaciones(HOY, lote=LOTE)
    vencidas = set(Asignacion.objects.filter(estado="vencida").values_list("pk", flat=True))
    auditadas = {
        int(pk) for pk in _auditoria("vencida", Asignacion).values_list("object_id", flat=True)
    }
    assert len(vencidas) == LOTE and vencidas == auditadas
    monkeypatch.setattr(vencimiento, "auditar_en_lote", original)
    assert vencimiento.vencer_asignaciones(HOY, lote=LOTE) == NA - LOTE
    assert _auditoria("vencida", Asignacion).count() == NA


def test_las_consultas_usan_los_indices_parciales(registro):
    """The rows to change are found through the partial indexes, not a scan of the table."""
    from django.db import connection as c

    with c.cursor() as cursor:
        cursor.execute("ANALYZE cupos_certificadocupo; ANALYZE cupos_asignacion")
        cursor.execute("SET enable_seqscan = off")
        try:
            planes = [
                CertificadoCupo.objects.filter(estado="vigente", vigencia_fin__lt=HOY).explain(),
                CertificadoCupo.objects.filter(
                    estado="vencido", recordatorio_devolucion__isnull=True
                ).explain(),
                Asignacion.objects.filter(estado="vigente", vigencia_fin__lt=HOY).explain(),
            ]
        finally:
            cursor.execute("SET enable_seqscan = on")
    for nombre, plan in zip(
        ("certificado_vigente_vence", "certificado_sin_recordatorio", "asignacion_vigente_vence"),
        planes,
        strict=True,
    ):
        assert nombre in plan, plan
