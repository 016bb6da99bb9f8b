"""Wizards of RAOCE (autodiscovered by tramites)."""
