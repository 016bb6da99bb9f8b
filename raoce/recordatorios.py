"""Reminders before the RAOCE deadlines (issue 10): each company whose programs must still
file the current cycle's report is reminded 15, 5 and 1 business days
(:mod:`tramites.calendario`) before their límite and, once suspended, before their última
fecha: one notice per company and deadline naming its programs. Never for a program covered
by a signed report of the period, nor a cancelled one.

Idempotent and set-based like :mod:`raoce.trabajos`: the latest reminder date that has
arrived (a run that is days late sends that one, not every missed one) is recorded in
:class:`raoce.models.Recordatorio` with ``INSERT … ON CONFLICT DO NOTHING RETURNING``, and
only the rows inserted get a notice, in the same transaction: two runs, even concurrent,
send each reminder once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from tramites.calendario import Calendario, a_fecha
from tramites.trabajos import en_ids

from . import plazos as modulo_plazos
from .estatus import dmy
from .models import Programa, Recordatorio, TipoPrograma
from .plazos import calcular_plazos
from .trabajos import (
    ETIQUETA,
    LOTE,
    Textos,
    _calendario,
    _deben_reportar,
    _lotes,
    con_programa_mayor,
    insertar_avisos,
    presentado,
)

logger = logging.getLogger(__name__)

#: Business days before each deadline on which the reminder goes out.
DIAS_HABILES_ANTES = (15, 5, 1)

P = Recordatorio.Plazo


def dias_habiles_antes(cal: Calendario, fecha: dt.date, n: int) -> dt.date:
    """The business day ``n`` business days before ``fecha``."""
    dia = fecha
    for _ in range(n):
        dia = cal.dia_habil_anterior(dia)
    return dia


def fecha_recordatorio(cal: Calendario, plazo: dt.date, hoy: dt.date) -> dt.date | None:
    """The latest reminder date of ``plazo`` on or before ``hoy`` (None before the first
    one or after the deadline)."""
    if hoy > plazo:
        return None
    fechas = [dias_habiles_antes(cal, plazo, n) for n in DIAS_HABILES_ANTES]
    llegadas = [f for f in fechas if f <= hoy]
    return max(llegadas) if llegadas else None


def textos_recordatorio(periodo: int, plazos, plazo: str) -> Textos:
    """Texts of one company's reminder; :data:`ETIQUETA` is the list of its programs."""
    reporte = f"Reporte Anual de Operaciones de Comercio Exterior (RAOCE) {periodo}"
    enlace = reverse("tramites:catalogo")
    if plazo == P.LIMITE:
        consecuencia = (
            f"el programa quedará suspendido el {dmy(plazos.suspension)}"
            if plazos.suspension
            else f"el programa quedará cancelado el {dmy(plazos.cancelacion)}"
        )
        return Textos(
            "",
            f"Recordatorio: el RAOCE {periodo} vence el {dmy(plazos.limite)}",
            f"Aún no se ha presentado el {reporte} de: {ETIQUETA}. La fecha límite es el "
            f"{dmy(plazos.limite)}; si no se presenta a tiempo, {consecuencia}.",
            tipo="recordatorio_raoce",
            enlace=enlace,
        )
    return Textos(
        "",
        f"Recordatorio: último día para presentar el RAOCE {periodo}: {dmy(plazos.ultima_fecha)}",
        f"Programa(s) suspendido(s) por no presentar el {reporte} a más tardar el "
        f"{dmy(plazos.limite)}: {ETIQUETA}. Puede presentarlo hasta el "
        f"{dmy(plazos.ultima_fecha)}; al hacerlo, se reactiva(n). Si no, quedará(n) "
        f"cancelado(s) el {dmy(plazos.cancelacion)}.",
        tipo="recordatorio_raoce",
        enlace=enlace,
    )


def _registrar(ids: list[int], plazo: str, fecha: dt.date) -> list[int]:
    """Record the reminders; returns the programs whose row is new (the others already had
    this reminder)."""
    donde, params = en_ids("p.id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Recordatorio._meta.db_table} (programa_id, plazo, fecha, creado) "
            f"SELECT p.id, %s, %s, %s FROM {Programa._meta.db_table} p WHERE {donde} "
            "ON CONFLICT (programa_id, plazo, fecha) DO NOTHING RETURNING programa_id",
            [plazo, fecha, timezone.now(), *params],
        )
        return sorted(f[0] for f in cursor.fetchall())


def recordar_lote(pks: list[int], plazo: str, fecha: dt.date, textos: Textos) -> list[int]:
    """One transaction: record the batch's reminders and notify the new ones."""
    with transaction.atomic():
        nuevos = _registrar(pks, plazo, fecha)
        if nuevos:
            insertar_avisos(textos, nuevos, por_persona=True)
    return nuevos


def enviar_recordatorios(hoy=None, *, lote: int = LOTE) -> dict:
    """Send the reminders due ``hoy`` (default: today, or ``RAOCE_FECHA_SIMULADA``).
    Returns ``{"limite": [labels], "ultima_fecha": [labels]}``."""
    hoy = a_fecha(hoy or modulo_plazos.hoy())
    anio, periodo = hoy.year, hoy.year - 1
    enviados: dict[str, list[int]] = {P.LIMITE: [], P.ULTIMA_FECHA: []}
    etiquetas: dict[int, str] = {}
    cal = _calendario(anio)
    for tipo, mayor in (
        (TipoPrograma.IMMEX, None),
        (TipoPrograma.PROSEC, False),
        (TipoPrograma.PROSEC, True),
        (TipoPrograma.ALTEX, None),
        (TipoPrograma.ECEX, None),
    ):
        plazos = calcular_plazos(tipo, anio, prosec_con_immex=bool(mayor), calendario=cal)
        for plazo, fecha_plazo in (
            (P.LIMITE, plazos.limite),
            (P.ULTIMA_FECHA, plazos.ultima_fecha),
        ):
            if fecha_plazo is None:
                continue
            fecha = fecha_recordatorio(cal, fecha_plazo, hoy)
            if fecha is None:
                continue
            programas = (
                _deben_reportar(periodo)
                .filter(tipo=tipo)
                .exclude(presentado(periodo))
                .exclude(
                    Exists(
                        Recordatorio.objects.filter(
                            programa_id=OuterRef("pk"), plazo=plazo, fecha=fecha
                        )
                    )
                )
            )
            if mayor is not None:
                programas = programas.filter(
                    con_programa_mayor() if mayor else ~con_programa_mayor()
                )
            filas = list(programas.order_by("pk").values_list("pk", "tipo", "numero"))
            etiquetas.update({pk: f"{tipo} {numero}" for pk, tipo, numero in filas})
            pks = [f[0] for f in filas]
            textos = textos_recordatorio(periodo, plazos, plazo)
            for pks_lote in _lotes(pks, lote):
                enviados[plazo] += recordar_lote(pks_lote, plazo, fecha, textos)
    resultado = {
        str(plazo): [etiquetas[pk] for pk in sorted(pks)] for plazo, pks in enviados.items()
    }
    if any(resultado.values()):
        logger.info(
            "RAOCE %s: %s recordatorios de fecha límite, %s de última fecha",
            periodo,
            len(resultado[P.LIMITE]),
            len(resultado[P.ULTIMA_FECHA]),
        )
    return resultado
