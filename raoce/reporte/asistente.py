"""Wizard: Reporte anual de programa de la SE (RAOCE; trámites 150101 PF / 150102 PM).

Steps in :mod:`raoce.reporte.pasos`; Paso 2 Firmar is the engine's.
:meth:`AsistenteReporteAnual.al_firmar` re-validates under row locks and hands the report to
:func:`raoce.reporte.presentacion.al_presentar_reporte` (reactivation, replication
IMMEX → PROSEC, ALTEX/ECEX oficios); :meth:`~AsistenteReporteAnual.lineas_acuse` describes
it on the acuse.
"""

from __future__ import annotations

from tramites.models import EstadoSolicitud
from tramites.reglas import ReglaError
from tramites.wizard import Asistente, registrar

from ..models import ReporteAnual
from . import disponibilidad, reglas
from .borrador import (
    bienes_de,
    importaciones_requeridas,
    programas_de,
    recordar_programas,
    recordar_reporte,
    reporte_de,
)
from .compromisos import filas_compromisos
from .importes import formato_miles, formato_periodo, formato_porcentaje, texto_miles
from .pasos import PasoDatos, PasoProgramas, PasoSolicitanteReporte
from .presentacion import Presentacion, al_presentar_reporte, bloquear_del_reporte
from .programas import GrupoProgramas

CLAVE = "reporte-anual"
#: Set on the solicitud (the locked report, or None) once the signing transaction locked it.
_BLOQUEADO = "_raoce_bloqueado"


def cifras(reporte: ReporteAnual) -> list[tuple[str, str]]:
    """The figures reported (signing page and acuse): a, b, c, saldo, porcentaje and each
    bien producido."""
    filas = [
        ("Ventas totales (a)", formato_miles(reporte.ventas_totales)),
        ("Total exportaciones (b)", formato_miles(reporte.total_exportaciones)),
        (
            "Total importaciones (c)",
            formato_miles(reporte.total_importaciones)
            if importaciones_requeridas(reporte)
            else "No se captura (IMMEX con programas ligados)",
        ),
        ("Saldo b-c", formato_miles(reporte.saldo)),
        ("Porcentaje exportación b/a*100", formato_porcentaje(reporte.porcentaje_exportacion)),
    ]
    for i, b in enumerate(bienes_de(reporte), start=1):
        filas.append(
            (
                f"Bien producido {i}",
                f"{b.clave_sector} · fracción {b.fraccion_arancelaria} · "
                f"{b.volumen:,.3f} {b.unidad_medida}",
            )
        )
    return filas


def cifras_acuse(reporte: ReporteAnual) -> list[dict]:
    return [{"etiqueta": e, "valor": v} for e, v in cifras(reporte)]


@registrar
class AsistenteReporteAnual(Asistente):
    clave = CLAVE
    titulo = "Reporte anual de programa de la SE"
    pasos = [PasoSolicitanteReporte, PasoProgramas, PasoDatos]
    # Signing files the report (and reactivates/ratifies at once): it is finished.
    estados_concluidos = frozenset({EstadoSolicitud.FIRMADA, EstadoSolicitud.RESUELTA})

    def estado_para_usuario(self, solicitud) -> str:
        if solicitud.estado == EstadoSolicitud.FIRMADA:
            return "Reporte presentado"
        return super().estado_para_usuario(solicitud)

    def disponibilidad(self, persona, hoy=None):
        """Only in the filing window and with a program that must report."""
        return disponibilidad.reporte_anual(persona, hoy)

    def cadena_campos(self, solicitud):
        """Fixed order: periodo (año reportado); each program as ``TIPO NÚMERO`` (IMMEX
        first, then PROSEC, ALTEX, ECEX; by número); ventas totales (a), total
        exportaciones (b), total importaciones (c, empty when not captured), saldo b − c,
        all with 3 decimals; porcentaje b/a·100 with 2 decimals; then, for each bien
        producido in its order: clave y sector, fracción arancelaria, unidad de medida,
        volumen (3 decimals)."""
        reporte = reporte_de(solicitud)
        if reporte is None:
            return []
        campos: list[tuple[str, object]] = [("periodo", reporte.periodo)]
        for i, p in enumerate(programas_de(reporte), start=1):
            campos.append((f"programa_{i}", f"{p.tipo} {p.numero}"))
        campos += [
            ("ventas_totales", texto_miles(reporte.ventas_totales)),
            ("total_exportaciones", texto_miles(reporte.total_exportaciones)),
            ("total_importaciones", texto_miles(reporte.total_importaciones)),
            ("saldo", texto_miles(reporte.saldo)),
            (
                "porcentaje_exportacion",
                None
                if reporte.porcentaje_exportacion is None
                else f"{reporte.porcentaje_exportacion:.2f}",
            ),
        ]
        for i, b in enumerate(bienes_de(reporte), start=1):
            campos += [
                (f"bien_{i}_clave_sector", b.clave_sector),
                (f"bien_{i}_fraccion", b.fraccion_arancelaria),
                (f"bien_{i}_unidad", b.unidad_medida),
                (f"bien_{i}_volumen", texto_miles(b.volumen)),
            ]
        return campos

    def resumen(self, solicitud):
        reporte = reporte_de(solicitud)
        if reporte is None:
            return []
        programas = programas_de(reporte)
        filas: list[tuple[str, object]] = [
            ("Periodo que cubre el reporte anual", formato_periodo(reporte.periodo)),
        ]
        if programas:
            grupo = GrupoProgramas(programas)
            filas += [
                ("Folio de programa", grupo.folio),
                ("Tipo de programa", grupo.tipo),
                ("Modalidad", grupo.modalidad or "—"),
                ("Estatus", grupo.estatus),
            ]
        return [*filas, *cifras(reporte), *filas_compromisos(reporte, programas)]

    def bloquear_para_firma(self, solicitud) -> None:
        """The report and its programs (with their persona), locked in the signing
        transaction before the engine checks the rules: the checks, the cadena and
        :meth:`al_firmar` read these rows (another solicitud may report the same programs)."""
        reporte = ReporteAnual.objects.select_for_update().filter(solicitud=solicitud).first()
        recordar_reporte(solicitud, reporte)  # the checks below read it after the locks
        if reporte is not None:
            reporte.solicitud = solicitud
            recordar_programas(reporte, bloquear_del_reporte(reporte))
        solicitud.__dict__[_BLOQUEADO] = reporte

    def al_firmar(self, solicitud, *, usuario) -> Presentacion:
        """Inside the signing transaction: present the report. The engine locked the report
        and its programs (:meth:`bloquear_para_firma`) and checked every rule on them in this
        transaction; called any other way, it locks and checks here."""
        if _BLOQUEADO not in solicitud.__dict__:
            self.bloquear_para_firma(solicitud)
            errores = self.validar_para_firma(solicitud)
            if errores:
                raise ReglaError(" ".join(errores), "reporte_invalido")
        reporte = solicitud.__dict__[_BLOQUEADO]
        if reporte is None:
            raise reglas.SinReporte.falla()
        return al_presentar_reporte(
            reporte, usuario=usuario, programas=programas_de(reporte), verificados=True
        )

    def lineas_acuse(self, solicitud, presentacion: Presentacion) -> list[dict]:
        """Period and programs, the figures reported, then what the filing did."""
        reporte = reporte_de(solicitud)
        return [*presentacion.presentados, *cifras_acuse(reporte), *presentacion.efectos]
