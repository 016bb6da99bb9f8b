"""Deadline jobs at scale, as ratios to one set-based UPDATE of the same rows (issue 8).

Seeds ``--programas`` IMMEX programs that did not file (10 per company) and ``--borradores``
expired drafts in the benchmark database, then times:

* ``raoce.trabajos.aplicar_plazos`` on the day after the IMMEX due date (every program is
  suspended, with its audit row and notice) against one ``UPDATE … WHERE id IN (…)`` of the
  same rows: as shipped (its batches over ``raoce.trabajos.HILOS`` connections) and over
  one connection;
* the same job run again the same day (nothing changes);
* ``tramites.trabajos.expirar_borradores`` against one UPDATE of the same drafts.

Each timing is taken ``--rondas`` times (3), alternating UPDATE and job from the same
table state (the job's audit rows and notices of a round deleted, tables vacuumed); the
ratios are of the medians, and every round's times are in the JSON.

Prints one JSON line (read by ``bench.carga``). Run with DJANGO_SETTINGS_MODULE set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time

import django


def cronometro(fn) -> float:
    inicio = time.perf_counter()
    fn()
    return time.perf_counter() - inicio


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--programas", type=int, default=100_000)
    ap.add_argument("--borradores", type=int, default=20_000)
    ap.add_argument("--solo-plazos", action="store_true", help="only aplicar_plazos (no drafts)")
    ap.add_argument("--rondas", type=int, default=3, help="timings of each kind (median)")
    o = ap.parse_args()
    django.setup()

    from django.db import connection, transaction
    from django.utils import timezone

    from raoce.models import EstatusPrograma, Programa, TipoPrograma
    from raoce.trabajos import HILOS, aplicar_plazos
    from tramites.models import Notificacion, RegistroAuditoria, Solicitud, Tramite
    from tramites.trabajos import expirar_borradores
    from vucem.models import Persona, User

    por_empresa = 10
    n_personas = max(1, o.programas // por_empresa)
    inicio = Persona.objects.count()
    Persona.objects.bulk_create(
        [
            Persona(
                rfc=f"T{inicio + i:011d}", nombre=f"EMPRESA MASIVA {i}", tipo="moral", correo=""
            )
            for i in range(n_personas)
        ],
        batch_size=5000,
    )
    personas = list(Persona.objects.filter(rfc__startswith="T").values_list("pk", flat=True))
    Programa.objects.bulk_create(
        [
            Programa(
                persona_id=personas[i // por_empresa],
                tipo=TipoPrograma.IMMEX,
                numero=f"M-{i:07d}",
                estatus=EstatusPrograma.VIGENTE,
                fecha_autorizacion=dt.date(2019, 3, 1),
            )
            for i in range(o.programas)
        ],
        batch_size=5000,
    )
    ids = list(Programa.objects.filter(numero__startswith="M-").values_list("pk", flat=True))
    # The IMMEX due date of the 2025 report is the last business day of May 2026.
    dia = dt.date(2026, 6, 1)

    def update_equivalente():
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                "UPDATE raoce_programa SET estatus = %s, estatus_desde = now() WHERE id = ANY(%s)",
                [EstatusPrograma.SUSPENDIDO, ids],
            )

    def restablecer():
        Programa.objects.filter(pk__in=ids).update(
            estatus=EstatusPrograma.VIGENTE, periodo_suspension=None
        )
        asentar()

    def asentar():
        # Both timings start from the same table state: dead tuples of the previous
        # UPDATE vacuumed, statistics fresh (as autovacuum leaves a table between runs).
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE raoce_programa")

    def deshacer_rastro(desde: tuple[int, int]):
        """Delete the audit rows and notices written after ``desde`` (their max pks)."""
        RegistroAuditoria.objects.filter(pk__gt=desde[0]).delete()
        Notificacion.objects.filter(pk__gt=desde[1]).delete()
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE tramites_registroauditoria")
            c.execute("VACUUM ANALYZE tramites_notificacion")

    def rastro() -> tuple[int, int]:
        return (
            RegistroAuditoria.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            Notificacion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        )

    updates, jobs, secuenciales = [], [], []
    cambiados = 0
    for ronda in range(o.rondas):
        if ronda:
            restablecer()
        else:
            asentar()
        updates.append(cronometro(update_equivalente))
        restablecer()
        antes = rastro()
        secuenciales.append(cronometro(lambda: aplicar_plazos(dia, hilos=1)))
        deshacer_rastro(antes)
        restablecer()
        jobs.append(cronometro(lambda: aplicar_plazos(dia)))
        cambiados = Programa.objects.filter(pk__in=ids, estatus=EstatusPrograma.SUSPENDIDO).count()
        if ronda < o.rondas - 1:
            deshacer_rastro(antes)
    t_repetido = cronometro(lambda: aplicar_plazos(dia))
    t_update, t_job = statistics.median(updates), statistics.median(jobs)
    t_secuencial = statistics.median(secuenciales)
    plazos = {
        "programas": o.programas,
        "programas suspendidos por el trabajo": cambiados,
        "aplicar_plazos s": round(t_job, 2),
        "UPDATE equivalente s": round(t_update, 2),
        "aplicar_plazos / UPDATE": round(t_job / t_update, 2),
        "aplicar_plazos sin cambios s": round(t_repetido, 3),
        "aplicar_plazos conexiones": HILOS,
        "aplicar_plazos una conexión s": round(t_secuencial, 2),
        "aplicar_plazos una conexión / UPDATE": round(t_secuencial / t_update, 2),
        "aplicar_plazos s (rondas)": [round(t, 2) for t in jobs],
        "aplicar_plazos una conexión s (rondas)": [round(t, 2) for t in secuenciales],
        "UPDATE equivalente s (rondas)": [round(t, 2) for t in updates],
    }
    if o.solo_plazos:
        print(json.dumps(plazos, ensure_ascii=False))
        return

    user = User.objects.filter(persona__isnull=False).first()
    tramite = Tramite.objects.get(vucem_id=150102)
    vencio = timezone.now() - dt.timedelta(days=1)
    Solicitud.objects.bulk_create(
        [
            Solicitud(
                tramite=tramite,
                solicitante_id=personas[i % len(personas)],
                capturada_por=user,
                numero_temporal=f"{800000000 + i:09d}",
                vence=vencio,
            )
            for i in range(o.borradores)
        ],
        batch_size=5000,
    )
    bids = list(
        Solicitud.objects.filter(numero_temporal__startswith="8").values_list("pk", flat=True)
    )

    def update_borradores():
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                "UPDATE tramites_solicitud SET estado = 'expirada', actualizada = now() "
                "WHERE id = ANY(%s)",
                [bids],
            )

    def asentar_borradores():
        # As for the programs: both timings start from a vacuumed, analysed table (the reset
        # below would otherwise leave the job twice the dead tuples the UPDATE met).
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE tramites_solicitud")

    updates_b, jobs_b = [], []
    for ronda in range(o.rondas):
        if ronda:
            Solicitud.objects.filter(pk__in=bids).update(estado="borrador")
        asentar_borradores()
        updates_b.append(cronometro(update_borradores))
        Solicitud.objects.filter(pk__in=bids).update(estado="borrador")
        asentar_borradores()
        antes = rastro()
        jobs_b.append(cronometro(expirar_borradores))
        if ronda < o.rondas - 1:
            deshacer_rastro(antes)
    t_update_b, t_borradores = statistics.median(updates_b), statistics.median(jobs_b)
    print(
        json.dumps(
            {
                **plazos,
                "borradores": o.borradores,
                "expirar_borradores s": round(t_borradores, 2),
                "UPDATE equivalente borradores s": round(t_update_b, 3),
                "expirar_borradores / UPDATE": round(t_borradores / t_update_b, 2),
                "expirar_borradores s (rondas)": [round(t, 2) for t in jobs_b],
                "UPDATE equivalente borradores s (rondas)": [round(t, 3) for t in updates_b],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
