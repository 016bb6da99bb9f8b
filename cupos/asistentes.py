"""Wizards of cupos; each area registers its own."""
