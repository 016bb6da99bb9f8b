"""The direct-allocation mechanisms: consumo auditado (seed 002), participación proporcional
and monto fijo (seed 004, B and A). Each is one strategy class over :mod:`cupos.mecanismos`."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from cupos import mecanismos
from cupos.asignacion.mecanismo import Mecanismo, Propuesta, con_error, con_saldo, maximo_de
from cupos.asignacion.saldo import (
    E,
    previo_por_beneficiario,
    saldo_subcupo,
    solicitudes_del_subcupo,
)
from cupos.forms import campo_cantidad
from cupos.models import Criterio, SolicitudAsignacion, Subcupo
from cupos.montos import formato_monto

CERO = Decimal("0")

#: Capacity fields of an avena (consumo auditado) applicant asking for a capacity increase.
CAMPOS_INCREMENTO = ("capacidad_anterior", "capacidad_actual", "consumo_asignacion_anterior")

REQUERIDO_INCREMENTO = "Requerido para considerar el incremento de capacidad."
CAPACIDAD_ANTERIOR_CERO = "Debe ser mayor que cero."
CONSUMO_CERO = (
    "El consumo auditado de los últimos 12 meses debe ser mayor que cero: la asignación por "
    "consumo auditado no puede exceder ese consumo."
)
SIN_ASIGNACION_ANTERIOR = "Este subcupo es para empresas CON asignación en el año anterior."


class ConsumoAuditado(Mecanismo):
    """Asignación directa by consumo auditado (seed 002)."""

    criterio = Criterio.CONSUMO_AUDITADO

    def campos_datos(self, u: str, decimales: int) -> dict:
        return {
            "consumo_auditado_12m": campo_cantidad(
                f"Consumo auditado de los últimos 12 meses ({u})",
                decimales,
                help_text="Según el reporte de auditor externo registrado ante la SHCP.",
            ),
            "incremento_capacidad": forms.BooleanField(
                label="Solicito que se considere un incremento en mi capacidad instalada y/o utilizada",
                required=False,
            ),
            "capacidad_anterior": campo_cantidad(
                "Capacidad anterior (por turno de 8 horas)", decimales, required=False
            ),
            "capacidad_actual": campo_cantidad(
                "Capacidad actual (por turno de 8 horas)", decimales, required=False
            ),
            "consumo_asignacion_anterior": campo_cantidad(
                f"Consumo auditado presentado en la asignación anterior ({u})",
                decimales,
                required=False,
            ),
        }

    def reglas_datos(self, subcupo: Subcupo, datos: dict):
        """Seed 002: asking for a capacity increase requires the three capacity fields
        together, and a capacidad anterior greater than zero. A consumo auditado of zero
        would grant nothing: it is refused."""
        if datos.get("consumo_auditado_12m") == 0:
            yield "consumo_auditado_12m", CONSUMO_CERO
        if not datos.get("incremento_capacidad"):
            return
        for campo in CAMPOS_INCREMENTO:
            if datos.get(campo) is None:
                yield campo, REQUERIDO_INCREMENTO
        if datos.get("capacidad_anterior") == 0:
            yield "capacidad_anterior", CAPACIDAD_ANTERIOR_CERO

    def no_aplican(self, datos: dict):
        return () if datos.get("incremento_capacidad") else CAMPOS_INCREMENTO

    def documentos_requeridos(self, sa: SolicitudAsignacion) -> list[str]:
        req = ["reporte_auditor"]
        if sa.capacidad_actual is not None:
            req.append("reporte_incremento")
        return req

    def propuestas(self, subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
        saldo = saldo_subcupo(subcupo)
        previos = previo_por_beneficiario(subcupo)
        maximo = maximo_de(subcupo, None)
        out = {}
        for sa in filas:
            try:
                r = mecanismos.consumo_auditado(
                    sa.monto_solicitado,
                    sa.consumo_auditado_12m,
                    capacidad_anterior=sa.capacidad_anterior,
                    capacidad_actual=sa.capacidad_actual,
                    consumo_asignacion_anterior=sa.consumo_asignacion_anterior,
                )
            except mecanismos.MecanismoError as exc:
                out[sa.solicitud_id] = con_error(sa, saldo, exc)
                continue
            lineas = [
                f"Monto solicitado: {formato_monto(r.solicitado, u)}.",
                f"Consumo auditado de los últimos 12 meses: {formato_monto(r.consumo_auditado_12m, u)}.",
            ]
            if r.aplica_incremento:
                pct = (r.incremento_capacidad * 100).quantize(Decimal("0.01"))
                lineas.append(
                    f"Se acreditó un incremento de capacidad del {pct} %; aplicado al consumo auditado "
                    f"de la asignación anterior da un límite de {formato_monto(r.limite_por_capacidad, u)}."
                )
            elif sa.capacidad_actual is not None:
                lineas.append(
                    "La capacidad actual no es mayor que la anterior: no aplica incremento."
                )
            limite = r.limite
            previo = previos.get(sa.solicitud.solicitante.rfc, CERO)
            if previo:
                limite = max(limite - previo, CERO)
                lineas.append(
                    f"Ya se le asignaron {formato_monto(previo, u)} en este cupo durante el año; el límite "
                    f"restante es {formato_monto(limite, u)}."
                )
            if maximo is not None and maximo - previo < limite:
                limite = max(maximo - previo, CERO)
                lineas.append(f"Máximo por beneficiario: {formato_monto(maximo, u)}.")
            monto = min(r.solicitado, limite)
            lineas.append(
                f"Asignable conforme al Acuerdo (lo menor entre lo solicitado y el límite): {formato_monto(monto, u)}."
            )
            monto = con_saldo(monto, saldo, lineas, u)
            out[sa.solicitud_id] = Propuesta(
                criterio=subcupo.criterio,
                monto=monto,
                limite_legal=limite,
                saldo=saldo,
                explicacion=tuple(lineas),
                datos={
                    "limitado_por": r.limitado_por,
                    "aplica_incremento": r.aplica_incremento,
                    "limite": str(r.limite),
                },
            )
        return out


class Proporcional(Mecanismo):
    """Participación proporcional (seed 004, B)."""

    criterio = Criterio.PROPORCIONAL
    documentos = ("reporte_auditor",)

    def campos_datos(self, u: str, decimales: int) -> dict:
        return {
            "asignado_anio_anterior": campo_cantidad(
                f"Monto asignado en el año anterior ({u})", decimales
            ),
            "consumo_total_auditado": campo_cantidad(
                f"Total de consumo anual auditado de materias primas ({u})",
                decimales,
                help_text="Nacional más importado, según el reporte de auditor externo.",
            ),
        }

    def reglas_datos(self, subcupo: Subcupo, datos: dict):
        """Seed 004, B: only for companies WITH an assignment the year before (amount > 0)."""
        if not datos.get("asignado_anio_anterior"):
            yield "asignado_anio_anterior", SIN_ASIGNACION_ANTERIOR

    def propuestas(self, subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
        """θ over ALL the subcupo's signed solicitudes (the year's B applicants), ρ = subcupo.monto."""
        saldo = saldo_subcupo(subcupo)
        todas = [
            sa for sa in solicitudes_del_subcupo(subcupo, (E.FIRMADA, E.EN_DICTAMEN, E.RESUELTA))
        ]
        ids = {sa.solicitud_id for sa in todas}
        todas += [sa for sa in filas if sa.solicitud_id not in ids]
        precision = int((subcupo.parametros or {}).get("precision", 3))
        try:
            r = mecanismos.participacion_proporcional(
                subcupo.monto,
                [
                    mecanismos.FilaProporcional(
                        empresa=str(sa.solicitud_id),
                        asignado_anio_anterior=sa.asignado_anio_anterior or CERO,
                        consumo_auditado=sa.consumo_total_auditado or CERO,
                        monto_solicitado=sa.monto_solicitado,
                    )
                    for sa in todas
                ],
                precision=precision,
                precision_monto=subcupo.cupo.decimales,
            )
        except mecanismos.MecanismoError as exc:
            return {sa.solicitud_id: con_error(sa, saldo, exc) for sa in filas}
        por_id = {f.empresa: f for f in r.filas}
        out = {}
        for sa in filas:
            f = por_id[str(sa.solicitud_id)]
            etiqueta = {
                "monto_a_asignar": "la participación proporcional",
                "consumo_auditado": "el consumo total auditado",
                "monto_solicitado": "el monto solicitado",
            }[f.limitado_por]
            lineas = [
                f"Participación proporcional entre {len(r.filas)} solicitudes del subcupo: "
                f"asignado el año anterior {formato_monto(f.asignado_anio_anterior, u)} de un total de "
                f"{formato_monto(r.total_asignado_anio_anterior, u)}.",
                f"θ = {f.theta} (precisión de {precision} decimales"
                + ("; ajustada para no exceder ρ" if f.theta_ajustada else "")
                + f"); ρ = {formato_monto(r.rho, u)}; monto a asignar θ·ρ = {formato_monto(f.monto_a_asignar, u)}.",
                f"Consumo total auditado: {formato_monto(f.consumo_auditado, u)}; monto solicitado: "
                f"{formato_monto(f.monto_solicitado, u)}.",
                f"Lo menor de los tres es {formato_monto(f.monto_asignado, u)} (limitado por {etiqueta}).",
            ]
            monto = con_saldo(f.monto_asignado, saldo, lineas, u)
            out[sa.solicitud_id] = Propuesta(
                criterio=subcupo.criterio,
                monto=monto,
                limite_legal=min(f.monto_a_asignar, f.consumo_auditado),
                saldo=saldo,
                explicacion=tuple(lineas),
                datos={
                    "theta": str(f.theta),
                    "theta_exacta": str(f.theta_exacta),
                    "rho": str(r.rho),
                    "monto_a_asignar": str(f.monto_a_asignar),
                    "limitado_por": f.limitado_por,
                    "solicitudes": len(r.filas),
                },
            )
        return out


class MontoFijo(Mecanismo):
    """Monto fijo (seed 004, A: LICONSA)."""

    criterio = Criterio.MONTO_FIJO

    def propuestas(self, subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
        saldo = saldo_subcupo(subcupo)
        maximo = maximo_de(subcupo, subcupo.monto or mecanismos.MAXIMO_LICONSA)
        previos = previo_por_beneficiario(subcupo)
        out = {}
        for sa in filas:
            previo = previos.get(sa.solicitud.solicitante.rfc, CERO)
            disponible = max(maximo - previo, CERO)
            try:
                r = mecanismos.monto_fijo(sa.monto_solicitado, disponible)
            except mecanismos.MecanismoError as exc:
                out[sa.solicitud_id] = con_error(sa, saldo, exc)
                continue
            lineas = [
                f"Monto fijo hasta {formato_monto(maximo, u)}"
                + (f" (ya asignado: {formato_monto(previo, u)})" if previo else "")
                + f"; monto solicitado: {formato_monto(r.solicitado, u)}.",
                f"Propuesta: {formato_monto(r.asignado, u)}.",
            ]
            monto = con_saldo(r.asignado, saldo, lineas, u)
            out[sa.solicitud_id] = Propuesta(
                criterio=subcupo.criterio,
                monto=monto,
                limite_legal=disponible,
                saldo=saldo,
                explicacion=tuple(lineas),
                datos={"maximo": str(maximo), "limitado_por": r.limitado_por},
            )
        return out
