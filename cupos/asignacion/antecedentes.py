"""The previous year as our records tell it (seed 004): the base of the participación
proporcional of subcupo B and who may apply to each subcupo.

* **Base of θ.** All the companies assigned in the previous year's same subcupo (``Cupo.anterior``,
  same ``clave``), whether or not they apply again, each one's live asignaciones added up.
  With no such record (first year of operation), the opening balances nivel central captured
  (:class:`cupos.models.SaldoApertura`). Never what an applicant declares.
* **Fixed for the year.** Once the subcupo's reception window opens, the first read persists
  the base (:class:`cupos.models.BaseProporcional`, audited) and every later read returns it
  unchanged; before that the base is computed live ("preliminar").
* **Elegibilidad** (``Subcupo.elegibilidad``): open, designated RFCs (A, LICONSA), CON or SIN
  a direct asignación of this cupo the previous year (B, C), with the reason in Spanish.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from cupos import mecanismos, ventanas
from cupos.asignacion.saldo import ESTADOS_ASIGNACION_VIVOS
from cupos.models import (
    Asignacion,
    BaseProporcional,
    Criterio,
    Cupo,
    Elegibilidad,
    Mecanismo,
    ParticipacionAnterior,
    SaldoApertura,
    Subcupo,
)
from cupos.montos import CERO, formato_monto
from tramites.reglas import ReglaError
from tramites.services import registrar_auditoria
from vucem.models import Persona, validar_rfc

Origen = BaseProporcional.Origen


@dataclass(frozen=True)
class FilaBase:
    rfc: str
    nombre: str
    monto_anterior: Decimal
    theta_exacta: Decimal
    theta: Decimal
    theta_ajustada: bool


@dataclass(frozen=True)
class Base:
    """The participations θ of a proportional subcupo."""

    subcupo_id: int
    anio_anterior: int
    precision: int
    #: ``BaseProporcional.Origen`` value, or "" when there is nothing to build it from.
    origen: str
    filas: tuple[FilaBase, ...]
    total: Decimal
    congelada_en: object = None  # datetime of the snapshot; None while preliminary

    @property
    def congelada(self) -> bool:
        return self.congelada_en is not None

    @property
    def vacia(self) -> bool:
        return not self.filas

    @property
    def origen_texto(self) -> str:
        return Origen(self.origen).label if self.origen else "Sin registros del año anterior"

    def de(self, rfc: str) -> FilaBase | None:
        return next((f for f in self.filas if f.rfc == rfc), None)


def anio_anterior(cupo: Cupo) -> int:
    return cupo.anterior.anio if cupo.anterior_id else cupo.anio - 1


def subcupo_anterior(subcupo: Subcupo) -> Subcupo | None:
    """The previous year's subcupo with the same clave (``Cupo.anterior``)."""
    if not subcupo.cupo.anterior_id:
        return None
    return Subcupo.objects.filter(cupo_id=subcupo.cupo.anterior_id, clave=subcupo.clave).first()


def _precision(subcupo: Subcupo) -> int:
    return int((subcupo.parametros or {}).get("precision", 3))


def _montos_registrados(subcupo: Subcupo) -> list[tuple[str, str, Decimal]]:
    """``(rfc, nombre, Σ monto)`` of the previous year's live asignaciones of the subcupo."""
    anterior = subcupo_anterior(subcupo)
    if anterior is None:
        return []
    filas = (
        Asignacion.objects.filter(subcupo=anterior, estado__in=ESTADOS_ASIGNACION_VIVOS)
        .values("beneficiario__rfc", "beneficiario__nombre")
        .annotate(t=Sum("monto_asignado"))
    )
    return [
        (f["beneficiario__rfc"], f["beneficiario__nombre"], f["t"])
        for f in filas
        if f["t"] and f["t"] > 0
    ]


