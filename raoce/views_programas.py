"""The solicitante's RAOCE programs and the history of each (issue 10, item 7): estatus,
since when, and every change (who, when, from, to, why) with human labels. Only the
solicitante acting for itself sees its programs; anyone else's answers 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from raoce.models import EstatusPrograma, Programa
from tramites.historial import Seccion, entradas
from vucem.acceso import es_solicitante, persona_activa_o_404

ETIQUETAS_PROGRAMA = dict(EstatusPrograma.choices)


def _programas(request):
    persona = persona_activa_o_404(request)
    if not es_solicitante(request):
        raise Http404("Solo el solicitante consulta sus programas.")
    return Programa.objects.filter(persona=persona)


@login_required
@require_GET
def lista(request):
    return render(
        request,
        "raoce/programas.html",
        {"programas": _programas(request).order_by("tipo", "numero")},
    )


@login_required
@require_GET
def historial(request, pk):
    programa = get_object_or_404(_programas(request), pk=pk)
    return render(
        request,
        "tramites/historial.html",
        {
            "titulo": f"Historial del programa {programa.get_tipo_display()} {programa.numero}",
            "subtitulo": (
                f"Estatus: {programa.get_estatus_display()} desde el "
                f"{timezone.localtime(programa.estatus_desde):%d/%m/%Y}"
            ),
            "secciones": [Seccion("Cambios de estatus", entradas(programa, ETIQUETAS_PROGRAMA))],
            "volver": reverse("raoce:programas"),
        },
    )
