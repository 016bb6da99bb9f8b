"""Views of the "Bandeja de tareas pendientes" (the portal's home) and its notices.

They are served under the portal's ``vucem`` URL namespace (composed in ``vucem.urls``).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tramites import bandeja as bandeja_svc
from tramites.models import Notificacion
from tramites.wizard import obtener_asistente, tiene_asistente
from vucem.forms import BandejaFiltrosForm
from vucem.models import ROLES_SOLICITANTE
from vucem.services import ROLES_STAFF
from vucem.views import _siguiente

POR_PAGINA = 25
VISTA_PENDIENTES = "pendientes"
VISTA_CONCLUIDAS = "concluidas"


def _url_solicitud(solicitud, rol):
    if rol in ROLES_STAFF:
        if tiene_asistente(solicitud.tramite):
            url = obtener_asistente(solicitud.tramite).url_oficina(solicitud)
            if url:
                return url
        try:
            return reverse("admin:tramites_solicitud_change", args=[solicitud.pk])
        except NoReverseMatch:
            return reverse("admin:index")
    return reverse("tramites:continuar", args=[solicitud.numero_temporal])


@never_cache
@login_required
def bandeja(request):
    """Bandeja de tareas pendientes (home)."""
    rol, persona = request.rol, request.persona
    if rol is None or (rol not in ROLES_STAFF and persona is None):
        messages.info(request, "Seleccione el rol y el solicitante con los que desea trabajar.")
        return redirect("vucem:seleccionar_rol")
    form = BandejaFiltrosForm(request.GET or None)
    filtros = bandeja_svc.FiltrosBandeja()
    if form.is_bound and form.is_valid():
        filtros = bandeja_svc.FiltrosBandeja(**form.cleaned_data)
    url_de = lambda s: _url_solicitud(s, rol)  # noqa: E731
    es_staff = rol in ROLES_STAFF
    # Two tabs: what needs action or is in process, and what is finished. Each list is
    # paginated on its own; the filters (and the tab) stay in the query string.
    vista = VISTA_CONCLUIDAS if request.GET.get("vista") == VISTA_CONCLUIDAS else VISTA_PENDIENTES
    if es_staff:
        vista = VISTA_PENDIENTES
    contexto = {
        "form": form,
        "vista": vista,
        "consulta_filtros": _consulta_filtros(request),
        "notificaciones": bandeja_svc.avisos_en_bandeja(persona, request.user, rol),
        "es_staff": es_staff,
        "es_solicitante": rol in ROLES_SOLICITANTE,
        "vigencia_dias": settings.BORRADOR_DIAS_VIGENCIA,
    }
    consultas = {
        "borradores": bandeja_svc.borradores_de,
        "tareas": bandeja_svc.tareas_de,
        "concluidas": bandeja_svc.concluidas_de,
    }
    # A solicitante's or capturista's three lists are counted in one query (the tabs'
    # badges and the paginators); the staff's queue is counted by its paginator.
    totales = None if es_staff else bandeja_svc.totales(request.user, rol, persona, filtros)
    visibles = ("concluidas",) if vista == VISTA_CONCLUIDAS else ("borradores", "tareas")
    for nombre in visibles:
        if totales is not None and not totales[nombre]:
            paginador = Paginator([], POR_PAGINA)  # empty: no query to build at all
        else:
            qs = consultas[nombre](request.user, rol, persona, filtros)
            paginador = Paginator(qs, POR_PAGINA)
            if totales is not None:
                paginador.count = totales[nombre]  # a cached_property: not counted again
        pagina = paginador.get_page(request.GET.get(f"pagina_{nombre}"))
        contexto[f"pagina_{nombre}"] = pagina
        contexto[nombre] = bandeja_svc.filas(pagina.object_list, url_de=url_de)
    if es_staff:
        bandeja_svc.con_plazo(contexto["tareas"])
    else:
        contexto["total_pendientes"] = totales["borradores"] + totales["tareas"]
        contexto["total_concluidas"] = totales["concluidas"]
    return render(request, "vucem/bandeja.html", contexto)


def _consulta_filtros(request) -> str:
    """The query string of the filters only (no tab, no page): the tabs' links keep them."""
    consulta = request.GET.copy()
    for clave in [k for k in consulta if k == "vista" or k.startswith("pagina")]:
        consulta.pop(clave)
    return consulta.urlencode()


@never_cache
@login_required
@require_POST
def marcar_leida(request, pk):
    """Mark one notice of the acting persona as read; anyone else's is a 404."""
    try:
        bandeja_svc.marcar_leida(request.persona, pk, request.user, request.rol)
    except Notificacion.DoesNotExist:
        raise Http404("No existe la notificación.") from None
    messages.success(request, "La notificación se marcó como leída.")
    return redirect(_siguiente(request))


@never_cache
@login_required
@require_POST
def marcar_todas_leidas(request):
    """Mark as read the notices the bandeja showed (posted as ``id``) of the acting persona."""
    if request.persona is None:
        raise Http404("No hay un solicitante activo.")
    marcadas = bandeja_svc.marcar_leidas(
        request.persona, request.POST.getlist("id"), request.user, request.rol
    )
    if marcadas:
        messages.success(request, "Las notificaciones se marcaron como leídas.")
    return redirect(_siguiente(request))


#: Added to the ``vucem`` namespace by the root URLconf.
urlpatterns = [
    path("", bandeja, name="bandeja"),
    path("notificaciones/<int:pk>/leida/", marcar_leida, name="marcar_leida"),
    path("notificaciones/leidas/", marcar_todas_leidas, name="marcar_todas_leidas"),
]