def _montos_apertura(subcupo: Subcupo) -> list[tuple[str, str, Decimal]]:
    return list(
        SaldoApertura.objects.filter(subcupo=subcupo).values_list(
            "rfc", "nombre", "monto_anio_anterior"
        )
    )


def hay_registros_anteriores(subcupo: Subcupo) -> bool:
    return bool(_montos_registrados(subcupo))


def calcular_base(subcupo: Subcupo) -> Base:
    """The base from our records now (not persisted): previous-year asignaciones, or the
    opening balances when there are none. Rows by amount (largest first), then RFC."""
    anio = anio_anterior(subcupo.cupo)
    precision = _precision(subcupo)
    montos, origen = _montos_registrados(subcupo), Origen.REGISTROS
    if not montos:
        montos, origen = _montos_apertura(subcupo), Origen.APERTURA
    if not montos:
        return Base(subcupo.pk, anio, precision, "", (), CERO)
    montos.sort(key=lambda m: (-m[2], m[0]))
    partes = mecanismos.participaciones([(rfc, monto) for rfc, _, monto in montos], precision)
    filas = tuple(
        FilaBase(rfc, nombre, p.asignado_anio_anterior, p.theta_exacta, p.theta, p.theta_ajustada)
        for (rfc, nombre, _), p in zip(montos, partes, strict=True)
    )
    total = sum((f.monto_anterior for f in filas), CERO)
    return Base(subcupo.pk, anio, precision, origen, filas, total)


def _desde_snapshot(snap: BaseProporcional) -> Base:
    filas = tuple(
        FilaBase(
            p.rfc,
            p.nombre,
            p.monto_anterior,
            p.theta_exacta,
            p.theta.quantize(Decimal(1).scaleb(-snap.precision)),
            p.theta_ajustada,
        )
        for p in snap.participaciones.order_by("orden")
    )
    return Base(
        snap.subcupo_id,
        snap.anio_anterior,
        snap.precision,
        snap.origen,
        filas,
        snap.total_anterior,
        snap.congelada_en,
    )


def ventana_abierta_o_pasada(subcupo: Subcupo, momento=None) -> bool:
    """Whether the subcupo's reception window has opened by ``momento`` (default now)."""
    v = ventanas.ventana_subcupo(subcupo, momento)
    inicio = v.inicio or subcupo.cupo.vigencia_inicio
    return ventanas.hoy(momento) >= inicio


def congelar_base(subcupo: Subcupo, *, usuario=None) -> Base | None:
    """Persist the base of ``subcupo`` (once; later calls return the stored one). Nothing is
    persisted from an empty base: nivel central may still capture opening balances."""
    existente = BaseProporcional.objects.filter(subcupo=subcupo).first()
    if existente is not None:
        return _desde_snapshot(existente)
    base = calcular_base(subcupo)
    if base.vacia:
        return None
    try:
        with transaction.atomic():
            Subcupo.objects.select_for_update().filter(pk=subcupo.pk).first()
            if BaseProporcional.objects.filter(subcupo=subcupo).exists():
                raise IntegrityError("ya congelada")
            snap = BaseProporcional.objects.create(
                subcupo=subcupo,
                origen=base.origen,
                anio_anterior=base.anio_anterior,
                precision=base.precision,
                total_anterior=base.total,
                congelada_en=timezone.now(),
            )
            ParticipacionAnterior.objects.bulk_create(
                ParticipacionAnterior(
                    base=snap,
                    rfc=f.rfc,
                    nombre=f.nombre,
                    monto_anterior=f.monto_anterior,
                    theta_exacta=f.theta_exacta.quantize(Decimal(1).scaleb(-24)),
                    theta=f.theta,
                    theta_ajustada=f.theta_ajustada,
                    orden=i,
                )
                for i, f in enumerate(base.filas, start=1)
            )
            registrar_auditoria(
                snap,
                anterior="",
                nuevo="congelada",
                usuario=usuario,
                motivo=(
                    f"Participaciones del año {base.anio_anterior} fijas para {subcupo}: "
                    f"{len(base.filas)} empresas, total {formato_monto(base.total)} "
                    f"({Origen(base.origen).label.lower()})"
                ),
            )
    except IntegrityError:
        # Someone else froze it first: theirs is the base.
        return _desde_snapshot(BaseProporcional.objects.get(subcupo=subcupo))
    return _desde_snapshot(snap)


