"""Presenting a signed annual report (seed 003, DESIGN §5): :func:`al_presentar_reporte`,
run by the wizard's ``al_firmar`` inside the signing transaction.

Replication model (seed 003: "al presentar su reporte IMMEX, dicha información será replicada
en su reporte PROSEC, con lo que este último será reactivado"): ``ReporteAnual.solicitud`` is
one-to-one, so there is never a second ReporteAnual. The IMMEX report covers its linked
programs by having them in ``reporte.programas``: the wizard puts the IMMEX and its linked
programs there, and :func:`replicar` adds any linked program (same persona) that still owes
the period's report and is missing. A program "has reported" a period when a *signed*
ReporteAnual of that period lists it. ``ReporteAnual.replicado_de`` stays unused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tramites.calendario import Calendario
from tramites.reglas import ReglaError

from .. import plazos as modulo_plazos
from ..estatus import C, S, V, cambiar_estatus, dmy, etiqueta
from ..models import Programa, ReporteAnual, TipoPrograma
from . import reglas
from .compromisos import Evaluacion, a_dolares, evaluar_compromisos
from .importes import formato_periodo, formato_usd
from .oficios import emitir_oficio
from .programas import ligados_activos, orden


@dataclass
class Presentacion:
    """What presenting a report did: the oficios issued and the acuse rows that describe it
    (``presentados``: period and programs; ``efectos``: reactivations and commitments)."""

    documentos: list
    presentados: list[dict]
    efectos: list[dict]


@dataclass
class _Contexto:
    """One presentation in progress: the report, its date and calendar, who signs."""

    reporte: ReporteAnual
    fecha: dt.date
    usuario: object
    replicados: list[Programa]
    efectos: list[dict] = field(default_factory=list)
    documentos: list = field(default_factory=list)
    _calendario: Calendario | None = None

    @property
    def calendario(self) -> Calendario:
        """The filing year's calendar, read when a deadline is first needed (a vigente
        IMMEX needs none)."""
        if self._calendario is None:
            anio = self.periodo + 1
            self._calendario = Calendario(desde=dt.date(anio, 1, 1), hasta=dt.date(anio, 12, 31))
        return self._calendario

    @property
    def solicitud(self):
        return self.reporte.solicitud

    @property
    def periodo(self) -> int:
        return self.reporte.periodo

    def plazos(self, p: Programa) -> modulo_plazos.Plazos:
        return modulo_plazos.plazos_programa(p, self.periodo + 1, calendario=self.calendario)

    def efecto(self, etiqueta_: str, valor: str) -> None:
        self.efectos.append({"etiqueta": etiqueta_, "valor": valor})


def bloquear(pks) -> list[Programa]:
    return list(
        Programa.objects.select_for_update()
        .filter(pk__in=list(pks))
        .select_related("persona")
        .order_by("pk")
    )


def bloquear_del_reporte(reporte: ReporteAnual) -> list[Programa]:
    """:func:`bloquear` the report's programs, in one statement."""
    return list(
        Programa.objects.select_for_update(of=("self", "persona"))
        .filter(reportes=reporte)
        .select_related("persona")
        .order_by("pk")
    )


def verificar_programas(
    reporte: ReporteAnual, programas: list[Programa], fecha: dt.date | None = None
) -> None:
    """Each program (locked) still may file this report, or a rule error aborts the
    signing: same persona, not cancelled, not authorized after the period, not past its
    cancellation date without a timely report, not covered by another signed report."""
    s = reporte.solicitud
    fecha = fecha or modulo_plazos.fecha_presentacion(s)
    if not programas:
        raise reglas.SinProgramas.falla()
    for p in programas:
        if p.persona_id != s.solicitante_id:
            raise reglas.ProgramaAjeno.falla(programa=etiqueta(p))
        if p.estatus == C:
            raise reglas.ProgramaCancelado.falla(programa=etiqueta(p))
        if p.fecha_autorizacion.year > reporte.periodo:
            raise ReglaError(modulo_plazos.debe_reportar(p, reporte.periodo)[1], "raoce_no_reporta")
        if modulo_plazos.vencido(p, reporte.periodo, fecha):
            # The wizard's checks (outside the signing transaction) have already applied
            # the cancellation (aplicar_vencimientos); this rolls the signing back.
            raise ReglaError(
                modulo_plazos.motivo_cancelacion_automatica(p, reporte.periodo), "raoce_vencido"
            )
        otro = modulo_plazos.reportes_firmados(p, reporte.periodo).exclude(pk=reporte.pk).first()
        if otro is not None:
            raise reglas.ProgramaYaReportado.falla(
                programa=etiqueta(p), periodo=reporte.periodo, folio=otro.solicitud.folio
            )


