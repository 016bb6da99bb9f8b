"""The portal's form renderer (``settings.FORM_RENDERER``, issue 8).

Django's own (``DjangoTemplates``), except that the plainest widgets are written here in
Python with the exact markup of Django's templates (``django/forms/widgets/``): every
``<input>`` (text, number, date, email, hidden, checkbox…), ``<select>`` with its options and
``<textarea>``. Through the template engine each of those fields cost about 0.4 ms (three
nested templates and an attribute loop), most of what a small form adds to its page. Every
other widget (radio and checkbox lists, file inputs, multi-widgets) still goes through its
template; so does any of these if a project template overrides it
(``tests/vucem/test_renderizador.py`` compares both outputs and checks that none does).
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

_W = "django/forms/widgets/"
#: Django's widget templates whose whole content is ``{% include ".../input.html" %}``.
INCLUYEN_INPUT = frozenset(
    f"{_W}{n}.html"
    for n in (
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)
INPUT = f"{_W}input.html"
SELECT = f"{_W}select.html"
SELECT_OPTION = f"{_W}select_option.html"
TEXTAREA = f"{_W}textarea.html"
ESCRITAS = INCLUYEN_INPUT | {INPUT, SELECT, SELECT_OPTION, TEXTAREA}

#: A template context as a form's widgets get one (autoescape on, settings' time zone and
#: localization), for ``{{ value }}``'s conversions.
_CONTEXTO = Context()


def _formato_s(valor) -> str:
    """``{{ valor|stringformat:'s' }}``: the filter, then autoescape (kept safe if it was)."""
    if isinstance(valor, tuple):
        valor = str(valor)
    try:
        texto = "%s" % valor  # noqa: UP031 (the filter's own formatting)
    except (ValueError, TypeError):
        return ""
    return texto if isinstance(valor, SafeData) else escape(texto)


def _valor(valor) -> str:
    """``{{ valor }}``: local time, localization, autoescape."""
    return render_value_in_context(valor, _CONTEXTO)


def atributos(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    partes = []
    for nombre, valor in attrs.items():
        if valor is False:
            continue
        if valor is True:
            partes.append(f" {_valor(nombre)}")
        else:
            partes.append(f' {_valor(nombre)}="{_formato_s(valor)}"')
    return "".join(partes)


def entrada(w: dict) -> str:
    """``input.html``."""
    valor = "" if w["value"] is None else f' value="{_formato_s(w["value"])}"'
    return f'<input type="{_valor(w["type"])}" name="{_valor(w["name"])}"{valor}{atributos(w["attrs"])}>\n'


def opcion(w: dict) -> str:
    """``select_option.html``."""
    return (
        f'<option value="{_formato_s(w["value"])}"{atributos(w["attrs"])}>'
        f"{_valor(w['label'])}</option>\n"
    )


def seleccion(w: dict) -> str | None:
    """``select.html`` (``None`` when an option has a template of its own)."""
    partes = [f'<select name="{_valor(w["name"])}"{atributos(w["attrs"])}>']
    for nombre_grupo, opciones, _indice in w["optgroups"]:
        if nombre_grupo:
            partes.append(f'\n  <optgroup label="{_valor(nombre_grupo)}">')
        for o in opciones:
            if o.get("template_name") != SELECT_OPTION:
                return None
            partes.append(f"\n  {opcion(o)}")
        if nombre_grupo:
            partes.append("\n  </optgroup>")
    partes.append("\n</select>\n")
    return "".join(partes)


def area(w: dict) -> str:
    """``textarea.html``."""
    valor = _valor(w["value"]) if w["value"] else ""
    return f'<textarea name="{_valor(w["name"])}"{atributos(w["attrs"])}>\n{valor}</textarea>\n'


class RenderizadorFormularios(DjangoTemplates):
    """``DjangoTemplates`` writing the widgets of :data:`ESCRITAS` itself (see the module
    docstring); a ``<select>`` whose options use another template falls back to it."""

    def render(self, template_name, context, request=None):
        if template_name in ESCRITAS:
            html = self._escribir(template_name, context["widget"])
            if html is not None:
                return mark_safe(html.strip())  # as BaseRenderer.render strips the template's
        return super().render(template_name, context, request)

    @staticmethod
    def _escribir(template_name: str, widget: dict) -> str | None:
        if template_name in INCLUYEN_INPUT or template_name == INPUT:
            return entrada(widget)
        if template_name == SELECT:
            return seleccion(widget)
        if template_name == SELECT_OPTION:
            return opcion(widget)
        return area(widget)