def base_de(subcupo: Subcupo, momento=None) -> Base:
    """The base of θ of a proportional subcupo: the snapshot when there is one; frozen now
    when the window has opened; otherwise the preliminary one from the records."""
    snap = BaseProporcional.objects.filter(subcupo=subcupo).first()
    if snap is not None:
        return _desde_snapshot(snap)
    if ventana_abierta_o_pasada(subcupo, momento):
        congelada = congelar_base(subcupo)
        if congelada is not None:
            return congelada
    return calcular_base(subcupo)


def validar_saldo_apertura(subcupo: Subcupo) -> None:
    """Opening balances are for a proportional subcupo in its first year of operation: none
    once its base is fixed, none when our records hold the previous year."""
    if subcupo.criterio != Criterio.PROPORCIONAL:
        raise ReglaError(
            "Los saldos de apertura sólo aplican a un subcupo de participación proporcional.",
            "apertura_no_proporcional",
            "subcupo",
        )
    snap = BaseProporcional.objects.filter(subcupo=subcupo).first()
    if snap is not None:
        raise ReglaError(
            f"Las participaciones de este subcupo quedaron fijas el "
            f"{timezone.localtime(snap.congelada_en):%d/%m/%Y}; ya no pueden capturarse ni "
            "modificarse saldos de apertura.",
            "apertura_base_fija",
            "subcupo",
        )
    if hay_registros_anteriores(subcupo):
        raise ReglaError(
            f"Los registros ya tienen las asignaciones de {anio_anterior(subcupo.cupo)} de este "
            "subcupo; los saldos de apertura sólo aplican al primer año de operación.",
            "apertura_con_registros",
            "subcupo",
        )


# -- elegibilidad ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Elegible:
    elegible: bool
    motivo: str


def _asignacion_directa_anterior(persona: Persona, cupo: Cupo) -> Asignacion | None:
    if not cupo.anterior_id:
        return None
    return (
        Asignacion.objects.filter(
            subcupo__cupo_id=cupo.anterior_id,
            subcupo__mecanismo=Mecanismo.ASIGNACION_DIRECTA,
            beneficiario=persona,
            estado__in=ESTADOS_ASIGNACION_VIVOS,
        )
        .select_related("subcupo__cupo")
        .order_by("-monto_asignado", "pk")
        .first()
    )


def antecedente_directo(persona: Persona, cupo: Cupo, momento=None) -> str:
    """Why our records say ``persona`` had a direct asignación of ``cupo`` the previous year
    ("" when they do not): its membership in a proportional subcupo's base (records or
    opening balance) or a live direct asignación of the previous year's cupo."""
    for sub in cupo.subcupos.filter(criterio=Criterio.PROPORCIONAL):
        fila = base_de(sub, momento).de(persona.rfc)
        if fila is not None:
            u = cupo.get_unidad_display()
            return (
                f"Según los registros de la Secretaría tuvo asignación directa de este cupo en "
                f"{anio_anterior(cupo)} (subcupo {sub.clave}) por {formato_monto(fila.monto_anterior, u)}."
            )
    a = _asignacion_directa_anterior(persona, cupo)
    if a is not None:
        return (
            f"Según los registros de la Secretaría tuvo asignación directa de este cupo en "
            f"{a.subcupo.cupo.anio}: oficio {a.numero_oficio}/{a.anio} (subcupo {a.subcupo.clave})."
        )
    return ""