def replicar(reporte: ReporteAnual, programas: list[Programa]) -> list[Programa]:
    """Add to the report the linked programs of its IMMEX that still owe the period."""
    presentes = {p.pk for p in programas}
    nuevos = []
    for p in programas:
        if p.tipo != TipoPrograma.IMMEX:
            continue
        for ligado in ligados_activos(p).order_by("pk"):
            if (
                ligado.pk in presentes
                or not modulo_plazos.debe_reportar(ligado, reporte.periodo)[0]
            ):
                continue
            presentes.add(ligado.pk)
            nuevos.append(ligado.pk)
    if not nuevos:
        return []
    replicados = bloquear(nuevos)
    reporte.programas.add(*replicados)
    return replicados


def _presentados(ctx: _Contexto, todos: list[Programa]) -> list[dict]:
    return [
        {"etiqueta": "Periodo que cubre el reporte", "valor": formato_periodo(ctx.periodo)},
        {
            "etiqueta": "Programas presentados",
            "valor": ", ".join(
                etiqueta(p) + (" (replicado del reporte IMMEX)" if p in ctx.replicados else "")
                for p in todos
            ),
        },
    ]


def reactivar(ctx: _Contexto, p: Programa) -> None:
    """A program suspended automatically for this period's report is reactivated when the
    report is filed by its última fecha; a later filing leaves it suspended."""
    if p.estatus != S or p.periodo_suspension != ctx.periodo:
        return
    plazos = ctx.plazos(p)
    if plazos.ultima_fecha is None or ctx.fecha > plazos.ultima_fecha:
        ctx.efecto(
            f"Estatus {etiqueta(p)}",
            f"Suspendido: el reporte se presentó después del {dmy(plazos.fecha_oportuna)}",
        )
        return
    s, replicado = ctx.solicitud, p in ctx.replicados
    cambiar_estatus(
        p,
        V,
        usuario=ctx.usuario,
        solicitud=s,
        motivo=f"Presentó el RAOCE {ctx.periodo} el {dmy(ctx.fecha)} con el folio {s.folio}"
        + (" (replicado del reporte IMMEX)" if replicado else ""),
        asunto=f"Reactivación del programa {etiqueta(p)}",
        cuerpo=(
            f"Su programa {etiqueta(p)} fue reactivado (Vigente - Activo) porque presentó "
            f"el Reporte Anual de Operaciones de Comercio Exterior {ctx.periodo} el "
            f"{dmy(ctx.fecha)} con el folio {s.folio}."
        ),
    )
    ctx.efecto(f"Estatus {etiqueta(p)}", "Reactivado")


def registrar_tipo_cambio(ctx: _Contexto, tc: Decimal | None) -> None:
    """Keep the rate used on the report and describe the exports in dollars."""
    reporte = ctx.reporte
    if tc is not None and reporte.tipo_cambio != tc:
        reporte.tipo_cambio = tc
        reporte.save(update_fields=["tipo_cambio"])
    if tc is not None and reporte.total_exportaciones is not None:
        ctx.efecto(f"Tipo de cambio promedio {ctx.periodo}", f"{tc} pesos por dólar")
        ctx.efecto(
            "Total exportaciones en dólares",
            formato_usd(a_dolares(reporte.total_exportaciones, tc)),
        )


def cancelar_altex(ctx: _Contexto, ev: Evaluacion) -> None:
    """An ALTEX below its commitment is cancelled (audited, notified)."""
    p, s = ev.programa, ctx.solicitud
    cambiar_estatus(
        p,
        C,
        usuario=ctx.usuario,
        solicitud=s,
        motivo=(
            f"RAOCE {ctx.periodo} (folio {s.folio}): no cumple el compromiso de exportación "
            f"ALTEX ({ev.regla}); oficio de cancelación emitido"
        ),
        asunto=f"Oficio de cancelación del registro {etiqueta(p)}",
        cuerpo=(
            f"Con base en su reporte anual {ctx.periodo} (folio {s.folio}), su registro "
            f"{etiqueta(p)} fue cancelado por no cumplir el compromiso de exportación "
            f"({ev.regla}). Descargue el oficio en «Acuses y resoluciones»."
        ),
    )


