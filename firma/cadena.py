"""The cadena original: the exact string a sello digital covers."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

#: How dates and moments read in every cadena (DD/MM/YYYY, as on every document; moments in
#: the time zone of Mexico City, the project's TIME_ZONE).
FORMATO_FECHA = "%d/%m/%Y"
FORMATO_FECHA_HORA = "%d/%m/%Y %H:%M:%S"


def texto_campo(valor) -> str:
    """One value as the cadena writes it: dates ``DD/MM/YYYY``, datetimes
    ``DD/MM/YYYY HH:MM:SS`` (local time of Mexico City), anything else ``str``."""
    if valor is None:
        return ""
    if isinstance(valor, dt.datetime):
        if timezone.is_aware(valor):
            valor = timezone.localtime(valor)
        return valor.strftime(FORMATO_FECHA_HORA)
    if isinstance(valor, dt.date):
        return valor.strftime(FORMATO_FECHA)
    return str(valor)


def construir_cadena(campos: list[tuple[str, object]]) -> str:
    """Cadena original ``|v1|v2|…|vn||`` in the caller's fixed order.

    Values are stripped, ``|`` inside values is replaced by a space and runs of
    whitespace collapse, so the cadena is unambiguous and reproducible. Dates and datetimes
    read DD/MM/YYYY (:func:`texto_campo`).
    """
    valores = []
    for _nombre, valor in campos:
        texto = texto_campo(valor)
        texto = " ".join(texto.replace("|", " ").split())
        valores.append(texto)
    return "|" + "|".join(valores) + "||"
