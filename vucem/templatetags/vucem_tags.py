"""Small template helpers of the portal shell."""

import datetime as dt

from django import template

register = template.Library()


@register.filter
def minutos(valor) -> str:
    """timedelta → "30 minutos" (Spanish)."""
    if not isinstance(valor, dt.timedelta):
        return "unos minutos"
    total = max(1, round(valor.total_seconds() / 60))
    if total >= 120 and total % 60 == 0:
        return f"{total // 60} horas"
    return "1 minuto" if total == 1 else f"{total} minutos"


@register.simple_tag(takes_context=True)
def actual(context, *nombres) -> str:
    """' active" aria-current="page' when the current url name is one of ``nombres``
    (namespace:name or a namespace prefix ending in ':')."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    vista = match.view_name
    for nombre in nombres:
        if vista == nombre or (nombre.endswith(":") and vista.startswith(nombre)):
            return "active"
    return ""


@register.simple_tag(takes_context=True)
def aria_actual(context, *nombres) -> str:
    return "page" if actual(context, *nombres) else "false"


@register.simple_tag(takes_context=True)
def url_pagina(context, parametro: str, numero) -> str:
    """This page's query string with ``parametro`` set to ``numero`` (filters are kept)."""
    consulta = context["request"].GET.copy()
    consulta[parametro] = numero
    return "?" + consulta.urlencode()
