"""RAOCE reminders through a REAL Celery worker on PostgreSQL + Redis (issue 10 item 6): they
go to exactly the companies that must still file, once per reminder date, even when the
job runs twice at once, and the worker delivers each e-mail."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from tests.integracion.apoyo import esperar

pytestmark = pytest.mark.celery_worker

D = dt.date


@pytest.fixture
def empresas(celery_en_vivo):
    """Three companies (committed): two must still file, one filed on time."""
    from django.utils import timezone

    from raoce.models import Programa, ReporteAnual
    from tramites.catalogo import cargar_catalogo
    from tramites.models import Solicitud, Tramite
    from vucem.models import Persona, User

    # A transactional test before this one may have flushed the catalog the migration loaded.
    cargar_catalogo()

    personas = [
        Persona.objects.create(
            rfc=f"RWK{i:06d}AB1", tipo="moral", nombre=f"EMPRESA WORKER {i}", correo=f"w{i}@x.mx"
        )
        for i in range(3)
    ]
    programas = [
        Programa.objects.create(
            persona=p, tipo="IMMEX", numero=f"RWK-{i}", fecha_autorizacion=D(2019, 1, 1)
        )
        for i, p in enumerate(personas)
    ]
    usuario = User.objects.create(username="integracion-rwk", persona=personas[2])
    solicitud = Solicitud.objects.create(
        capturada_por=usuario,
        tramite=Tramite.objects.get(vucem_id=150102),
        solicitante=personas[2],
        numero_temporal="990000001",
        folio="0" * 24 + "1",
        estado="firmada",
        firmada_en=timezone.make_aware(dt.datetime(2024, 5, 2, 10)),
    )
    reporte = ReporteAnual.objects.create(solicitud=solicitud, periodo=2023)
    reporte.programas.add(programas[2])
    yield personas
    reporte.delete()
    solicitud.delete()
    usuario.delete()
    for p in programas:
        p.delete()
    for p in personas:
        p.delete()


def test_recordatorios_con_worker_real(celery_en_vivo, empresas):
    from django.db import connection

    from raoce.models import Recordatorio
    from raoce.recordatorios import enviar_recordatorios as en_proceso
    from raoce.tasks import enviar_recordatorios
    from tramites.models import Notificacion

    debe, debe_tambien, cumplida = empresas
    mios = Notificacion.objects.filter(persona__in=empresas)

    # Two runs at once: one in the worker, one in this process.
    def otra_corrida():
        try:
            en_proceso(D(2024, 5, 10))
        finally:
            connection.close()

    hilo = threading.Thread(target=otra_corrida)
    # Results are ignored by default (CELERY_TASK_IGNORE_RESULT): this test reads them.
    resultado = enviar_recordatorios.apply_async(("2024-05-10",), ignore_result=False)
    hilo.start()
    r = resultado.get(timeout=120, disable_sync_subtasks=False)
    hilo.join(timeout=120)
    assert "IMMEX RWK-2" not in r["limite"]
    assert sorted(mios.values_list("persona__rfc", flat=True)) == [debe.rfc, debe_tambien.rfc]
    assert Recordatorio.objects.filter(programa__persona__in=empresas).count() == 2
    # Again the same day, and the next one: nothing more.
    for hoy in ("2024-05-10", "2024-05-13"):
        r = enviar_recordatorios.apply_async((hoy,), ignore_result=False).get(
            timeout=120, disable_sync_subtasks=False
        )
        assert not any(etiqueta.startswith("IMMEX RWK-") for etiqueta in r["limite"])
    assert mios.count() == 2

    def entregadas():
        return mios.filter(estado=Notificacion.Estado.ENVIADA).count() == 2

    esperar(entregadas, segundos=60, worker=celery_en_vivo)
    correos = esperar(
        lambda: [
            c for c in celery_en_vivo.correos() if c["To"] in ("w0@x.mx", "w1@x.mx", "w2@x.mx")
        ],
        segundos=10,
        worker=celery_en_vivo,
    )
    assert sorted(c["To"] for c in correos) == ["w0@x.mx", "w1@x.mx"]
    assert all("vence el 31/05/2024" in c["Subject"] for c in correos)
