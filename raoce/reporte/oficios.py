"""Automatic oficios of ALTEX/ECEX (seed 003): ratificación when the report meets the
export commitment, cancelación when an ALTEX does not. Issued as sealed documents by
:func:`acuses.services.emitir_sellado` (type *oficio*).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from acuses.models import Documento
from acuses.services import emitir_sellado

from ..estatus import dmy
from ..models import ReporteAnual, TipoPrograma
from .compromisos import NOMBRES_REGISTRO, Evaluacion
from .importes import cifra_miles, formato_periodo, formato_usd

FUNDAMENTO_ALTEX = (
    "Decreto para el Fomento y Operación de las Empresas Altamente Exportadoras (ALTEX), "
    "DOF 03/05/1990; Artículo Cuarto Transitorio del Decreto para el fomento de la Industria "
    "Manufacturera, Maquiladora y de Servicios de Exportación, DOF 24/12/2010."
)
FUNDAMENTO_ECEX = (
    "Decreto que establece Programas para Empresas de Comercio Exterior (ECEX), DOF "
    "11/04/1997; Artículo Cuarto Transitorio del Decreto para el fomento de la Industria "
    "Manufacturera, Maquiladora y de Servicios de Exportación, DOF 24/12/2010."
)


def _texto(reporte: ReporteAnual, ev: Evaluacion, tc: Decimal, fecha: dt.date, ratifica: bool):
    """(body, resultado) of the oficio."""
    s, p, persona = reporte.solicitud, ev.programa, reporte.solicitud.solicitante
    registro = NOMBRES_REGISTRO[p.tipo]
    cifras = (
        f"ventas totales por {cifra_miles(reporte.ventas_totales)} miles de pesos y "
        f"exportaciones por {cifra_miles(reporte.total_exportaciones)} miles de pesos, "
        f"equivalentes a {formato_usd(ev.dolares)} al tipo de cambio promedio de "
        f"{reporte.periodo} de {tc} pesos por dólar"
        + (f" ({ev.porcentaje} % de sus ventas totales)" if ev.porcentaje is not None else "")
    )
    antecedente = (
        f"{persona.nombre}, con RFC {persona.rfc}, presentó el {dmy(fecha)} el Reporte Anual de "
        f"Operaciones de Comercio Exterior del ejercicio {reporte.periodo} con el folio {s.folio}, "
        f"en el que manifestó {cifras}."
    )
    if ratifica:
        texto = (
            f"{antecedente}\n\nLa empresa cumple con el compromiso de exportación del programa "
            f"{p.tipo} ({ev.regla}).\n\nEn consecuencia, esta Secretaría ratifica el registro "
            f"{p.numero} de {registro} ({p.tipo}) de {persona.nombre}."
        )
        return texto, "Registro ratificado"
    texto = (
        f"{antecedente}\n\nLa empresa no cumple con el compromiso de exportación del programa "
        f"{p.tipo} ({ev.regla}).\n\nEn consecuencia, esta Secretaría cancela el registro "
        f"{p.numero} de {registro} ({p.tipo}) de {persona.nombre} a partir de la fecha de "
        "este oficio."
    )
    return texto, "Registro cancelado"


def emitir_oficio(
    reporte: ReporteAnual, ev: Evaluacion, tc: Decimal, fecha: dt.date, *, ratifica: bool
) -> Documento:
    """Issue the oficio de ratificación (``ratifica``) or de cancelación of ``ev.programa``."""
    s = reporte.solicitud
    p = ev.programa
    clase = "ratificación" if ratifica else "cancelación"
    texto, resultado = _texto(reporte, ev, tc, fecha, ratifica)
    campos = [
        ("folio", s.folio),
        ("oficio", "RATIFICACION" if ratifica else "CANCELACION"),
        ("programa", p.tipo),
        ("registro", p.numero),
        ("rfc", s.solicitante.rfc),
        ("periodo", reporte.periodo),
        ("ventas_totales", reporte.ventas_totales),
        ("total_exportaciones", reporte.total_exportaciones),
        ("tipo_cambio", tc),
        ("exportaciones_usd", ev.dolares),
        ("porcentaje_exportacion", ev.porcentaje),
        ("fecha", fecha),  # DD/MM/YYYY (firma.cadena)
    ]
    return emitir_sellado(
        solicitud=s,
        tipo=Documento.Tipo.OFICIO,
        titulo=f"Oficio de {clase} de registro de {NOMBRES_REGISTRO[p.tipo]}",
        encabezado="OFICIO",
        campos_cadena=campos,
        con_sello_solicitante=True,
        contexto={
            "resultado": resultado,
            "texto": texto,
            "fundamento": FUNDAMENTO_ALTEX if p.tipo == TipoPrograma.ALTEX else FUNDAMENTO_ECEX,
            "programa": {"tipo": p.tipo, "numero": p.numero, "modalidad": p.modalidad},
            "periodo": reporte.periodo,
            "lineas": [
                {"etiqueta": "Programa", "valor": f"{p.tipo} {p.numero}"},
                {
                    "etiqueta": "Periodo que cubre el reporte",
                    "valor": formato_periodo(reporte.periodo),
                },
                {
                    "etiqueta": "Ventas totales (a), miles de pesos",
                    "valor": cifra_miles(reporte.ventas_totales),
                },
                {
                    "etiqueta": "Total exportaciones (b), miles de pesos",
                    "valor": cifra_miles(reporte.total_exportaciones),
                },
                {
                    "etiqueta": "Porcentaje de exportación b/a*100",
                    "valor": "" if ev.porcentaje is None else f"{ev.porcentaje} %",
                },
                {
                    "etiqueta": f"Tipo de cambio promedio {reporte.periodo}",
                    "valor": f"{tc} pesos por dólar",
                },
                {"etiqueta": "Exportaciones en dólares", "valor": formato_usd(ev.dolares)},
                {"etiqueta": "Compromiso de exportación", "valor": ev.texto},
            ],
        },
    )