def normalizar_designados(elegibilidad_: str, rfcs) -> list[str]:
    """The designated RFCs of a subcupo as stored: a list of upper-case valid RFCs, required
    (non-empty) with «Sólo los RFC designados». Raises :class:`ReglaError` otherwise."""
    if rfcs in (None, ""):
        rfcs = []
    if isinstance(rfcs, str):
        rfcs = [r for r in rfcs.replace(";", ",").split(",")]
    if not isinstance(rfcs, list):
        raise ReglaError(
            'Capture los RFC como lista, p. ej. ["LIC950821M84"].',
            "rfcs_invalidos",
            "rfcs_designados",
        )
    limpios = []
    for r in rfcs:
        rfc = str(r).strip().upper()
        if not rfc:
            continue
        try:
            validar_rfc(rfc)
        except ValidationError:
            raise ReglaError(
                f"El RFC «{rfc}» no es válido.", "rfcs_invalidos", "rfcs_designados"
            ) from None
        if rfc not in limpios:
            limpios.append(rfc)
    if elegibilidad_ == Elegibilidad.DESIGNADOS and not limpios:
        raise ReglaError(
            "Indique al menos un RFC designado para este subcupo.",
            "sin_rfcs_designados",
            "rfcs_designados",
        )
    return limpios


def _clave_de(cupo: Cupo, elegibilidad: str) -> str:
    claves = [s.clave for s in cupo.subcupos.all() if s.elegibilidad == elegibilidad]
    return ", ".join(claves)


def elegibilidad(subcupo: Subcupo, persona: Persona, momento=None) -> Elegible:
    """May ``persona`` apply to ``subcupo``? Decided from our records, with the reason."""
    cupo = subcupo.cupo
    tipo = subcupo.elegibilidad
    if tipo == Elegibilidad.DESIGNADOS:
        designados = [str(r).strip().upper() for r in (subcupo.rfcs_designados or [])]
        if persona.rfc.upper() in designados:
            return Elegible(True, "Su RFC está designado por la Secretaría para este subcupo.")
        return Elegible(
            False,
            f"Este subcupo es exclusivo de: {subcupo.beneficiario} Su RFC ({persona.rfc}) no "
            "está designado para solicitarlo.",
        )
    if tipo == Elegibilidad.CON_ANTECEDENTES:
        anio = anio_anterior(cupo)
        if subcupo.criterio == Criterio.PROPORCIONAL:
            base = base_de(subcupo, momento)
            fila = base.de(persona.rfc)
            if fila is not None:
                u = cupo.get_unidad_display()
                return Elegible(
                    True,
                    f"Según los registros de la Secretaría se le asignaron "
                    f"{formato_monto(fila.monto_anterior, u)} de este cupo en {anio}; su "
                    f"participación es θ = {fila.theta}.",
                )
            otro = _clave_de(cupo, Elegibilidad.SIN_ANTECEDENTES)
            return Elegible(
                False,
                f"Los registros de la Secretaría no muestran asignación directa de este cupo a su "
                f"RFC en {anio}"
                + (" (no hay registros de ese año ni saldos de apertura)" if base.vacia else "")
                + "."
                + (f" Puede solicitar el subcupo {otro}." if otro else ""),
            )
        motivo = antecedente_directo(persona, cupo, momento)
        if motivo:
            return Elegible(True, motivo)
        return Elegible(
            False,
            f"Los registros de la Secretaría no muestran asignación directa de este cupo a su "
            f"RFC en {anio}.",
        )
    if tipo == Elegibilidad.SIN_ANTECEDENTES:
        motivo = antecedente_directo(persona, cupo, momento)
        if motivo:
            otro = _clave_de(cupo, Elegibilidad.CON_ANTECEDENTES)
            return Elegible(
                False,
                f"{motivo} Este subcupo es para empresas SIN antecedentes de asignación directa"
                + (f"; le corresponde el subcupo {otro}." if otro else "."),
            )
        return Elegible(
            True,
            f"Sin asignación directa de este cupo en {anio_anterior(cupo)} según los registros "
            "de la Secretaría.",
        )
    return Elegible(True, "")
