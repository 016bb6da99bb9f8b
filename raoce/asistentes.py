"""Wizards of RAOCE (autodiscovered by tramites): importing them registers them."""

from raoce.reporte import asistente  # noqa: F401
