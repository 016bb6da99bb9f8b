"""Wizards of RAOCE (autodiscovered by tramites): importing them registers them."""

from raoce.reporte import asistente  # noqa: F401
from raoce.reporte.borrador import RELACION_REPORTE
from tramites import selectors

# Each step of the report's wizard reads its draft with the report in one query.
if RELACION_REPORTE not in selectors.RELACIONADOS_BORRADOR:
    selectors.RELACIONADOS_BORRADOR.append(RELACION_REPORTE)
