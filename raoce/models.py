"""RAOCE: programs and annual reports (a later issue)."""
