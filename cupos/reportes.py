"""Nivel central's figures of a cupo: the breakdown per subcupo (monto, asignado, expedido,
cancelado, saldo), the monthly trend of the year (asignado, expedido) and the geometry of
their bar charts, which the templates draw as inline SVG (no script: CSP). Amounts are
Decimal in the cupo's unidad, read from the saldo ledger in one query each."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import ExtractMonth

from cupos.asignacion.saldo import bolsa_de
from cupos.models import CERO, Cupo, MovimientoSaldo
from cupos.montos import formato_monto
from tramites.calendario import MESES, ZONA_MEXICO

#: Series of the subcupo chart: key, label, CSS class (colours live in ventanilla.css).
SERIES_SUBCUPO = (
    ("monto", "Monto", "vu-serie-monto"),
    ("asignado", "Asignado", "vu-serie-asignado"),
    ("expedido", "Expedido", "vu-serie-expedido"),
    ("cancelado", "Cancelado", "vu-serie-cancelado"),
    ("saldo", "Saldo", "vu-serie-saldo"),
)
SERIES_TENDENCIA = (
    ("asignado", "Asignado", "vu-serie-asignado"),
    ("expedido", "Expedido", "vu-serie-expedido"),
)

_SUMAS = {
    "asignado": Sum("monto", filter=Q(tipo__in=["asignacion", "ajuste"])),
    "expedido": Sum("monto", filter=Q(tipo="expedicion")),
    "cancelado": Sum("monto", filter=Q(tipo="cancelacion")),
}


def _totales(fila: dict) -> dict[str, Decimal]:
    return {
        "asignado": fila.get("asignado") or CERO,
        "expedido": -(fila.get("expedido") or CERO),
        "cancelado": fila.get("cancelado") or CERO,
    }


def desglose_subcupos(cupo: Cupo) -> list[dict]:
    """One row per subcupo; the residual pool's monto is what B and C left unassigned."""
    por_subcupo = {
        f["asignacion__subcupo"]: _totales(f)
        for f in MovimientoSaldo.objects.filter(asignacion__subcupo__cupo=cupo)
        .values("asignacion__subcupo")
        .annotate(**_SUMAS)
    }
    filas = []
    for sub in cupo.subcupos.order_by("orden", "clave"):
        t = por_subcupo.get(sub.pk, _totales({}))
        monto = bolsa_de(sub).bolsa if sub.es_residual else (sub.monto or CERO)
        filas.append(
            {
                "subcupo": sub,
                "monto": monto,
                **t,
                "saldo": monto - t["asignado"],
            }
        )
    return filas


def tendencia_mensual(cupo: Cupo) -> list[dict]:
    """Asignado and expedido per month of the cupo's year (Mexico City months)."""
    filas = {
        f["mes"]: _totales(f)
        for f in MovimientoSaldo.objects.filter(
            asignacion__subcupo__cupo=cupo, creado__year=cupo.anio
        )
        .annotate(mes=ExtractMonth("creado", tzinfo=ZONA_MEXICO))
        .values("mes")
        .annotate(**_SUMAS)
    }
    return [
        {"mes": n, "nombre": MESES[n - 1].capitalize(), **filas.get(n, _totales({}))}
        for n in range(1, 13)
    ]


# -- bar chart geometry ----------------------------------------------------------------------


@dataclass(frozen=True)
class Barra:
    x: float
    y: float
    ancho: float
    alto: float
    clase: str
    titulo: str


@dataclass(frozen=True)
class Grafica:
    ancho: int
    alto: int
    base: float
    grupos: list[tuple[str, float, list[Barra]]]  #: (label, label x, bars)
    leyenda: list[tuple[str, str]]  #: (label, CSS class)
    maximo: str


def grafica_barras(
    filas: list[dict], series, *, etiqueta, unidad: str, ancho_barra: int = 14
) -> Grafica:
    """Grouped bars: one group per row (``etiqueta(row)``), one bar per series, heights
    proportional to the largest value (negative values draw as 0)."""
    alto_util, margen, sep = 180, 24, 18
    valores = [max(f[k], CERO) for f in filas for k, _, _ in series]
    maximo = max(valores, default=CERO) or Decimal(1)
    ancho_grupo = ancho_barra * len(series) + sep
    grupos = []
    for i, f in enumerate(filas):
        x0 = margen + i * ancho_grupo
        barras = []
        for j, (clave, nombre, clase) in enumerate(series):
            valor = max(f[clave], CERO)
            alto = float(valor / maximo) * alto_util
            barras.append(
                Barra(
                    x=x0 + j * ancho_barra,
                    y=margen + alto_util - alto,
                    ancho=ancho_barra - 2,
                    alto=round(alto, 2),
                    clase=clase,
                    titulo=f"{etiqueta(f)} · {nombre}: {formato_monto(f[clave], unidad)}",
                )
            )
        grupos.append((etiqueta(f), x0 + (ancho_grupo - sep) / 2, barras))
    return Grafica(
        ancho=int(margen * 2 + ancho_grupo * max(len(filas), 1)),
        alto=alto_util + margen + 28,
        base=margen + alto_util,
        grupos=grupos,
        leyenda=[(nombre, clase) for _, nombre, clase in series],
        maximo=formato_monto(maximo, unidad),
    )
