"""Small template helpers of the portal shell."""

import datetime as dt
import functools
from types import SimpleNamespace

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse

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


@register.simple_tag(takes_context=True)
def menu_principal(context) -> str:
    """``includes/menu.html``, rendered once per process for each combination of what it
    depends on (the role's flags, the current view for «active», the URL prefix and URLconf)
    instead of on every page: its dozen ``{% url %}`` and «active» tags cost ~0.2 ms of
    each page (issue 8). Rendered every time with DEBUG on (templates edited live)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    user = context.get("user")
    return _por_proceso(
        _menu,
        bool(context.get("es_staff_rol")),
        bool(context.get("es_solicitante_rol")),
        bool(getattr(user, "is_staff", False)),
        bool(context.get("puede_cambiar_rol")),
        match.view_name if match is not None else None,
    )


def _por_proceso(recordada, *clave):
    """``recordada`` (an ``lru_cache`` of one tuple) for ``clave`` plus the URL prefix and
    URLconf, which every URL it holds depends on; worked out every time with DEBUG on
    (templates edited live)."""
    clave = (*clave, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    if settings.DEBUG:
        return recordada.__wrapped__(clave)
    return recordada(clave)


@functools.lru_cache(maxsize=2048)
def _menu(clave: tuple) -> str:
    es_staff_rol, es_solicitante_rol, is_staff, puede_cambiar_rol, vista = clave[:5]
    peticion = SimpleNamespace(
        resolver_match=SimpleNamespace(view_name=vista) if vista is not None else None
    )
    return get_template("includes/menu.html").render(
        {
            "request": peticion,
            "user": SimpleNamespace(is_staff=is_staff),
            "es_staff_rol": es_staff_rol,
            "es_solicitante_rol": es_solicitante_rol,
            "puede_cambiar_rol": puede_cambiar_rol,
        }
    )


@register.simple_tag
def url_fija(nombre: str) -> str:
    """``{% url nombre %}`` of a view without arguments, worked out once per process for
    each URL prefix and URLconf (the shell of every page asks for the same few; issue 8).
    Worked out every time with DEBUG on."""
    return _por_proceso(_url_fija, nombre)


@functools.lru_cache(maxsize=256)
def _url_fija(clave: tuple) -> str:
    return reverse(clave[0])


@register.simple_tag
def modal_sesion() -> str:
    """``includes/sesion_modal.html`` (fixed text and two URLs), rendered once per process
    for each URL prefix and URLconf, as :func:`menu_principal`."""
    return _por_proceso(_modal_sesion)


@functools.lru_cache(maxsize=64)
def _modal_sesion(clave: tuple) -> str:
    return get_template("includes/sesion_modal.html").render({})
