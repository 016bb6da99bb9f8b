"""Cupos: catalog, asignaciones, certificados (issue 3)."""
