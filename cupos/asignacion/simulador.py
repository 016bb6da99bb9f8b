"""The dictaminador's simulator of a proportional subcupo (seed 004, B; issue 10 item 3).

One row per company of the previous year's base (whether or not it applied this year) with
its θ and monto a asignar θ·ρ and, when it applied, the mechanism's proposal (or what was
assigned) and what limits it; then the applicants outside the base. Read-only: the same
numbers the dictamen uses (:mod:`cupos.asignacion.registro`), before anyone resolves.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cupos import mecanismos
from cupos.asignacion import antecedentes, registro
from cupos.asignacion.antecedentes import Base
from cupos.asignacion.saldo import ESTADOS_PENDIENTES, saldo_subcupo, solicitudes_del_subcupo
from cupos.models import Asignacion, Subcupo
from cupos.montos import CERO, compacto
from tramites.models import EstadoSolicitud

E = EstadoSolicitud

LIMITADO_POR = {
    "monto_a_asignar": "Participación (θ·ρ)",
    "consumo_auditado": "Consumo total auditado",
    "monto_solicitado": "Monto solicitado",
    "sin_antecedentes": "Sin antecedentes (θ = 0)",
}
COLUMNAS_CSV = (
    "rfc",
    "nombre",
    "asignado_anio_anterior",
    "theta",
    "monto_a_asignar",
    "folio",
    "estado",
    "consumo_total_auditado",
    "monto_solicitado",
    "propuesta",
    "limitado_por",
    "monto_asignado",
)


@dataclass(frozen=True)
class FilaSimulador:
    rfc: str
    nombre: str
    monto_anterior: Decimal | None
    theta: Decimal
    theta_ajustada: bool
    monto_a_asignar: Decimal
    folio: str = ""
    #: "Sin solicitud", "En dictamen", "Firmada", "Resuelta", …
    estado: str = "Sin solicitud"
    consumo: Decimal | None = None
    solicitado: Decimal | None = None
    #: The mechanism's proposal for a pending solicitud.
    propuesta: Decimal | None = None
    limitado_por: str = ""
    #: Assigned by an oficio of this subcupo this year.
    asignado: Decimal | None = None

    @property
    def solicito(self) -> bool:
        return bool(self.folio)

    def a_csv(self) -> list[str]:
        def n(v):
            return "" if v is None else str(compacto(v))

        return [
            self.rfc,
            self.nombre,
            n(self.monto_anterior),
            str(self.theta),
            n(self.monto_a_asignar),
            self.folio,
            self.estado,
            n(self.consumo),
            n(self.solicitado),
            n(self.propuesta),
            self.limitado_por,
            n(self.asignado),
        ]


@dataclass(frozen=True)
class Simulacion:
    subcupo: Subcupo
    base: Base
    rho: Decimal
    saldo: Decimal
    filas: tuple[FilaSimulador, ...]
    #: Applicants this year that are not in the base (their θ is zero).
    fuera_de_base: tuple[FilaSimulador, ...]

    @property
    def total_a_asignar(self) -> Decimal:
        return sum((f.monto_a_asignar for f in self.filas), CERO)

    @property
    def total_propuesto(self) -> Decimal:
        return sum((f.propuesta or CERO for f in (*self.filas, *self.fuera_de_base)), CERO)

    @property
    def total_asignado(self) -> Decimal:
        return sum((f.asignado or CERO for f in (*self.filas, *self.fuera_de_base)), CERO)

    @property
    def sin_solicitud(self) -> int:
        return sum(1 for f in self.filas if not f.solicito)

    def todas(self) -> tuple[FilaSimulador, ...]:
        return (*self.filas, *self.fuera_de_base)


def _fila(sa, propuestas, asignaciones, base_fila, rho, decimales) -> dict:
    """The "this year" half of a row for solicitud ``sa`` (or an empty one)."""
    if sa is None:
        return {}
    s = sa.solicitud
    datos = {
        "folio": s.folio,
        "estado": s.get_estado_display(),
        "consumo": sa.consumo_total_auditado,
        "solicitado": sa.monto_solicitado,
    }
    p = propuestas.get(s.pk)
    if p is not None:
        datos["propuesta"] = p.monto
        datos["limitado_por"] = LIMITADO_POR.get(p.datos.get("limitado_por", ""), p.error)
    a = asignaciones.get(s.pk)
    if a is not None:
        datos["asignado"] = a.monto_asignado
        if base_fila is not None:
            m = mecanismos.monto_proporcional(
                rho,
                base_fila.theta,
                sa.consumo_total_auditado or CERO,
                sa.monto_solicitado,
                precision_monto=decimales,
            )
            datos["limitado_por"] = LIMITADO_POR[m.limitado_por]
    return datos


def simular(subcupo: Subcupo) -> Simulacion:
    """The simulator's rows for ``subcupo`` (proportional criterio) as of now."""
    base = antecedentes.base_de(subcupo)
    rho = subcupo.monto or CERO
    decimales = subcupo.cupo.decimales
    del_anio = solicitudes_del_subcupo(subcupo, (*ESTADOS_PENDIENTES, E.RESUELTA))
    pendientes = [sa for sa in del_anio if sa.solicitud.estado in ESTADOS_PENDIENTES]
    propuestas = registro.calcular_propuestas(subcupo, pendientes) if pendientes else {}
    asignaciones = {
        a.solicitud_id: a
        for a in Asignacion.objects.filter(subcupo=subcupo, solicitud__isnull=False)
    }
    # The latest solicitud of each RFC this year (a pending one first).
    por_rfc: dict[str, object] = {}
    for sa in del_anio:
        rfc = sa.solicitud.solicitante.rfc
        actual = por_rfc.get(rfc)
        if actual is None or sa.solicitud.estado in ESTADOS_PENDIENTES:
            por_rfc[rfc] = sa
    filas = []
    for f in base.filas:
        m = mecanismos.monto_proporcional(rho, f.theta, CERO, CERO, precision_monto=decimales)
        filas.append(
            FilaSimulador(
                rfc=f.rfc,
                nombre=f.nombre,
                monto_anterior=f.monto_anterior,
                theta=f.theta,
                theta_ajustada=f.theta_ajustada,
                monto_a_asignar=m.monto_a_asignar,
                **_fila(por_rfc.pop(f.rfc, None), propuestas, asignaciones, f, rho, decimales),
            )
        )
    fuera = [
        FilaSimulador(
            rfc=rfc,
            nombre=sa.solicitud.solicitante.nombre,
            monto_anterior=None,
            theta=CERO,
            theta_ajustada=False,
            monto_a_asignar=CERO,
            **_fila(sa, propuestas, asignaciones, None, rho, decimales),
        )
        for rfc, sa in sorted(por_rfc.items())
    ]
    return Simulacion(
        subcupo=subcupo,
        base=base,
        rho=rho,
        saldo=saldo_subcupo(subcupo),
        filas=tuple(filas),
        fuera_de_base=tuple(fuera),
    )
