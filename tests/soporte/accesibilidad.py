"""Assertions of the portal's one error pattern (issue 9, item 12) on a rendered page:
an error summary at the top linking to the field, the field's input with
``aria-invalid="true"`` and ``aria-describedby`` naming its inline error, that inline error
with the message, and the value the user typed kept."""

from __future__ import annotations

import html as html_lib
import re


def _resumen(html: str) -> str:
    inicio = html.index('id="resumen-errores"')
    return html[inicio : html.index("</div>", inicio)]


def _etiqueta(html: str, atributo: str, valor: str) -> str:
    m = re.search(
        rf'<(?:input|select|textarea|fieldset)\b[^>]*\b{atributo}="{re.escape(valor)}"[^>]*>', html
    )
    assert m, f"no hay un control con {atributo}={valor!r}"
    return m.group(0)


def _describe(etiqueta: str) -> list[str]:
    m = re.search(r'aria-describedby="([^"]*)"', etiqueta)
    return m.group(1).split() if m else []


def _error_en_linea(html: str, error_id: str, mensaje: str) -> None:
    m = re.search(rf'<div[^>]*\bid="{re.escape(error_id)}"[^>]*>(.*?)</div>', html, re.S)
    assert m, f"no hay mensaje en línea con id={error_id!r}"
    assert mensaje in html_lib.unescape(m.group(1)), m.group(1)
    assert "invalid-feedback" in m.group(0)


def assert_campo_con_error(html: str, campo_id: str, mensaje: str, valor: str | None = None):
    """The pattern for one input/select with id ``campo_id``."""
    resumen = html_lib.unescape(_resumen(html))
    assert f'href="#{campo_id}"' in resumen and mensaje in resumen, resumen
    etiqueta = _etiqueta(html, "id", campo_id)
    assert 'aria-invalid="true"' in etiqueta, etiqueta
    assert "is-invalid" in etiqueta, etiqueta
    error_id = f"{campo_id}_error"
    assert error_id in _describe(etiqueta), etiqueta
    _error_en_linea(html, error_id, mensaje)
    assert re.search(rf'<label[^>]*for="{re.escape(campo_id)}"', html), "sin <label>"
    if valor is not None:
        assert f'value="{html_lib.escape(valor)}"' in etiqueta, etiqueta


def assert_grupo_con_error(html: str, nombre: str, grupo_id: str, mensaje: str):
    """The pattern for a radio group: a fieldset (id ``grupo_id``, the summary's link) with a
    legend, described by the inline error; every radio of ``nombre`` aria-invalid and
    described by it."""
    resumen = html_lib.unescape(_resumen(html))
    assert f'href="#{grupo_id}"' in resumen and mensaje in resumen, resumen
    fieldset = _etiqueta(html, "id", grupo_id)
    assert fieldset.startswith("<fieldset"), fieldset
    error_id = f"{grupo_id}_error"
    assert error_id in _describe(fieldset), fieldset
    inicio = html.index(fieldset)
    assert "<legend" in html[inicio : html.index("</fieldset>", inicio)]
    _error_en_linea(html, error_id, mensaje)
    radios = re.findall(rf'<input\b[^>]*type="radio"[^>]*name="{re.escape(nombre)}"[^>]*>', html)
    assert radios, f"no hay radios {nombre!r}"
    for radio in radios:
        assert 'aria-invalid="true"' in radio and error_id in _describe(radio), radio


def assert_sin_errores(html: str) -> None:
    assert 'id="resumen-errores"' not in html and 'aria-invalid="true"' not in html
