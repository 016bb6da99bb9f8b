"""The solicitante's history page of a solicitud (issue 10, item 7). Scoped like every
solicitud page (tramites.selectors: the acting persona; a capturista, what it captured):
anyone else's answers 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tramites.historial import secciones_de_solicitud
from tramites.selectors import solicitud_de_sesion_o_404


@login_required
@require_GET
def solicitud(request, numero_temporal):
    s = solicitud_de_sesion_o_404(request, numero_temporal)
    return render(
        request,
        "tramites/historial.html",
        {
            "titulo": f"Historial de la solicitud {s.referencia}",
            "subtitulo": f"{s.tramite.vucem_id} · {s.tramite.nombre}",
            "secciones": secciones_de_solicitud(s),
            "solicitud": s,
        },
    )
