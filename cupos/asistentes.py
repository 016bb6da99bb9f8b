"""Wizards of cupos, found by tramites' autodiscovery; each area keeps its own module."""

from cupos import asistente_asignacion, asistente_cancelacion, asistente_expedicion  # noqa: F401
