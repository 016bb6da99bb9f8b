"""Primero en tiempo, primero en derecho (seed 004, subcupos C and D)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from cupos.mecanismos.base import (
    CERO,
    MAXIMO_PRIMERO_EN_TIEMPO,
    MecanismoError,
    _menor,
    a_decimal,
)

# -- 3. primero en tiempo, primero en derecho (seed 004, C and D) ----------------------------


@dataclass(frozen=True)
class SolicitudPrimeroEnTiempo:
    """One solicitud in the FCFS queue (input).

    ``monto_documento`` is the amount on the factura comercial and conocimiento de embarque /
    carta de porte / guía aérea (None when not applicable). ``beneficiario`` (e.g. the RFC) makes
    the per-beneficiary maximum cumulative across several solicitudes of the same person.
    """

    folio: str
    recibida: dt.datetime
    monto_solicitado: Decimal
    monto_documento: Decimal | None = None
    beneficiario: str | None = None


@dataclass(frozen=True)
class AsignacionPrimeroEnTiempo:
    folio: str
    beneficiario: str | None
    recibida: dt.datetime
    #: 1-based position in the queue.
    orden: int
    monto_solicitado: Decimal
    monto_documento: Decimal | None
    saldo_antes: Decimal
    #: What the per-beneficiary maximum still allowed for this solicitud (None: no maximum).
    disponible_maximo: Decimal | None
    monto_asignado: Decimal
    #: "monto_solicitado", "monto_documento", "saldo" or "maximo" (first one on ties).
    limitado_por: str
    saldo_despues: Decimal


@dataclass(frozen=True)
class ResultadoPrimeroEnTiempo:
    asignaciones: tuple[AsignacionPrimeroEnTiempo, ...]
    saldo_inicial: Decimal
    total_asignado: Decimal
    saldo_final: Decimal


def _solicitud_fcfs(s) -> SolicitudPrimeroEnTiempo:
    if isinstance(s, SolicitudPrimeroEnTiempo):
        base = s
    else:
        getter = (lambda k: s.get(k)) if isinstance(s, Mapping) else (lambda k: getattr(s, k, None))
        base = SolicitudPrimeroEnTiempo(
            folio=getter("folio"),
            recibida=getter("recibida"),
            monto_solicitado=getter("monto_solicitado"),
            monto_documento=getter("monto_documento"),
            beneficiario=getter("beneficiario"),
        )
    if base.folio is None or str(base.folio).strip() == "":
        raise MecanismoError("dato_requerido", "Cada solicitud debe tener folio.")
    folio = str(base.folio)
    if not isinstance(base.recibida, dt.date):
        raise MecanismoError(
            "dato_requerido", f"La solicitud {folio} no tiene fecha y hora de recepción."
        )
    try:
        solicitado = a_decimal(base.monto_solicitado, "monto solicitado")
        documento = (
            None
            if base.monto_documento is None
            else a_decimal(base.monto_documento, "monto de la factura / conocimiento de embarque")
        )
    except MecanismoError as e:
        raise MecanismoError(e.codigo, f"Solicitud {folio}: {e.mensaje}") from None
    return SolicitudPrimeroEnTiempo(
        folio=folio,
        recibida=base.recibida,
        monto_solicitado=solicitado,
        monto_documento=documento,
        beneficiario=None if base.beneficiario is None else str(base.beneficiario),
    )


def primero_en_tiempo(
    solicitudes: Iterable,
    saldo,
    *,
    maximo=MAXIMO_PRIMERO_EN_TIEMPO,
    asignado_previo: Mapping[str, Decimal] | None = None,
) -> ResultadoPrimeroEnTiempo:
    """Primero en tiempo, primero en derecho (seed 004, C and D).

    Solicitudes are served in order of reception (``recibida``), ties broken by ``folio``
    (string order; folios are fixed-width digits, so this is the sequence order). Each gets
    ``min(monto solicitado, monto en factura/conocimiento de embarque/guía, saldo at that moment,
    maximo per beneficiario)``. With ``beneficiario`` set, the maximum is cumulative per
    beneficiary, counting ``asignado_previo[beneficiario]`` (earlier assignments in the same
    subcupo). ``maximo=None`` means no per-beneficiary maximum.

    ``solicitudes`` items may be :class:`SolicitudPrimeroEnTiempo`, mappings or objects with the
    same attribute names.
    """
    saldo = a_decimal(saldo, "saldo del cupo")
    maximo = None if maximo is None else a_decimal(maximo, "monto máximo por beneficiario")
    previos = {
        str(k): a_decimal(v, "monto asignado previamente")
        for k, v in (asignado_previo or {}).items()
    }
    cola = [_solicitud_fcfs(s) for s in solicitudes]
    folios = [s.folio for s in cola]
    if len(set(folios)) != len(folios):
        raise MecanismoError("folio_duplicado", "Hay solicitudes con el mismo folio.")
    try:
        cola.sort(key=lambda s: (s.recibida, s.folio))
    except TypeError:
        raise MecanismoError(
            "fecha_invalida",
            "Las fechas de recepción deben ser todas con zona horaria o todas sin ella.",
        ) from None

    saldo_inicial = saldo
    acumulado: dict[str, Decimal] = dict(previos)
    resultado = []
    for orden, s in enumerate(cola, start=1):
        disponible_maximo = None
        if maximo is not None:
            ya = acumulado.get(s.beneficiario, CERO) if s.beneficiario is not None else CERO
            disponible_maximo = max(maximo - ya, CERO)
        asignado, por = _menor(
            monto_solicitado=s.monto_solicitado,
            monto_documento=s.monto_documento,
            saldo=saldo,
            maximo=disponible_maximo,
        )
        antes = saldo
        saldo -= asignado
        if s.beneficiario is not None:
            acumulado[s.beneficiario] = acumulado.get(s.beneficiario, CERO) + asignado
        resultado.append(
            AsignacionPrimeroEnTiempo(
                folio=s.folio,
                beneficiario=s.beneficiario,
                recibida=s.recibida,
                orden=orden,
                monto_solicitado=s.monto_solicitado,
                monto_documento=s.monto_documento,
                saldo_antes=antes,
                disponible_maximo=disponible_maximo,
                monto_asignado=asignado,
                limitado_por=por,
                saldo_despues=saldo,
            )
        )
    return ResultadoPrimeroEnTiempo(
        asignaciones=tuple(resultado),
        saldo_inicial=saldo_inicial,
        total_asignado=saldo_inicial - saldo,
        saldo_final=saldo,
    )
