"""Cancelación de certificados de cupo a petición del interesado (VUCEM 140104): wizard,
services, rules, forms."""
