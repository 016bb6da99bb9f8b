"""Wizards of RAOCE (autodiscovered by tramites)."""

from raoce import asistente_reporte  # noqa: F401
