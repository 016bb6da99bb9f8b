"""Allocation mechanisms as pure services (DESIGN §4; seeds 002 avena and 004 lácteos).

Every function here is plain Python: no database, no Django. Quantities are ``Decimal`` in
kilograms (floats are refused). Each result is a small frozen dataclass so a view, the dictamen
back-office and the ``cupos simular-proporcional`` command show the same numbers. Invalid input
raises :class:`MecanismoError` with a stable ``codigo`` and a Spanish ``mensaje``.

Mechanisms
----------
* :func:`consumo_auditado` — asignación directa by consumo auditado, with the capacity-increase
  rule (seed 002, avena).
* :func:`participacion_proporcional` — proportional share of ρ among the prior year's
  beneficiaries (seed 004, subcupo B).
* :func:`primero_en_tiempo` — primero en tiempo, primero en derecho (seed 004, subcupos C and D).
* :func:`monto_fijo` — a fixed amount up to a maximum (seed 004, subcupo A, LICONSA).
* :func:`bolsa_residual` and :func:`cumple_ejercicio_minimo` — the D pool made of what B and C
  left unassigned, split 80 % / 20 %, and the ≥ 70 % use test for D industrial applicants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

__all__ = [
    "EJERCICIO_MINIMO",
    "MAXIMO_LICONSA",
    "MAXIMO_PRIMERO_EN_TIEMPO",
    "PROPORCION_INDUSTRIAL",
    "AsignacionPrimeroEnTiempo",
    "FilaProporcional",
    "MecanismoError",
    "ResultadoBolsaResidual",
    "ResultadoConsumoAuditado",
    "ResultadoEjercicio",
    "ResultadoFilaProporcional",
    "ResultadoMontoFijo",
    "ResultadoPrimeroEnTiempo",
    "ResultadoProporcional",
    "SolicitudPrimeroEnTiempo",
    "a_decimal",
    "bolsa_residual",
    "consumo_auditado",
    "cumple_ejercicio_minimo",
    "monto_fijo",
    "participacion_proporcional",
    "primero_en_tiempo",
]

CERO = Decimal("0")
UNO = Decimal("1")
#: Seed 004, C and D: "El monto máximo a asignar por beneficiario será de 1,400 toneladas".
MAXIMO_PRIMERO_EN_TIEMPO = Decimal("1400000")
#: Seed 004, A: "El monto a asignar es hasta 15,000 Toneladas".
MAXIMO_LICONSA = Decimal("15000000")
#: Seed 004, D: 80 % for industrial companies, 20 % for other personas.
PROPORCION_INDUSTRIAL = Decimal("0.80")
#: Seed 004, D: industrial applicants must prove use of at least 70 % of their assignment.
EJERCICIO_MINIMO = Decimal("0.70")


class MecanismoError(ValueError):
    """Invalid input for an allocation mechanism. ``codigo`` is stable; ``mensaje`` is Spanish
    and meant for the user."""

    def __init__(self, codigo: str, mensaje: str):
        super().__init__(mensaje)
        self.codigo = codigo
        self.mensaje = mensaje

    def __repr__(self) -> str:
        return f"MecanismoError({self.codigo!r}, {self.mensaje!r})"


# -- input helpers -------------------------------------------------------------------------


def a_decimal(valor, campo: str, *, permitir_negativo: bool = False) -> Decimal:
    """Convert ``valor`` (Decimal, int or numeric str) to a finite Decimal; floats are refused
    because they cannot represent kilograms exactly."""
    if isinstance(valor, bool) or isinstance(valor, float):
        raise MecanismoError(
            "tipo_invalido", f"El campo «{campo}» debe ser un número exacto (no de punto flotante)."
        )
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        raise MecanismoError("dato_requerido", f"El campo «{campo}» es obligatorio.")
    try:
        numero = valor if isinstance(valor, Decimal) else Decimal(str(valor).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise MecanismoError(
            "numero_invalido", f"El campo «{campo}» no es un número válido: «{valor}»."
        ) from None
    if not numero.is_finite():
        raise MecanismoError("numero_invalido", f"El campo «{campo}» no es un número válido.")
    if numero < 0 and not permitir_negativo:
        raise MecanismoError("monto_negativo", f"El campo «{campo}» no puede ser negativo.")
    return numero


def _campo(fila, nombre: str, indice: int | None = None):
    if isinstance(fila, Mapping):
        if nombre not in fila:
            raise MecanismoError("dato_requerido", f"Falta el campo «{nombre}».")
        return fila[nombre]
    if isinstance(fila, (tuple, list)) and not hasattr(fila, nombre):
        if indice is None or indice >= len(fila):
            raise MecanismoError("dato_requerido", f"Falta el campo «{nombre}».")
        return fila[indice]
    if not hasattr(fila, nombre):
        raise MecanismoError("dato_requerido", f"Falta el campo «{nombre}».")
    return getattr(fila, nombre)


def _compactar(valor: Decimal) -> Decimal:
    """Same value without trailing fractional zeros (14776400.000 → 14776400)."""
    if valor == valor.to_integral_value():
        return valor.quantize(UNO)
    return valor.normalize()


def _truncar(valor: Decimal, unidad: Decimal) -> Decimal:
    """``valor`` rounded DOWN to the exponent of ``unidad`` (never raises for huge values)."""
    if valor.as_tuple().exponent >= unidad.as_tuple().exponent:
        return valor
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, len(valor.as_tuple().digits))
        return valor.quantize(unidad, rounding=ROUND_DOWN)


def _menor(**candidatos: Decimal | None) -> tuple[Decimal, str]:
    """The smallest candidate and its name; ties go to the first one given."""
    nombre, valor = None, None
    for k, v in candidatos.items():
        if v is not None and (valor is None or v < valor):
            nombre, valor = k, v
    assert valor is not None and nombre is not None
    return valor, nombre


# -- 1. consumo auditado (seed 002, avena) ---------------------------------------------------


@dataclass(frozen=True)
class ResultadoConsumoAuditado:
    solicitado: Decimal
    consumo_auditado_12m: Decimal
    #: consumo_asignacion_anterior × capacidad_actual / capacidad_anterior (None if not applied).
    limite_por_capacidad: Decimal | None
    #: capacidad_actual / capacidad_anterior − 1 (e.g. Decimal("0.25") for +25 %), or None.
    incremento_capacidad: Decimal | None
    aplica_incremento: bool
    #: The ceiling actually used: limite_por_capacidad when the increase applies, else consumo.
    limite: Decimal
    asignado: Decimal
    #: Which bound decided: "monto_solicitado", "consumo_auditado" or "incremento_capacidad".
    limitado_por: str


def consumo_auditado(
    solicitado,
    consumo_auditado_12m,
    *,
    capacidad_anterior=None,
    capacidad_actual=None,
    consumo_asignacion_anterior=None,
    unidad_minima: Decimal = UNO,
) -> ResultadoConsumoAuditado:
    """Asignación directa by consumo auditado (seed 002, Artículo tercero, inciso b).

    Rule: "La cantidad asignada ... no podrá ser superior al consumo auditado de los últimos doce
    meses". So ``asignado = min(solicitado, consumo_auditado_12m)``.

    Capacity increase ("No obstante lo dispuesto en el párrafo anterior ... se les asignará el monto
    que resulte de aplicar el incremento porcentual de la capacidad actual respecto a la capacidad
    anterior; aplicando dicho incremento porcentual al consumo anual auditado presentado en la
    asignación anterior"). Our reading:

    * it applies only when the three figures are given and ``capacidad_actual >
      capacidad_anterior`` (a proven *increase*); otherwise the general rule applies;
    * the increase is ``capacidad_actual / capacidad_anterior − 1`` and is applied to the audited
      consumption *presented in the previous assignment*, so the ceiling becomes
      ``consumo_asignacion_anterior × capacidad_actual / capacidad_anterior``;
    * "No obstante" makes it replace the 12-month ceiling (it is not a max of both), and the
      amount is still capped by what was requested: ``asignado = min(solicitado, ceiling)``;
    * the ceiling is rounded *down* to ``unidad_minima`` (whole kilograms by default), so the
      rounding never grants more than the proven capacity.
    """
    solicitado = a_decimal(solicitado, "monto solicitado")
    consumo = a_decimal(consumo_auditado_12m, "consumo auditado de los últimos 12 meses")
    datos_capacidad = (capacidad_anterior, capacidad_actual, consumo_asignacion_anterior)
    limite_capacidad = incremento = None
    aplica = False
    if any(v is not None for v in datos_capacidad):
        if any(v is None for v in datos_capacidad):
            raise MecanismoError(
                "datos_incompletos",
                "Para aplicar el incremento de capacidad se requieren la capacidad anterior, la "
                "capacidad actual y el consumo auditado presentado en la asignación anterior.",
            )
        cap_ant = a_decimal(capacidad_anterior, "capacidad anterior")
        cap_act = a_decimal(capacidad_actual, "capacidad actual")
        consumo_ant = a_decimal(
            consumo_asignacion_anterior, "consumo auditado de la asignación anterior"
        )
        if cap_ant == 0:
            raise MecanismoError(
                "capacidad_anterior_cero", "La capacidad anterior debe ser mayor que cero."
            )
        if cap_act > cap_ant:
            aplica = True
            incremento = cap_act / cap_ant - 1
            limite_capacidad = (consumo_ant * cap_act / cap_ant).quantize(
                unidad_minima, rounding=ROUND_DOWN
            )
    if aplica:
        asignado, por = _menor(monto_solicitado=solicitado, incremento_capacidad=limite_capacidad)
        limite = limite_capacidad
    else:
        asignado, por = _menor(monto_solicitado=solicitado, consumo_auditado=consumo)
        limite = consumo
    return ResultadoConsumoAuditado(
        solicitado=solicitado,
        consumo_auditado_12m=consumo,
        limite_por_capacidad=limite_capacidad,
        incremento_capacidad=incremento,
        aplica_incremento=aplica,
        limite=limite,
        asignado=asignado,
        limitado_por=por,
    )


# -- 2. participación proporcional (seed 004, B) ---------------------------------------------


@dataclass(frozen=True)
class FilaProporcional:
    """One applicant of the proportional share (input)."""

    empresa: str
    asignado_anio_anterior: Decimal
    consumo_auditado: Decimal
    monto_solicitado: Decimal


@dataclass(frozen=True)
class ResultadoFilaProporcional:
    empresa: str
    asignado_anio_anterior: Decimal
    consumo_auditado: Decimal
    monto_solicitado: Decimal
    #: Unrounded share (prior amount ÷ total prior amounts).
    theta_exacta: Decimal
    #: Share rounded to ``precision`` decimals (ROUND_HALF_UP), after the Σθ ≤ 1 adjustment.
    theta: Decimal
    #: True when θ was lowered by one unit of the last decimal to keep Σθ ≤ 1.
    theta_ajustada: bool
    #: θ · ρ, rounded DOWN to ``precision_monto`` decimals.
    monto_a_asignar: Decimal
    #: min(monto_a_asignar, consumo_auditado, monto_solicitado), rounded DOWN to
    #: ``precision_monto`` decimals.
    monto_asignado: Decimal
    #: "monto_a_asignar", "consumo_auditado" or "monto_solicitado" (first one on ties).
    limitado_por: str


@dataclass(frozen=True)
class ResultadoProporcional:
    rho: Decimal
    precision: int
    filas: tuple[ResultadoFilaProporcional, ...]
    total_asignado_anio_anterior: Decimal
    total_theta: Decimal
    total_monto_a_asignar: Decimal
    total_consumo_auditado: Decimal
    total_monto_solicitado: Decimal
    total_monto_asignado: Decimal
    #: ρ − total asignado: what stays in the subcupo (it feeds the D pool in seed 004).
    no_asignado: Decimal
    #: Decimals of the montos (the unit's precision: 3 for kilograms).
    precision_monto: int = 3


def _fila_proporcional(fila) -> FilaProporcional:
    if isinstance(fila, FilaProporcional):
        valores = fila
        empresa = fila.empresa
    else:
        valores = None
        empresa = _campo(fila, "empresa", 0)
    empresa = str(empresa).strip()
    if not empresa:
        raise MecanismoError("dato_requerido", "Cada fila debe indicar la empresa.")

    def num(nombre, indice, etiqueta):
        crudo = getattr(valores, nombre) if valores is not None else _campo(fila, nombre, indice)
        try:
            return a_decimal(crudo, etiqueta)
        except MecanismoError as e:
            raise MecanismoError(e.codigo, f"{empresa}: {e.mensaje}") from None

    return FilaProporcional(
        empresa=empresa,
        asignado_anio_anterior=num("asignado_anio_anterior", 1, "monto asignado el año anterior"),
        consumo_auditado=num("consumo_auditado", 2, "consumo auditado"),
        monto_solicitado=num("monto_solicitado", 3, "monto solicitado"),
    )


def participacion_proporcional(
    rho, filas: Iterable, precision: int = 3, *, precision_monto: int = 3
) -> ResultadoProporcional:
    """Proportional share of ρ (seed 004, beneficiaries B).

    For each company j: ``θj = asignado_anio_anterior_j / Σ asignado_anio_anterior``, rounded to
    ``precision`` decimals with ROUND_HALF_UP; ``monto_a_asignar_j = θj · ρ``;
    ``monto_asignado_j = min(monto_a_asignar_j, consumo_auditado_j, monto_solicitado_j)``.
    Both montos are rounded DOWN to ``precision_monto`` decimals (the unit's precision: 3 for
    kilograms, 0 for pieces), so a ρ with decimals never yields 4-decimal kilograms and the
    total never exceeds ρ.

    Never more than ρ: rounding each θ half-up can make Σθ exceed 1 (seed 004 itself: 7,000,000 /
    26,550,000 = 0.26365… would round to 0.264 and Σθ to 1.001). While Σθ > 1 we take one unit of
    the last decimal (10^-precision) from the row whose rounded θ exceeds its exact value the most
    (largest rounding-up error), ties broken by input order. This gives the seed's 0.263 and keeps
    Σ monto_a_asignar ≤ ρ. When Σθ < 1 nothing is added: the remainder stays unassigned.

    ``filas`` items may be :class:`FilaProporcional`, mappings with the four keys, or 4-tuples
    ``(empresa, asignado_anio_anterior, consumo_auditado, monto_solicitado)``.
    """
    rho = a_decimal(rho, "monto a repartir (ρ)")
    if not isinstance(precision, int) or isinstance(precision, bool) or not 0 <= precision <= 12:
        raise MecanismoError(
            "precision_invalida", "La precisión debe ser un entero entre 0 y 12 decimales."
        )
    if (
        not isinstance(precision_monto, int)
        or isinstance(precision_monto, bool)
        or not 0 <= precision_monto <= 12
    ):
        raise MecanismoError(
            "precision_invalida",
            "Los decimales del monto deben ser un entero entre 0 y 12.",
        )
    unidad_monto = Decimal(1).scaleb(-precision_monto)
    entradas = [_fila_proporcional(f) for f in filas]
    if not entradas:
        raise MecanismoError("sin_filas", "No hay empresas para repartir el monto.")
    total_anterior = sum((f.asignado_anio_anterior for f in entradas), CERO)
    if total_anterior == 0:
        raise MecanismoError(
            "sin_antecedentes",
            "La suma de los montos asignados el año anterior es cero; no se puede calcular la "
            "participación de cada empresa.",
        )

    unidad = Decimal(1).scaleb(-precision)
    exactas = [f.asignado_anio_anterior / total_anterior for f in entradas]
    thetas = [t.quantize(unidad, rounding=ROUND_HALF_UP) for t in exactas]
    ajustadas = [False] * len(thetas)
    exceso = int((sum(thetas, CERO) - UNO) / unidad)  # whole units of the last decimal
    if exceso > 0:
        # Largest rounding-up error first, ties by input order. Half-up errors are at most half a
        # unit and add up to the excess, so at least 2·exceso rows have a positive error and no
        # row needs to give back more than one unit.
        orden = sorted(range(len(thetas)), key=lambda k: (-(thetas[k] - exactas[k]), k))
        for k in orden[:exceso]:
            thetas[k] -= unidad
            ajustadas[k] = True

    resultado = []
    for f, exacta, theta, ajustada in zip(entradas, exactas, thetas, ajustadas, strict=True):
        a_asignar = _compactar(_truncar(theta * rho, unidad_monto))
        asignado, por = _menor(
            monto_a_asignar=a_asignar,
            consumo_auditado=f.consumo_auditado,
            monto_solicitado=f.monto_solicitado,
        )
        asignado = _compactar(_truncar(asignado, unidad_monto))
        resultado.append(
            ResultadoFilaProporcional(
                empresa=f.empresa,
                asignado_anio_anterior=f.asignado_anio_anterior,
                consumo_auditado=f.consumo_auditado,
                monto_solicitado=f.monto_solicitado,
                theta_exacta=exacta,
                theta=theta,
                theta_ajustada=ajustada,
                monto_a_asignar=a_asignar,
                monto_asignado=asignado,
                limitado_por=por,
            )
        )
    total_asignado = sum((r.monto_asignado for r in resultado), CERO)
    total_a_asignar = sum((r.monto_a_asignar for r in resultado), CERO)
    assert total_a_asignar <= rho  # guaranteed by Σθ ≤ 1
    return ResultadoProporcional(
        rho=rho,
        precision=precision,
        filas=tuple(resultado),
        total_asignado_anio_anterior=total_anterior,
        total_theta=sum(thetas, CERO),
        total_monto_a_asignar=total_a_asignar,
        total_consumo_auditado=sum((f.consumo_auditado for f in entradas), CERO),
        total_monto_solicitado=sum((f.monto_solicitado for f in entradas), CERO),
        total_monto_asignado=total_asignado,
        no_asignado=rho - total_asignado,
        precision_monto=precision_monto,
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


# -- 4. monto fijo (seed 004, A) -------------------------------------------------------------


@dataclass(frozen=True)
class ResultadoMontoFijo:
    solicitado: Decimal
    maximo: Decimal
    asignado: Decimal
    #: "monto_solicitado" or "maximo".
    limitado_por: str


def monto_fijo(solicitado, maximo) -> ResultadoMontoFijo:
    """A fixed amount up to ``maximo`` (seed 004, A: LICONSA "hasta 15,000 Toneladas"; see
    :data:`MAXIMO_LICONSA`)."""
    solicitado = a_decimal(solicitado, "monto solicitado")
    maximo = a_decimal(maximo, "monto máximo")
    asignado, por = _menor(monto_solicitado=solicitado, maximo=maximo)
    return ResultadoMontoFijo(
        solicitado=solicitado, maximo=maximo, asignado=asignado, limitado_por=por
    )


# -- 5. bolsa residual and ejercicio mínimo (seed 004, D) ------------------------------------


@dataclass(frozen=True)
class ResultadoBolsaResidual:
    no_asignado_b: Decimal
    no_asignado_c: Decimal
    #: no_asignado_b + no_asignado_c.
    bolsa: Decimal
    #: bolsa × proporcion_industrial (80 %), for industrial companies.
    industrial: Decimal
    #: bolsa − industrial (20 %), for other personas físicas o morales.
    otros: Decimal


def bolsa_residual(
    monto_b, asignado_b, monto_c, asignado_c, *, proporcion_industrial=PROPORCION_INDUSTRIAL
) -> ResultadoBolsaResidual:
    """The D pool: what B and C left unassigned, split 80 % industrial / 20 % others.

    The split is exact Decimal arithmetic; ``otros`` is computed as ``bolsa − industrial`` so the
    two parts always add up to the pool.
    """
    monto_b = a_decimal(monto_b, "monto del subcupo B")
    asignado_b = a_decimal(asignado_b, "monto asignado del subcupo B")
    monto_c = a_decimal(monto_c, "monto del subcupo C")
    asignado_c = a_decimal(asignado_c, "monto asignado del subcupo C")
    proporcion = a_decimal(proporcion_industrial, "proporción para empresas industriales")
    if proporcion > 1:
        raise MecanismoError(
            "proporcion_invalida", "La proporción para empresas industriales no puede exceder 1."
        )
    for letra, monto, asignado in (("B", monto_b, asignado_b), ("C", monto_c, asignado_c)):
        if asignado > monto:
            raise MecanismoError(
                "asignado_excede_monto",
                f"Lo asignado en el subcupo {letra} ({asignado}) excede su monto ({monto}).",
            )
    no_b = monto_b - asignado_b
    no_c = monto_c - asignado_c
    bolsa = no_b + no_c
    industrial = bolsa * proporcion
    return ResultadoBolsaResidual(
        no_asignado_b=no_b,
        no_asignado_c=no_c,
        bolsa=bolsa,
        industrial=industrial,
        otros=bolsa - industrial,
    )


@dataclass(frozen=True)
class ResultadoEjercicio:
    asignado_anterior: Decimal
    ejercido: Decimal
    #: ejercido / asignado_anterior (Decimal("0.75") = 75 %).
    proporcion_ejercida: Decimal
    minimo: Decimal
    cumple: bool

    def __bool__(self) -> bool:
        return self.cumple

    @property
    def mensaje(self) -> str:
        """Spanish explanation for the dictaminador / the applicant."""
        pct = (self.proporcion_ejercida * 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        minimo = (self.minimo * 100).normalize()
        if self.cumple:
            return f"Se acreditó el ejercicio del {pct} % de la asignación (mínimo {minimo:f} %)."
        return (
            f"Los pedimentos acreditan el ejercicio del {pct} % de la asignación anterior; se "
            f"requiere al menos el {minimo:f} %."
        )


def cumple_ejercicio_minimo(
    asignado_anterior, ejercido, minimo=EJERCICIO_MINIMO
) -> ResultadoEjercicio:
    """Seed 004, D: industrial applicants "deberán demostrar el ejercicio de por lo menos el 70% de
    la asignación", proved by the pedimentos attached. ``ejercido`` is the sum of the amounts on
    those pedimentos; the test is ``ejercido ≥ minimo × asignado_anterior``.
    Truthy when it is met."""
    asignado_anterior = a_decimal(asignado_anterior, "monto asignado anteriormente")
    ejercido = a_decimal(ejercido, "monto ejercido")
    minimo = a_decimal(minimo, "porcentaje mínimo de ejercicio")
    if minimo > 1:
        raise MecanismoError(
            "minimo_invalido", "El porcentaje mínimo de ejercicio no puede exceder 100 %."
        )
    if asignado_anterior == 0:
        raise MecanismoError(
            "sin_asignacion_anterior",
            "No hay una asignación anterior contra la cual acreditar el ejercicio mínimo.",
        )
    return ResultadoEjercicio(
        asignado_anterior=asignado_anterior,
        ejercido=ejercido,
        proporcion_ejercida=ejercido / asignado_anterior,
        minimo=minimo,
        cumple=ejercido >= minimo * asignado_anterior,
    )
