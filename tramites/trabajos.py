"""Set-based deadline jobs of the engine (DESIGN §3 "Jobs are set-based", issue 8), and the
SQL pieces every app's jobs share to write audit rows and outbox notices with
``INSERT … SELECT``.

Each job selects only the rows whose state must change (a partial index serves the query),
locks a batch with :func:`lote_por_cambiar`, changes it with one UPDATE and writes its audit
rows and notices in the same transaction; a run killed between batches leaves every row fully
transitioned or untouched, and a second run changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from tramites import calendario, outbox
from tramites.models import EstadoSolicitud, Notificacion, RegistroAuditoria, Solicitud
from vucem.models import Persona

E = EstadoSolicitud

#: Rows a deadline job changes per transaction.
LOTE = 1000


# --------------------------------------------------------------------------- shared SQL


def lote_por_cambiar(qs, lote: int):
    """The next ``lote`` rows of ``qs`` (by pk) locked for this transaction; rows another
    transaction holds (e.g. a draft being signed) are left for the next run. The batch step of
    every set-based job."""
    return qs.select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:lote]


def en_ids(columna: str, ids: list[int]) -> tuple[str, list]:
    """``columna`` in ``ids`` (one array parameter on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return f"{columna} = ANY(%s)", [ids]
    return f"{columna} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def sin_esperar_al_disco() -> None:
    """Called first in a job's batch transaction: on PostgreSQL its commit does not wait for
    the WAL flush. The jobs are idempotent (a batch lost by a crash right after its commit is
    redone by the next run) and atomicity is unchanged. Nothing when the batch runs inside a
    caller's transaction (its commit keeps waiting), nor on other databases."""
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def auditoria_sql(
    modelo,
    origen: str,
    p_origen: list,
    *,
    id_sql: str,
    anterior: tuple[str, list],
    nuevo: str,
    motivo: tuple[str, list],
    fecha,
    usuario=None,
) -> tuple[str, list]:
    """SQL and parameters of :func:`insertar_auditoria`' INSERT … SELECT, to run alone or as
    a step of a larger statement (a CTE)."""
    ct = ContentType.objects.get_for_model(modelo, for_concrete_model=False)
    autor = usuario.pk if (usuario is not None and usuario.is_authenticated) else None
    (anterior_sql, p_anterior), (motivo_sql, p_motivo) = anterior, motivo
    sql = (
        f"INSERT INTO {RegistroAuditoria._meta.db_table} "
        "(content_type_id, object_id, usuario_id, fecha, estado_anterior, estado_nuevo, motivo) "
        f"SELECT %s, CAST({id_sql} AS VARCHAR(64)), %s, %s, {anterior_sql}, %s, {motivo_sql} "
        f"FROM {origen}"
    )
    return sql, [ct.pk, autor, fecha, *p_anterior, nuevo, *p_motivo, *p_origen]


def insertar_auditoria(modelo, origen: str, p_origen: list, **campos) -> None:
    """Audit rows of ``modelo`` written by the database itself (INSERT … SELECT), as
    :func:`tramites.services.registrar_auditoria` writes them. ``origen`` is the FROM …
    WHERE clause (``p_origen`` its parameters), ``id_sql`` the audited row's id in it;
    ``anterior`` and ``motivo`` are ``(sql, params)`` (:func:`auditoria_sql`)."""
    sql, params = auditoria_sql(modelo, origen, p_origen, **campos)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def avisos_sql(
    origen: str,
    p_origen: list,
    *,
    persona: str,
    asunto: tuple[str, list],
    cuerpo: tuple[str, list],
    tipo: str,
    enlace: str = "",
    solicitud: str = "NULL",
) -> tuple[str, list]:
    """SQL and parameters of :func:`insertar_avisos`' INSERT … SELECT (``RETURNING id,
    estado``), to run alone or as a step of a larger statement (a CTE)."""
    (asunto_sql, p_asunto), (cuerpo_sql, p_cuerpo) = asunto, cuerpo
    ahora = timezone.now()
    pendiente, enviada = Notificacion.Estado.PENDIENTE, Notificacion.Estado.ENVIADA
    sql = (
        f"INSERT INTO {Notificacion._meta.db_table} "
        "(destinatario, usuario_id, persona_id, solicitud_id, asunto, cuerpo, estado, "
        "intentos, ultimo_error, creada, siguiente_intento, enviada_en, leida, tipo, enlace) "
        f"SELECT {persona}.correo, NULL, {persona}.id, {solicitud}, "
        f"SUBSTR({asunto_sql}, 1, 254), {cuerpo_sql}, "
        f"CASE WHEN {persona}.correo <> '' THEN %s ELSE %s END, 0, '', %s, %s, "
        f"CASE WHEN {persona}.correo <> '' THEN NULL ELSE %s END, %s, %s, %s "
        f"FROM {origen} RETURNING id, estado"
    )
    params = [*p_asunto, *p_cuerpo, pendiente, enviada, ahora, ahora, ahora, False, tipo, enlace]
    return sql, params + list(p_origen)


def encolar_al_confirmar(filas) -> list[int]:
    """Of the ``(id, estado)`` rows an :func:`avisos_sql` statement returned, the pks to
    deliver, queued after commit."""
    pendiente = Notificacion.Estado.PENDIENTE
    por_enviar = [pk for pk, estado in filas if estado == pendiente]
    if por_enviar:
        transaction.on_commit(lambda: outbox.encolar_lote(por_enviar))
    return por_enviar


def insertar_avisos(origen: str, p_origen: list, **textos) -> list[int]:
    """Outbox notices written by the database itself (INSERT … SELECT), as
    :func:`tramites.outbox.notificar` writes them: pending when the persona has an e-mail,
    else only in the bandeja; delivered after commit. ``origen`` is the FROM … WHERE clause
    (``p_origen`` its parameters); ``persona`` is the alias of ``vucem_persona`` in it,
    ``solicitud`` an SQL expression of the solicitud's id, and ``asunto`` and ``cuerpo`` are
    ``(sql, params)`` (:func:`avisos_sql`). Returns the pks queued for delivery."""
    sql, params = avisos_sql(origen, p_origen, **textos)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return encolar_al_confirmar(cursor.fetchall())


# --------------------------------------------------------------------------- drafts


def expirar_borradores(ahora=None, *, lote: int = LOTE) -> int:
    """Drafts not signed within their vigencia (15 natural days by default) expire.

    Set-based: only the rows that must change are read (a partial index on ``vence`` of
    drafts serves the query), each batch is one transaction with its audit rows and notices,
    so a run killed between batches leaves every draft fully expired or untouched and the
    next run finishes the rest; a second run changes nothing.
    """
    ahora = ahora or timezone.now()
    postgres = connection.vendor == "postgresql"
    total = 0
    while True:
        with transaction.atomic():
            if postgres:
                hechos = _expirar_lote_postgres(ahora, lote)
            else:
                hechos = _expirar_lote(ahora, lote)
        if not hechos:
            return total
        total += hechos


#: The drafts of a batch with their trámite and solicitante (``s``, ``t``, ``p``); the
#: ``FROM`` of their audit rows and notices.
_BORRADORES = (
    "{s} s JOIN tramites_tramite t ON t.id = s.tramite_id "
    f"JOIN {Persona._meta.db_table} p ON p.id = s.solicitante_id"
)
_MOTIVO_EXPIRACION = (
    "'No se firmó dentro de ' || CAST(t.dias_vigencia_borrador AS VARCHAR(10)) || ' días naturales'"
)


def _auditoria_expiracion(origen: str, p_origen: list) -> tuple[str, list]:
    """The audit rows of the drafts in ``origen``: the motivo names each draft's vigencia,
    as :func:`tramites.services.registrar_auditoria` would."""
    return auditoria_sql(
        Solicitud,
        origen,
        p_origen,
        id_sql="s.id",
        anterior=("%s", [E.BORRADOR]),
        nuevo=E.EXPIRADA,
        motivo=(_MOTIVO_EXPIRACION, []),
        fecha=timezone.now(),
    )


def _avisos_expiracion(origen: str, p_origen: list) -> tuple[str, list]:
    """The notices to the solicitante of each draft in ``origen``."""
    return avisos_sql(
        origen,
        p_origen,
        persona="p",
        solicitud="s.id",
        asunto=("'Su borrador ' || s.numero_temporal || ' venció'", []),
        cuerpo=(
            "'La solicitud con número temporal ' || s.numero_temporal || ' (' || t.nombre || "
            "') no se firmó dentro de ' || CAST(t.dias_vigencia_borrador AS VARCHAR(10)) || "
            "' días naturales y venció; ya no puede modificarse ni firmarse.'",
            [],
        ),
        tipo="borrador_expirado",
    )


def _expirar_lote_postgres(ahora, lote: int) -> int:
    """PostgreSQL: one statement locks the next batch (skipping drafts another transaction
    holds, e.g. one being signed), expires it and writes its audit rows and notices.
    Returns how many drafts it expired."""
    sin_esperar_al_disco()
    origen = _BORRADORES.format(s="cambiados")
    auditoria, p_auditoria = _auditoria_expiracion(origen, [])
    avisos, p_avisos = _avisos_expiracion(origen, [])
    tabla = Solicitud._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH lote AS (SELECT id FROM {tabla} WHERE estado = %s AND vence < %s "
            "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED), "
            f"cambiados AS (UPDATE {tabla} AS s SET estado = %s, actualizada = %s FROM lote "
            "WHERE s.id = lote.id "
            "RETURNING s.id, s.tramite_id, s.solicitante_id, s.numero_temporal), "
            f"auditados AS ({auditoria}), avisados AS ({avisos}) "
            "SELECT count(*), NULL, NULL FROM cambiados "
            # only the notices to deliver come back
            "UNION ALL SELECT NULL, id, estado FROM avisados WHERE estado = %s",
            [
                E.BORRADOR,
                ahora,
                lote,
                E.EXPIRADA,
                timezone.now(),
                *p_auditoria,
                *p_avisos,
                Notificacion.Estado.PENDIENTE,
            ],
        )
        filas = cursor.fetchall()
    encolar_al_confirmar([(pk, estado) for n, pk, estado in filas if n is None])
    return next(n for n, _, _ in filas if n is not None)


def _expirar_lote(ahora, lote: int) -> int:
    """Other databases (SQLite, the embedded default): lock the next batch, expire it and
    write its audit rows and notices (INSERT … SELECT)."""
    pks = list(
        lote_por_cambiar(
            Solicitud.objects.filter(estado=E.BORRADOR, vence__lt=ahora), lote
        ).values_list("pk", flat=True)
    )
    if pks:
        Solicitud.objects.filter(pk__in=pks).update(estado=E.EXPIRADA, actualizada=timezone.now())
        donde, params = en_ids("s.id", pks)
        origen = f"{_BORRADORES.format(s=Solicitud._meta.db_table)} WHERE {donde}"
        with connection.cursor() as cursor:
            cursor.execute(*_auditoria_expiracion(origen, params))
            cursor.execute(*_avisos_expiracion(origen, params))
            encolar_al_confirmar(cursor.fetchall())
    return len(pks)


def recordar_borradores(ahora=None, *, lote: int = LOTE) -> int:
    """Warn the solicitante (e-mail + bandeja) some days before a draft expires.
    Set-based and idempotent like :func:`expirar_borradores`."""
    ahora = ahora or timezone.now()
    limite = calendario.sumar_dias_naturales(ahora, settings.BORRADOR_DIAS_AVISO)
    total = 0
    while True:
        with transaction.atomic():
            pendientes = list(
                lote_por_cambiar(
                    Solicitud.objects.filter(
                        estado=E.BORRADOR,
                        vence__gte=ahora,
                        vence__lte=limite,
                        recordatorio_enviado__isnull=True,
                    ),
                    lote,
                ).select_related("tramite", "solicitante")
            )
            if not pendientes:
                return total
            Solicitud.objects.filter(pk__in=[s.pk for s in pendientes]).update(
                recordatorio_enviado=ahora
            )
            outbox.notificar_en_lote([_aviso_vencimiento(s) for s in pendientes])
        total += len(pendientes)


def _aviso_vencimiento(s: Solicitud) -> dict:
    vence = timezone.localtime(s.vence)
    return {
        "persona": s.solicitante,
        "solicitud": s,
        "tipo": "borrador_por_vencer",
        "asunto": f"Su borrador {s.numero_temporal} vence el {vence:%d/%m/%Y}",
        "cuerpo": (
            f"La solicitud con número temporal {s.numero_temporal} ({s.tramite.nombre}) "
            f"no ha sido firmada. Si no se firma antes del {vence:%d/%m/%Y %H:%M} (hora del "
            "centro de México) dejará de estar disponible en su bandeja."
        ),
    }
