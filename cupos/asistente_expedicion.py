"""Wizard: expedición de certificados de cupo por asignación directa (120201/120202)."""
