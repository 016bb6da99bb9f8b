"""The cadena original: the exact string a sello digital covers."""

from __future__ import annotations


def construir_cadena(campos: list[tuple[str, object]]) -> str:
    """Cadena original ``|v1|v2|…|vn||`` in the caller's fixed order.

    Values are stripped, ``|`` inside values is replaced by a space and runs of
    whitespace collapse, so the cadena is unambiguous and reproducible.
    """
    valores = []
    for _nombre, valor in campos:
        texto = "" if valor is None else str(valor)
        texto = " ".join(texto.replace("|", " ").split())
        valores.append(texto)
    return "|" + "|".join(valores) + "||"
