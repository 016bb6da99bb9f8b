"""The first-come mechanisms: primero en tiempo, primero en derecho (seed 004, C) and the
residual pool split 80 % industrial / 20 % others (seed 004, D), each one strategy class
over :mod:`cupos.mecanismos`."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django import forms

from cupos import mecanismos
from cupos.asignacion.mecanismo import Mecanismo, Propuesta, con_error, maximo_de
from cupos.asignacion.saldo import (
    ESTADOS_PENDIENTES,
    bolsa_de,
    ejercicio_minimo,
    previo_por_beneficiario,
    saldo_subcupo,
    solicitudes_del_subcupo,
)
from cupos.forms import campo_cantidad
from cupos.models import Criterio, SolicitudAsignacion, Subcupo
from cupos.montos import CERO, formato_monto

#: Prior-assignment fields of an industrial applicant to the residual pool (lácteos D).
CAMPOS_INDUSTRIAL = ("asignado_anio_anterior", "monto_ejercido_anterior")

INDIQUE_ANTERIOR = "Indique el monto de su asignación anterior (mayor que cero)."
INDIQUE_EJERCIDO = "Indique el monto ejercido."
EJERCIDO_MAYOR = "El monto ejercido no puede ser mayor que la asignación anterior."
#: Seed 004, D: "no podrán comercializar la mercancía asignada ... en el mismo estado físico en
#: que se importe". The applicant declares it in the wizard; the oficio prints it.
DECLARACION_NO_COMERCIALIZAR = (
    "Declaro bajo protesta de decir verdad que no comercializaré la mercancía asignada en el "
    "mismo estado físico en que se importe."
)
FALTA_DECLARACION = (
    "Para solicitar este subcupo debe declarar que no comercializará la mercancía en el mismo "
    "estado físico en que se importe."
)


def fcfs(
    subcupo: Subcupo,
    filas,
    u: str,
    *,
    saldo: Decimal,
    cola: list[SolicitudAsignacion],
    previos: dict[str, Decimal],
    encabezado: list[str],
) -> dict[int, Propuesta]:
    """Primero en tiempo over ``cola`` (pending solicitudes in reception order, ties by folio)."""
    maximo = maximo_de(subcupo, mecanismos.MAXIMO_PRIMERO_EN_TIEMPO)
    ids = {sa.solicitud_id for sa in cola}
    cola = cola + [sa for sa in filas if sa.solicitud_id not in ids and sa.solicitud.firmada_en]
    try:
        r = mecanismos.primero_en_tiempo(
            [
                mecanismos.SolicitudPrimeroEnTiempo(
                    folio=sa.solicitud.folio,
                    recibida=sa.solicitud.firmada_en,
                    monto_solicitado=sa.monto_solicitado,
                    monto_documento=sa.monto_factura,
                    beneficiario=sa.solicitud.solicitante.rfc,
                )
                for sa in cola
            ],
            max(saldo, CERO),
            maximo=maximo,
            asignado_previo=previos,
        )
    except mecanismos.MecanismoError as exc:
        return {sa.solicitud_id: con_error(sa, saldo, exc) for sa in filas}
    por_folio = {a.folio: a for a in r.asignaciones}
    out = {}
    for sa in filas:
        a = por_folio.get(sa.solicitud.folio)
        if a is None:
            continue
        etiqueta = {
            "monto_solicitado": "el monto solicitado",
            "monto_documento": "el monto de la factura / conocimiento de embarque",
            "saldo": "el saldo del subcupo",
            "maximo": "el máximo por beneficiario",
        }[a.limitado_por]
        lineas = [
            *encabezado,
            f"Lugar {a.orden} de {len(r.asignaciones)} en el orden de recepción (empates por "
            "folio).",
            f"Saldo disponible en su turno: {formato_monto(a.saldo_antes, u)}; monto solicitado: "
            f"{formato_monto(a.monto_solicitado, u)}; monto en factura / conocimiento de embarque: "
            f"{formato_monto(a.monto_documento, u) or 'no indicado'}.",
        ]
        if a.disponible_maximo is not None:
            lineas.append(
                f"Máximo por beneficiario {formato_monto(maximo, u)}; disponible para este beneficiario: "
                f"{formato_monto(a.disponible_maximo, u)}."
            )
        lineas.append(f"Propuesta: {formato_monto(a.monto_asignado, u)} (limitada por {etiqueta}).")
        limites = [v for v in (a.monto_documento, a.disponible_maximo) if v is not None]
        out[sa.solicitud_id] = Propuesta(
            criterio=subcupo.criterio,
            monto=a.monto_asignado,
            limite_legal=min(limites) if limites else a.monto_solicitado,
            saldo=saldo,
            explicacion=tuple(lineas),
            datos={
                "orden": a.orden,
                "en_cola": len(r.asignaciones),
                "saldo_antes": str(a.saldo_antes),
                "limitado_por": a.limitado_por,
            },
        )
    return out


def ejercicio(sa: SolicitudAsignacion):
    return mecanismos.cumple_ejercicio_minimo(
        sa.asignado_anio_anterior or CERO,
        sa.monto_ejercido_anterior or CERO,
        ejercicio_minimo(sa.subcupo),
    )


class PrimeroEnTiempo(Mecanismo):
    """Primero en tiempo, primero en derecho (seed 004, C)."""

    criterio = Criterio.PRIMERO_EN_TIEMPO
    documentos = ("factura",)

    def campos_datos(self, u: str, decimales: int) -> dict:
        return {
            "monto_factura": campo_cantidad(
                f"Monto en factura comercial y conocimiento de embarque, carta de porte o guía ({u})",
                decimales,
            )
        }

    def propuestas(self, subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
        saldo = saldo_subcupo(subcupo)
        return fcfs(
            subcupo,
            filas,
            u,
            saldo=saldo,
            cola=solicitudes_del_subcupo(subcupo, ESTADOS_PENDIENTES),
            previos=previo_por_beneficiario(subcupo),
            encabezado=[
                f"Saldo del subcupo al momento del dictamen: {formato_monto(saldo, u)} (monto "
                f"{formato_monto(subcupo.monto, u)} menos lo ya asignado)."
            ],
        )


class BolsaResidual(PrimeroEnTiempo):
    """The residual pool (seed 004, D): first-come within its 80 % / 20 % parts."""

    criterio = Criterio.BOLSA_RESIDUAL

    def campos_datos(self, u: str, decimales: int) -> dict:
        return {
            **super().campos_datos(u, decimales),
            "es_industrial": forms.BooleanField(
                label="Soy empresa industrial que utiliza materias primas lácteas como insumo",
                required=False,
            ),
            "asignado_anio_anterior": campo_cantidad(
                f"Monto de la asignación anterior ({u})", decimales, required=False
            ),
            "monto_ejercido_anterior": campo_cantidad(
                f"Monto ejercido de la asignación anterior, según pedimentos ({u})",
                decimales,
                required=False,
                help_text="Las empresas industriales deben acreditar el ejercicio de al menos el 70 %.",
            ),
            "declara_no_comercializar": forms.BooleanField(
                label=DECLARACION_NO_COMERCIALIZAR, required=False
            ),
        }

    def reglas_datos(self, subcupo: Subcupo, datos: dict):
        """Seed 004, D: an industrial applicant gives its prior assignment (> 0) and what it
        used of it (not more than the assignment, at least :func:`ejercicio_minimo` of it).
        Every applicant declares it will not sell the goods in the state they are imported."""
        if not datos.get("declara_no_comercializar"):
            yield "declara_no_comercializar", FALTA_DECLARACION
        if not datos.get("es_industrial"):
            return
        anterior = datos.get("asignado_anio_anterior")
        ejercido = datos.get("monto_ejercido_anterior")
        if not anterior:
            yield "asignado_anio_anterior", INDIQUE_ANTERIOR
        if ejercido is None:
            yield "monto_ejercido_anterior", INDIQUE_EJERCIDO
        if anterior and ejercido is not None:
            if ejercido > anterior:
                yield "monto_ejercido_anterior", EJERCIDO_MAYOR
            else:
                resultado = mecanismos.cumple_ejercicio_minimo(
                    anterior, ejercido, ejercicio_minimo(subcupo)
                )
                if not resultado.cumple:
                    yield "monto_ejercido_anterior", resultado.mensaje

    def no_aplican(self, datos: dict):
        return () if datos.get("es_industrial") else CAMPOS_INDUSTRIAL

    def documentos_requeridos(self, sa: SolicitudAsignacion) -> list[str]:
        return ["factura", "pedimentos"] if sa.es_industrial else ["factura"]

    def propuestas(self, subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
        bolsa = bolsa_de(subcupo)
        pendientes = solicitudes_del_subcupo(subcupo, ESTADOS_PENDIENTES)
        out: dict[int, Propuesta] = {}
        for industrial in (True, False):
            grupo = [sa for sa in filas if sa.es_industrial == industrial]
            if not grupo:
                continue
            saldo = saldo_subcupo(subcupo, industrial=industrial)
            parte = bolsa.industrial if industrial else bolsa.otros
            nombre = "empresas industriales (80 %)" if industrial else "otras personas (20 %)"
            encabezado = [
                f"Bolsa residual: no asignado de B {formato_monto(bolsa.no_asignado_b, u)} + no asignado de C "
                f"{formato_monto(bolsa.no_asignado_c, u)} = {formato_monto(bolsa.bolsa, u)}.",
                f"Parte para {nombre}: {formato_monto(parte, u)}; saldo al momento del dictamen: "
                f"{formato_monto(saldo, u)}.",
            ]
            rechazadas = {}
            if industrial:
                for sa in grupo + [p for p in pendientes if p.es_industrial]:
                    try:
                        ej = ejercicio(sa)
                    except mecanismos.MecanismoError as exc:
                        rechazadas[sa.solicitud_id] = exc.mensaje
                        continue
                    if not ej.cumple:
                        rechazadas[sa.solicitud_id] = ej.mensaje
            cola = [
                p
                for p in pendientes
                if p.es_industrial == industrial and p.solicitud_id not in rechazadas
            ]
            validas = [sa for sa in grupo if sa.solicitud_id not in rechazadas]
            out.update(
                fcfs(
                    subcupo,
                    validas,
                    u,
                    saldo=saldo,
                    cola=cola,
                    previos=previo_por_beneficiario(subcupo),
                    encabezado=encabezado,
                )
            )
            if industrial:
                for sa in validas:
                    if sa.solicitud_id in out:
                        p = out[sa.solicitud_id]
                        out[sa.solicitud_id] = replace(
                            p, explicacion=(ejercicio(sa).mensaje, *p.explicacion)
                        )
            for sa in grupo:
                if sa.solicitud_id in rechazadas:
                    out[sa.solicitud_id] = Propuesta(
                        criterio=subcupo.criterio,
                        monto=CERO,
                        limite_legal=CERO,
                        saldo=saldo,
                        explicacion=(
                            *encabezado,
                            rechazadas[sa.solicitud_id],
                            "No procede la asignación como empresa industrial.",
                        ),
                        datos={"cumple_ejercicio_minimo": False},
                    )
        return out
