"""The saldo of a subcupo at dictamen and the queries the mechanisms read (asignaciones
already made, the solicitudes waiting in a subcupo's queue, the residual pool)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from cupos import mecanismos
from cupos.models import CERO, Asignacion, MovimientoSaldo, SolicitudAsignacion, Subcupo
from tramites.models import EstadoSolicitud

E = EstadoSolicitud
#: Asignaciones that count against a subcupo with their whole amount (a cancelled one gives it
#: back; a revoked one keeps what its certificates use: :func:`retenido_por_revocadas`).
ESTADOS_ASIGNACION_VIVOS = (Asignacion.Estado.VIGENTE, Asignacion.Estado.VENCIDA)
#: Solicitudes waiting for a dictamen (the FCFS queue).
ESTADOS_PENDIENTES = (E.FIRMADA, E.EN_DICTAMEN)


def asignado_en(subcupo: Subcupo, **filtros) -> Decimal:
    """Σ monto asignado of the subcupo's live asignaciones (optionally filtered), plus what
    revoked ones still hold: a revocation returns only the saldo it withdrew (its *ajuste*);
    what certificates already use stays consumed."""
    total = (
        Asignacion.objects.filter(subcupo=subcupo, estado__in=ESTADOS_ASIGNACION_VIVOS, **filtros)
        .aggregate(t=Sum("monto_asignado"))
        .get("t")
    )
    return (total or CERO) + retenido_por_revocadas(subcupo, **filtros)


def _retenidos(subcupo: Subcupo, filtros: dict):
    """Ledger rows the subcupo's revoked asignaciones keep (asignación + ajuste: their
    certificates, net of amounts a favor)."""
    return MovimientoSaldo.objects.filter(
        asignacion__subcupo=subcupo,
        asignacion__estado=Asignacion.Estado.REVOCADA,
        tipo__in=[MovimientoSaldo.Tipo.ASIGNACION, MovimientoSaldo.Tipo.AJUSTE],
        **{f"asignacion__{k}": v for k, v in filtros.items()},
    )


def retenido_por_revocadas(subcupo: Subcupo, **filtros) -> Decimal:
    """What the subcupo's revoked asignaciones keep from the ledger."""
    return _retenidos(subcupo, filtros).aggregate(t=Sum("monto")).get("t") or CERO


def bolsa_de(subcupo: Subcupo) -> mecanismos.ResultadoBolsaResidual:
    """The residual pool of ``subcupo`` (seed 004, D): what its ``residual_de`` subcupos (B and
    C) left unassigned, split by ``parametros["porcentaje_industrial"]`` (a fraction, 0.80 by
    default; ``"proporcion_industrial"`` is accepted too)."""
    fuentes = list(subcupo.residual_de.order_by("orden", "clave"))
    montos = [(f.monto or CERO, asignado_en(f)) for f in fuentes]
    b = montos[0] if montos else (CERO, CERO)
    resto = montos[1:]
    c = (sum((m for m, _ in resto), CERO), sum((a for _, a in resto), CERO))
    parametros = subcupo.parametros or {}
    proporcion = parametros.get(
        "porcentaje_industrial",
        parametros.get("proporcion_industrial", mecanismos.PROPORCION_INDUSTRIAL),
    )
    return mecanismos.bolsa_residual(
        b[0], b[1], c[0], c[1], proporcion_industrial=Decimal(str(proporcion))
    )


def saldo_subcupo(subcupo: Subcupo, *, industrial: bool | None = None) -> Decimal:
    """Saldo of a subcupo at dictamen: its monto − Σ asignaciones already made.

    For the residual pool (D) the monto is the pool; with ``industrial`` True/False the saldo
    is that of the 80 % / 20 % part minus what D already assigned to that category."""
    if subcupo.es_residual:
        bolsa = bolsa_de(subcupo)
        if industrial is None:
            return bolsa.bolsa - asignado_en(subcupo)
        parte = bolsa.industrial if industrial else bolsa.otros
        return parte - asignado_en(subcupo, solicitud__asignacion_detalle__es_industrial=industrial)
    return (subcupo.monto or CERO) - asignado_en(subcupo)


def solicitudes_del_subcupo(subcupo: Subcupo, estados) -> list[SolicitudAsignacion]:
    return list(
        SolicitudAsignacion.objects.filter(
            subcupo=subcupo, solicitud__estado__in=estados, solicitud__folio__isnull=False
        )
        .select_related("solicitud__solicitante", "subcupo__cupo")
        .order_by("solicitud__firmada_en", "solicitud__folio")
    )


def previo_por_beneficiario(subcupo: Subcupo, **filtros) -> dict[str, Decimal]:
    filas = (
        Asignacion.objects.filter(subcupo=subcupo, estado__in=ESTADOS_ASIGNACION_VIVOS, **filtros)
        .values("beneficiario__rfc")
        .annotate(t=Sum("monto_asignado"))
    )
    previos = {f["beneficiario__rfc"]: f["t"] for f in filas}
    # A revoked asignación still counts for what its certificates use (asignación + ajuste).
    retenidos = (
        _retenidos(subcupo, filtros)
        .values("asignacion__beneficiario__rfc")
        .annotate(t=Sum("monto"))
    )
    for f in retenidos:
        rfc = f["asignacion__beneficiario__rfc"]
        previos[rfc] = previos.get(rfc, CERO) + (f["t"] or CERO)
    return previos


def ejercicio_minimo(subcupo: Subcupo) -> Decimal:
    """Minimum use of the prior assignment for D industrial applicants (0.70 by default,
    ``parametros["ejercicio_minimo"]``)."""
    valor = (subcupo.parametros or {}).get("ejercicio_minimo", mecanismos.EJERCICIO_MINIMO)
    return Decimal(str(valor))
