"""The direct-allocation mechanisms: consumo auditado (seed 002), participación proporcional
and monto fijo (seed 004, B and A). Each is one strategy class over :mod:`cupos.mecanismos`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from cupos import mecanismos
from cupos.asignacion import antecedentes
from cupos.asignacion.mecanismo import Mecanismo, Propuesta, con_error, con_saldo, maximo_de
from cupos.asignacion.saldo import previo_por_beneficiario, saldo_subcupo
from cupos.forms import campo_cantidad
from cupos.models import Criterio, SolicitudAsignacion, Subcupo
from cupos.montos import CERO, formato_monto

#: Capacity fields of an avena (consumo auditado) applicant asking for a capacity increase.
CAMPOS_INCREMENTO = ("capacidad_anterior", "capacidad_actual", "consumo_asignacion_anterior")

REQUERIDO_INCREMENTO = "Requerido para considerar el incremento de capacidad."
CAPACIDAD_ANTERIOR_CERO = "Debe ser mayor que cero."
CONSUMO_CERO = (
    "El consumo auditado de los últimos 12 meses debe ser mayor que cero: la asignación por "
    "consumo auditado no puede exceder ese consumo."
)


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
    """Participación proporcional (seed 004, B): θ from the previous year's asignaciones in
    our records (:mod:`cupos.asignacion.antecedentes`), fixed for the year; never from what
    the applicant declares, and independent of who applies or is dictaminated first."""

    criterio = Criterio.PROPORCIONAL
    documentos = ("reporte_auditor",)

    def campos_datos(self, u: str, decimales: int) -> dict:
        return {
            "consumo_total_auditado": campo_cantidad(
                f"Total de consumo anual auditado de materias primas ({u})",
                decimales,
                help_text="Nacional más importado, según el reporte de auditor externo.",
            ),
        }

    def no_aplican(self, datos: dict):
        # The previous-year amount comes from our records, never from the form.
        return ("asignado_anio_anterior",)

    def propuestas(self, subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
        """min(θ·ρ, consumo total auditado, solicitado) − what this persona already got in the
        subcupo this year; θ from :func:`antecedentes.base_de`, ρ = subcupo.monto."""
        saldo = saldo_subcupo(subcupo)
        base = antecedentes.base_de(subcupo)
        previos = previo_por_beneficiario(subcupo)
        etiquetas = {
            "monto_a_asignar": "la participación proporcional",
            "consumo_auditado": "el consumo total auditado",
            "monto_solicitado": "el monto solicitado",
        }
        encabezado = (
            f"Base: {len(base.filas)} empresas asignadas en {base.anio_anterior} "
            f"({base.origen_texto.lower()}), total {formato_monto(base.total, u)}; "
            + (
                f"fija desde el {timezone.localtime(base.congelada_en):%d/%m/%Y}."
                if base.congelada
                else "preliminar (se fija al abrir la recepción)."
            )
        )
        out = {}
        for sa in filas:
            rfc = sa.solicitud.solicitante.rfc
            fila = base.de(rfc)
            if fila is None:
                out[sa.solicitud_id] = Propuesta(
                    criterio=subcupo.criterio,
                    monto=CERO,
                    limite_legal=CERO,
                    saldo=saldo,
                    explicacion=(
                        encabezado,
                        f"{rfc} no figura entre las empresas asignadas en {base.anio_anterior}: "
                        "su participación es cero.",
                    ),
                    datos={"theta": "0", "limitado_por": "sin_antecedentes"},
                )
                continue
            try:
                m = mecanismos.monto_proporcional(
                    subcupo.monto,
                    fila.theta,
                    sa.consumo_total_auditado if sa.consumo_total_auditado is not None else CERO,
                    sa.monto_solicitado,
                    precision_monto=subcupo.cupo.decimales,
                )
            except mecanismos.MecanismoError as exc:
                out[sa.solicitud_id] = con_error(sa, saldo, exc)
                continue
            lineas = [
                encabezado,
                f"Asignado a {rfc} en {base.anio_anterior}: {formato_monto(fila.monto_anterior, u)}; "
                f"θ = {fila.theta} (precisión de {base.precision} decimales"
                + ("; ajustada para no exceder ρ" if fila.theta_ajustada else "")
                + f"); ρ = {formato_monto(subcupo.monto, u)}; monto a asignar θ·ρ = "
                f"{formato_monto(m.monto_a_asignar, u)}.",
                f"Consumo total auditado: {formato_monto(sa.consumo_total_auditado, u)}; monto "
                f"solicitado: {formato_monto(sa.monto_solicitado, u)}.",
                f"Lo menor de los tres es {formato_monto(m.monto_asignado, u)} (limitado por "
                f"{etiquetas[m.limitado_por]}).",
            ]
            limite = min(m.monto_a_asignar, sa.consumo_total_auditado or CERO)
            monto = m.monto_asignado
            previo = previos.get(rfc, CERO)
            if previo:
                limite = max(limite - previo, CERO)
                monto = min(monto, limite)
                lineas.append(
                    f"Ya se le asignaron {formato_monto(previo, u)} en este subcupo durante el "
                    f"año; el límite restante es {formato_monto(limite, u)}."
                )
            monto = con_saldo(monto, saldo, lineas, u)
            out[sa.solicitud_id] = Propuesta(
                criterio=subcupo.criterio,
                monto=monto,
                limite_legal=limite,
                saldo=saldo,
                explicacion=tuple(lineas),
                datos={
                    "theta": str(fila.theta),
                    "theta_exacta": str(fila.theta_exacta),
                    "rho": str(subcupo.monto),
                    "monto_a_asignar": str(m.monto_a_asignar),
                    "limitado_por": m.limitado_por,
                    "empresas_base": len(base.filas),
                    "base_congelada": base.congelada,
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
