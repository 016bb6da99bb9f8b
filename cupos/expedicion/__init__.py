"""Expedición de certificados de cupo (VUCEM 120201/120202): wizard, services, rules, forms."""
