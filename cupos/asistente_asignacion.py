"""Wizard: solicitud de asignación de cupo (120401/120402)."""