def aplicar_compromiso(ctx: _Contexto, ev: Evaluacion, tc: Decimal | None) -> None:
    """IMMEX: informative. ALTEX/ECEX filed on time and meeting it: oficio de
    ratificación. ALTEX below it: oficio de cancelación and cancelled. ECEX below it: no
    oficio, estatus kept (the seed foresees automatic cancellation only for ALTEX)."""
    p = ev.programa
    rotulo = f"Compromiso {etiqueta(p)}"
    if p.tipo == TipoPrograma.IMMEX:
        nota = "" if ev.dolares is not None else " (sin tipo de cambio registrado)"
        ctx.efecto(rotulo, ev.texto + nota)
        return
    oportuna = ctx.plazos(p).fecha_oportuna
    if ev.cumple and ctx.fecha > oportuna:
        ctx.efecto(
            rotulo,
            f"{ev.texto}. El reporte se presentó después del {dmy(oportuna)}: "
            "no se emite oficio de ratificación.",
        )
    elif ev.cumple:
        ctx.documentos.append(emitir_oficio(ctx.reporte, ev, tc, ctx.fecha, ratifica=True))
        ctx.efecto(rotulo, f"{ev.texto}. Se emitió el oficio de ratificación.")
    elif p.tipo == TipoPrograma.ALTEX:
        ctx.documentos.append(emitir_oficio(ctx.reporte, ev, tc, ctx.fecha, ratifica=False))
        cancelar_altex(ctx, ev)
        ctx.efecto(rotulo, f"{ev.texto}. Se emitió el oficio de cancelación.")
    else:
        ctx.efecto(rotulo, f"{ev.texto}. No se emite oficio de ratificación.")


def al_presentar_reporte(
    reporte: ReporteAnual, *, usuario, programas=None, verificados: bool = False
) -> Presentacion:
    """Effects of a signed annual report; call it from the wizard's ``al_firmar``, inside the
    signing transaction (the solicitud already has its folio, cadena and seals).

    1. Locks the report's programs and re-checks them (:func:`verificar_programas`).
    2. IMMEX: its linked programs that still owe the period join the report
       (:func:`replicar`).
    3. A program suspended automatically for *this* period's report is reactivated when the
       report is filed by its última fecha (local date of ``firmada_en``); manual
       suspensions (back-office) are not lifted by filing (:func:`reactivar`).
    4. ALTEX/ECEX: exports in dollars with the period's ``TipoCambio`` (missing → rule
       error) and the commitment decides the oficio (:func:`aplicar_compromiso`).
    5. Describes it for the acuse de recepción.

    ``programas``: the report's programs already locked in this transaction (else they are
    locked here); ``verificados``: the wizard's rules already checked them after those locks,
    in this transaction (the signing engine does), so step 1 does not check them again.

    Returns a :class:`Presentacion` (the oficios issued, in program order, and the rows).
    """
    s = reporte.solicitud
    if not s.folio:
        raise ValueError("al_presentar_reporte() requires a signed solicitud (with folio)")
    fecha = modulo_plazos.fecha_presentacion(s)
    if programas is None:
        programas = bloquear(reporte.programas.values_list("pk", flat=True))
    else:
        programas = sorted(programas, key=lambda p: p.pk)
    if not verificados:
        verificar_programas(reporte, programas, fecha)
    ctx = _Contexto(
        reporte=reporte,
        fecha=fecha,
        usuario=usuario,
        replicados=replicar(reporte, programas),
    )
    todos = sorted([*programas, *ctx.replicados], key=orden)
    for p in todos:
        reactivar(ctx, p)
    tc, evaluaciones = evaluar_compromisos(reporte, todos)
    registrar_tipo_cambio(ctx, tc)
    for ev in evaluaciones:
        aplicar_compromiso(ctx, ev, tc)
    return Presentacion(
        documentos=ctx.documentos, presentados=_presentados(ctx, todos), efectos=ctx.efectos
    )
