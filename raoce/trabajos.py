"""Deadline jobs of RAOCE (DESIGN §3 "Jobs are set-based", §5): suspend and cancel the
programs that did not file the annual report on time.

:func:`aplicar_plazos` is the daily beat job (``raoce.tasks.aplicar_plazos``);
:func:`aplicar_vencimientos` is the same cancellation for one persona, run by the filing path
(the wizard) so a late filing is refused even when the beat job has not run yet.

Both are set-based: one query selects only the programs whose estatus must change (the
deadlines depend only on the program's tipo, the PROSEC's "has IMMEX/ALTEX/ECEX" and the
signed reports, all expressed in SQL; the index ``programa_plazos_idx`` serves it), then each
batch of :data:`LOTE` programs is locked and re-checked with the same conditions, gets its
estatus changed and its audit rows and outbox notices written by the database itself, in one
transaction (on PostgreSQL one statement does all of it; elsewhere a SELECT, an UPDATE and
an INSERT … SELECT each). A worker killed between (or
inside) batches leaves every program either fully transitioned (estatus + audit + notice) or
untouched; running again changes only what is left. On PostgreSQL the batches of a change
run over :data:`HILOS` connections at once (the suspensions still all before the
cancellations).

Every transition carries its LEGAL date (issue 10): ``estatus_desde`` and the audit row's
``fecha`` are the start (Mexico City) of the suspensión or cancelación date the rules give,
not the day the job ran. A run that catches up after the cancelación date first suspends an
IMMEX/PROSEC on its suspensión date (audited, not notified: the cancellation notice follows
in the same run) and then cancels it on its cancelación date, rather than jumping from
vigente to cancelado.

Suspensions run before cancellations, so a PROSEC's deadline (April, or May when its
company holds an IMMEX/ALTEX/ECEX that is not cancelled) is judged with the programs as they
were before the day's cancellations.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from tramites import trabajos
from tramites.calendario import ZONA_MEXICO, Calendario, a_fecha
from tramites.models import Notificacion
from tramites.trabajos import en_ids
from vucem.models import Persona

from . import plazos as modulo_plazos
from .estatus import C, S, V, dmy
from .models import Programa, ReporteAnual, TipoPrograma
from .plazos import TIPOS_QUE_EXTIENDEN_PROSEC, Plazos, calcular_plazos

logger = logging.getLogger(__name__)

#: Programs changed per transaction.
LOTE = 5000

#: Connections that apply a change's batches at once on PostgreSQL (the deadline job uses
#: both cores of the 2-core box; each batch stays one transaction).
HILOS = 2

#: Placeholder of a program's label (``"IMMEX 83-2019"``) in :class:`Textos`; the database
#: fills it in (``tipo || ' ' || numero``).
ETIQUETA = "\x00etiqueta\x00"


@dataclass(frozen=True)
class Textos:
    """Audit motivo, notice asunto and cuerpo of one kind of change; ``asunto`` and
    ``cuerpo`` may hold :data:`ETIQUETA`."""

    motivo: str
    asunto: str
    cuerpo: str
    tipo: str = "plazo_raoce"  # e-mail template (tramites.outbox.construir_correo)
    enlace: str = ""  # portal path (default: the bandeja)


# ------------------------------------------------------------------------------ messages


def textos_cancelacion(periodo: int, plazos: Plazos) -> Textos:
    """Motivo, asunto and cuerpo of an automatic cancellation for not filing ``periodo``."""
    return Textos(
        modulo_plazos.motivo_auditoria_cancelacion(periodo, plazos.fecha_oportuna),
        f"Cancelación automática del programa {ETIQUETA}",
        f"Su programa {ETIQUETA} quedó cancelado automáticamente el "
        f"{dmy(plazos.cancelacion)} porque no presentó el Reporte Anual de "
        f"Operaciones de Comercio Exterior (RAOCE) {periodo} a más tardar el "
        f"{dmy(plazos.fecha_oportuna)}.",
    )


def textos_suspension(periodo: int, plazos: Plazos) -> Textos:
    """Motivo, asunto and cuerpo of an automatic suspension (IMMEX/PROSEC past its límite)."""
    return Textos(
        f"No presentó el RAOCE {periodo} a más tardar el {dmy(plazos.limite)}",
        f"Suspensión automática del programa {ETIQUETA}",
        f"Su programa {ETIQUETA} quedó suspendido automáticamente el "
        f"{dmy(plazos.suspension)} porque no "
        f"presentó el Reporte Anual de Operaciones de Comercio Exterior (RAOCE) "
        f"{periodo} a más tardar el {dmy(plazos.limite)}. Puede presentarlo "
        f"hasta el {dmy(plazos.ultima_fecha)} para evitar la cancelación, "
        f"que ocurrirá el {dmy(plazos.cancelacion)}; al presentarlo, el "
        "programa se reactiva.",
    )


# ------------------------------------------------------------------------------ selection


@dataclass(frozen=True)
class Cambio:
    """One set of programs that move to ``nuevo`` on the legal date ``fecha`` with the same
    texts; ``avisar=False``: audited only (an intermediate step of a catch-up run)."""

    programas: QuerySet
    nuevo: str
    textos: Textos
    fecha: dt.date
    periodo_suspension: int | None = None
    avisar: bool = True
    anterior: str = ""  # the estatus every selected program has, when the selection fixes it


def _inicio_del_dia(fecha: dt.date) -> dt.datetime:
    return dt.datetime.combine(fecha, dt.time(0), tzinfo=ZONA_MEXICO)


def presentado(periodo: int, hasta: dt.date | None = None) -> Q:
    """Programs covered by a signed report of ``periodo`` filed by ``hasta`` (local date of
    ``firmada_en``, or ``RAOCE_FECHA_SIMULADA``; :func:`raoce.plazos.fecha_presentacion`);
    ``hasta=None``: filed on any date."""
    firmados = ReporteAnual.programas.through.objects.filter(
        programa_id=OuterRef("pk"),
        reporteanual__periodo=periodo,
        reporteanual__solicitud__folio__isnull=False,
    )
    if hasta is not None:
        simulada = modulo_plazos.fecha_simulada()
        if simulada is None:
            firmados = firmados.filter(
                reporteanual__solicitud__firmada_en__lt=_inicio_del_dia(hasta + dt.timedelta(1))
            )
        elif simulada > hasta:
            return Q(pk__in=[])  # every report counts as filed on the simulated date
    return Q(Exists(firmados))


def con_programa_mayor() -> Q:
    """PROSEC whose deadline moves to May (:func:`raoce.plazos.prosec_con_programa_mayor`):
    linked to, or of a persona holding, an IMMEX/ALTEX/ECEX that is not cancelled."""
    mayores = Programa.objects.filter(tipo__in=TIPOS_QUE_EXTIENDEN_PROSEC).exclude(estatus=C)
    ligado = Programa.ligados.through.objects.filter(
        from_programa_id=OuterRef("pk"), to_programa__in=mayores
    )
    return Q(Exists(mayores.filter(persona_id=OuterRef("persona_id")))) | Q(Exists(ligado))


def _deben_reportar(periodo: int) -> QuerySet:
    """Programs not cancelled and authorized in ``periodo`` or before."""
    return Programa.objects.exclude(estatus=C).filter(
        fecha_autorizacion__lte=dt.date(periodo, 12, 31)
    )


def cancelaciones(periodo: int, hoy: dt.date, cal: Calendario | None, persona=None) -> list[Cambio]:
    """Programs on/after their cancelación date of ``periodo``'s cycle without a report
    signed by their fecha oportuna (:func:`raoce.plazos.vencido`). A PROSEC's cancelación
    and última fecha do not depend on its límite. Ordered by cancelación date."""
    cambios = []
    for tipo in TipoPrograma.values:
        plazos = calcular_plazos(tipo, periodo + 1, calendario=cal)
        if hoy < plazos.cancelacion:
            continue
        programas = _deben_reportar(periodo).filter(tipo=tipo)
        if persona is not None:
            programas = programas.filter(persona=persona)
        programas = programas.exclude(presentado(periodo, plazos.fecha_oportuna))
        cambios.append(
            Cambio(programas, C, textos_cancelacion(periodo, plazos), plazos.cancelacion)
        )
    return sorted(cambios, key=lambda c: c.fecha)


def suspensiones(
    periodo: int, hoy: dt.date, cal: Calendario | None, persona=None, *, solo_vencidos: bool = False
) -> list[Cambio]:
    """IMMEX/PROSEC vigentes past their límite (from the suspensión date on) without a
    signed report of ``periodo``: before the cancelación date any report counts (a late
    one reactivates); from it on (a catch-up: the program is cancelled right after, in the
    same run) only one filed by the última fecha does, and the suspension is not notified.
    ``solo_vencidos``: only the catch-up ones (the filing path)."""
    anio = periodo + 1
    cambios = []
    for tipo, mayor in (
        (TipoPrograma.IMMEX, None),
        (TipoPrograma.PROSEC, False),
        (TipoPrograma.PROSEC, True),
    ):
        plazos = calcular_plazos(tipo, anio, prosec_con_immex=bool(mayor), calendario=cal)
        if hoy < plazos.suspension:
            continue
        vencido = hoy >= plazos.cancelacion
        if solo_vencidos and not vencido:
            continue
        programas = (
            _deben_reportar(periodo)
            .filter(tipo=tipo, estatus=V)
            .exclude(presentado(periodo, plazos.ultima_fecha if vencido else None))
        )
        if persona is not None:
            programas = programas.filter(persona=persona)
        if mayor is not None:
            programas = programas.filter(con_programa_mayor() if mayor else ~con_programa_mayor())
        cambios.append(
            Cambio(
                programas,
                S,
                textos_suspension(periodo, plazos),
                plazos.suspension,
                periodo_suspension=periodo,
                avisar=not vencido,
                anterior=V,
            )
        )
    return cambios


# ------------------------------------------------------------------------------ applying


def _lotes(pks: list[int], tamano: int) -> Iterator[list[int]]:
    for i in range(0, len(pks), tamano):
        yield pks[i : i + tamano]


def _texto_sql(texto: str, etiqueta: str = "(p.tipo || ' ' || p.numero)") -> tuple[str, list]:
    """SQL of ``texto`` with :data:`ETIQUETA` replaced by ``etiqueta`` (an SQL expression:
    by default the program's label)."""
    partes = texto.split(ETIQUETA)
    sql = f" || {etiqueta} || ".join(["%s"] * len(partes))
    return sql, partes


def _etiquetas_agrupadas() -> str:
    """SQL aggregate of the labels of a persona's programs: ``IMMEX 1, IMMEX 2``."""
    if connection.vendor == "postgresql":
        return "string_agg(p.tipo || ' ' || p.numero, ', ' ORDER BY p.id)"
    return "group_concat(p.tipo || ' ' || p.numero, ', ')"


def auditar(cambio: Cambio, ids: list[int], momento: dt.datetime, usuario=None) -> None:
    """The batch's audit rows (run before the UPDATE: the estado anterior is each row's
    current estatus), dated ``momento`` (the legal date)."""
    donde, params = en_ids("p.id", ids)
    trabajos.insertar_auditoria(
        Programa,
        f"{Programa._meta.db_table} p WHERE {donde}",
        params,
        id_sql="p.id",
        anterior=("p.estatus", []),
        nuevo=cambio.nuevo,
        motivo=("%s", [cambio.textos.motivo]),
        fecha=momento,
        usuario=usuario,
    )


def _avisos(textos: Textos, etiqueta: str = "(p.tipo || ' ' || p.numero)") -> dict:
    """The notice arguments of :func:`tramites.trabajos.avisos_sql` for ``textos`` (the
    persona's alias is ``per``)."""
    return {
        "persona": "per",
        "asunto": _texto_sql(textos.asunto, etiqueta),
        "cuerpo": _texto_sql(textos.cuerpo, etiqueta),
        "tipo": textos.tipo,
        "enlace": textos.enlace,
    }


def insertar_avisos(textos: Textos, ids: list[int], *, por_persona: bool = False) -> list[int]:
    """The batch's outbox notices to each program's persona
    (:func:`tramites.trabajos.insertar_avisos`); ``por_persona``: one notice per persona
    naming all its programs of the batch. Returns the pks queued for delivery."""
    donde, params = en_ids("p.id", ids)
    if por_persona:
        etiqueta = "p.etiquetas"
        origen = (
            f"(SELECT p.persona_id, {_etiquetas_agrupadas()} AS etiquetas "
            f"FROM {Programa._meta.db_table} p WHERE {donde} GROUP BY p.persona_id) p "
            f"JOIN {Persona._meta.db_table} per ON per.id = p.persona_id"
        )
    else:
        etiqueta = "(p.tipo || ' ' || p.numero)"
        origen = (
            f"{Programa._meta.db_table} p "
            f"JOIN {Persona._meta.db_table} per ON per.id = p.persona_id WHERE {donde}"
        )
    return trabajos.insertar_avisos(origen, params, **_avisos(textos, etiqueta))


def _cambiar_postgres(cambio: Cambio, pks: list[int], momento: dt.datetime, usuario=None):
    """PostgreSQL: one statement re-checks the batch, changes its estatus, writes its
    audit rows (the estado anterior read from the statement's snapshot) and, when the change
    is notified, its notices; the UPDATE locks the rows it changes. Returns ``(pk, tipo,
    numero)`` of the programs changed, by pk."""
    # The batch is a range of sorted candidate pks: the re-check (the same conditions as the
    # selection) runs over that range only; a row in it that qualifies now is due anyway.
    vigentes, p_vigentes = (
        cambio.programas.filter(pk__gte=min(pks), pk__lte=max(pks))
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    tabla = Programa._meta.db_table
    if cambio.anterior:  # every row comes from the same estatus: no need to read it
        desde, anterior, p_anterior = "", "CAST(%s AS VARCHAR(16))", [cambio.anterior]
    else:  # the estatus before the UPDATE, from the statement's snapshot
        desde, anterior, p_anterior = f"FROM {tabla} AS v WHERE v.id = p.id AND", "v.estatus", []
    auditoria, p_auditoria = trabajos.auditoria_sql(
        Programa,
        "cambiados",
        [],
        id_sql="id",
        anterior=("anterior", []),
        nuevo=cambio.nuevo,
        motivo=("%s", [cambio.textos.motivo]),
        fecha=momento,
        usuario=usuario,
    )
    sql = (
        "WITH cambiados AS ("
        f"UPDATE {tabla} AS p SET estatus = %s, estatus_desde = %s, periodo_suspension = %s "
        # the range lets the UPDATE read the batch by index, not the whole table
        f"{desde or 'WHERE'} p.id BETWEEN %s AND %s AND p.id IN ({vigentes}) "
        f"RETURNING p.id, p.tipo, p.numero, p.persona_id, {anterior} AS anterior), "
        f"auditados AS ({auditoria})"
    )
    params = [
        cambio.nuevo,
        momento,
        cambio.periodo_suspension,
        min(pks),
        max(pks),
        *p_vigentes,
        *p_anterior,
        *p_auditoria,
    ]
    if cambio.avisar:
        # The notices in the same statement: from the changed rows, no second read of them.
        avisos, p_avisos = trabajos.avisos_sql(
            f"cambiados p JOIN {Persona._meta.db_table} per ON per.id = p.persona_id",
            [],
            **_avisos(cambio.textos),
        )
        sql += (
            f", avisados AS ({avisos}) "
            "SELECT id, tipo, numero, NULL, NULL FROM cambiados "
            "UNION ALL SELECT NULL, NULL, NULL, id, estado FROM avisados WHERE estado = %s"
        )
        params += [*p_avisos, Notificacion.Estado.PENDIENTE]  # only those to deliver
    else:
        sql += " SELECT id, tipo, numero, NULL, NULL FROM cambiados"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        filas = cursor.fetchall()
    trabajos.encolar_al_confirmar([(f[3], f[4]) for f in filas if f[0] is None])
    return sorted(f[:3] for f in filas if f[0] is not None)


def _cambiar_generico(cambio: Cambio, pks: list[int], momento: dt.datetime, usuario=None):
    """Other databases (SQLite, the embedded default): lock and re-check the batch, write
    its audit rows (INSERT … SELECT) and change its estatus with one UPDATE."""
    filas = list(
        cambio.programas.filter(pk__in=pks)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "tipo", "numero")
    )
    if filas:
        ids = [f[0] for f in filas]
        auditar(cambio, ids, momento, usuario)
        Programa.objects.filter(pk__in=ids).update(
            estatus=cambio.nuevo,
            estatus_desde=momento,
            periodo_suspension=cambio.periodo_suspension,
        )
    return filas


def aplicar_lote(cambio: Cambio, pks: list[int], *, usuario=None) -> list[tuple[int, str, str]]:
    """One transaction: re-check the batch, change the estatus of those that still qualify
    and write their audit rows and notices. Returns ``(pk, tipo, numero)`` of the programs
    changed."""
    momento = _inicio_del_dia(cambio.fecha)
    postgres = connection.vendor == "postgresql"
    cambiar = _cambiar_postgres if postgres else _cambiar_generico
    with transaction.atomic():
        trabajos.sin_esperar_al_disco()
        filas = cambiar(cambio, pks, momento, usuario)
        if filas and cambio.avisar and not postgres:  # PostgreSQL: in the same statement
            insertar_avisos(cambio.textos, [f[0] for f in filas])
    return filas


def aplicar(
    cambio: Cambio, *, usuario=None, lote: int = LOTE, hilos: int = HILOS
) -> list[tuple[int, str, str]]:
    """Apply one change to every program it selects, batch by batch (over ``hilos``
    connections on PostgreSQL outside a caller's transaction). Returns ``(pk, tipo,
    numero)`` of the programs changed, by pk."""
    pks = list(cambio.programas.order_by("pk").values_list("pk", flat=True))
    lotes = list(_lotes(pks, lote))
    paralelo = connection.vendor == "postgresql" and not connection.in_atomic_block
    if hilos > 1 and len(lotes) > 1 and paralelo:
        return _aplicar_en_paralelo(cambio, lotes, hilos, usuario)
    hechos: list[tuple[int, str, str]] = []
    for pks_lote in lotes:
        hechos += aplicar_lote(cambio, pks_lote, usuario=usuario)
    return hechos


def _aplicar_en_paralelo(cambio: Cambio, lotes: list[list[int]], hilos: int, usuario=None):
    """The batches over ``hilos`` threads, each with its own connection. Each batch is still
    one transaction, and batches are disjoint pk ranges (they never wait on each other's
    rows). The first error stops every thread before its next batch and is raised."""
    pendientes: queue.SimpleQueue = queue.SimpleQueue()
    for pks_lote in lotes:
        pendientes.put(pks_lote)
    hechos: list[tuple[int, str, str]] = []
    errores: list[BaseException] = []

    def trabajar():
        try:
            while not errores:
                try:
                    pks_lote = pendientes.get_nowait()
                except queue.Empty:
                    return
                hechos.extend(aplicar_lote(cambio, pks_lote, usuario=usuario))
        except BaseException as exc:  # noqa: BLE001 - re-raised by the calling thread
            errores.append(exc)
        finally:
            connections.close_all()  # this thread's connection

    trabajadores = [threading.Thread(target=trabajar) for _ in range(min(hilos, len(lotes)))]
    for t in trabajadores:
        t.start()
    for t in trabajadores:
        t.join()
    if errores:
        raise errores[0]
    return sorted(hechos)


def _calendario(anio: int) -> Calendario:
    return Calendario(desde=dt.date(anio, 1, 1), hasta=dt.date(anio, 12, 31))


def aplicar_vencimientos(persona, periodo: int, hoy=None, *, usuario=None) -> list[Programa]:
    """Filing path (the wizard, outside the signing transaction): cancel the persona's
    programs that are past the cancellation date of ``periodo`` without a timely report
    (:func:`raoce.plazos.vencido`), as the beat job would (with the intermediate
    suspension on its legal date), without waiting for it. Returns the programs cancelled
    now, by pk."""
    hoy = a_fecha(hoy or modulo_plazos.hoy())
    if hoy < modulo_plazos.primera_cancelacion(periodo + 1):
        return []  # nothing can be due yet (the wizard asks on every visit)
    cal = None  # the SE's: its deadlines are kept per process (raoce.plazos.calcular_plazos)
    for cambio in suspensiones(periodo, hoy, cal, persona=persona, solo_vencidos=True):
        aplicar(cambio, usuario=usuario)
    cancelados: list[int] = []
    for cambio in cancelaciones(periodo, hoy, cal, persona=persona):
        cancelados += [pk for pk, _, _ in aplicar(cambio, usuario=usuario)]
    if not cancelados:
        return []
    return list(Programa.objects.filter(pk__in=cancelados).order_by("pk"))


def aplicar_plazos(hoy=None, *, lote: int = LOTE, hilos: int = HILOS) -> dict:
    """Suspend and cancel the programs that did not file the current cycle's RAOCE.

    Cycle: filing year ``Y = hoy.year``, period ``Y − 1``; nothing happens before 1 April
    of ``Y`` (and earlier cycles are never revisited). For every program not cancelled and
    authorized in the period or before (:func:`raoce.plazos.debe_reportar`):

    * on/after its cancelación date without a report signed by its última fecha
      (ALTEX/ECEX: by its límite) → ``cancelado``;
    * else, IMMEX/PROSEC vigente after its límite without any signed report of the period →
      ``suspendido`` (``periodo_suspension`` = period; filing by the última fecha
      reactivates it); a run after the cancelación date applies this suspension first (on
      its legal date, audited, not notified) and then the cancellation.

    ``estatus_desde`` and the audit rows carry each transition's legal date.

    Each change is audited (motivo citing the deadline) and notified to the persona in the
    same transaction as its batch; running it again changes nothing (idempotent).
    ``hilos``: connections applying the batches at once (:func:`aplicar`). Returns ``{"anio", "periodo", "suspendidos": [...], "cancelados": [...]}`` (labels, by
    pk).
    """
    hoy = a_fecha(hoy or modulo_plazos.hoy())
    anio, periodo = hoy.year, hoy.year - 1
    resultado: dict = {"anio": anio, "periodo": periodo, "suspendidos": [], "cancelados": []}
    if hoy < modulo_plazos.inicio_ciclo(anio):  # Plazos.inicio of every program
        return resultado
    cal = _calendario(anio)
    for clave, cambios in (
        ("suspendidos", suspensiones(periodo, hoy, cal)),
        ("cancelados", cancelaciones(periodo, hoy, cal)),
    ):
        hechos: list[tuple[int, str, str]] = []
        for cambio in cambios:
            hechos += aplicar(cambio, lote=lote, hilos=hilos)
        resultado[clave] = [f"{tipo} {numero}" for _, tipo, numero in sorted(hechos)]
    if resultado["suspendidos"] or resultado["cancelados"]:
        logger.info(
            "RAOCE %s: %s suspendidos, %s cancelados",
            periodo,
            len(resultado["suspendidos"]),
            len(resultado["cancelados"]),
        )
    return resultado
