"""The proportional simulator in the browser (issue 10 item 3): staff only (same access as
the dictamen desk; anyone else gets 404), one page per subcupo, paginated, and its CSV."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cupos import montos
from cupos.asignacion import simulador
from cupos.asignacion.views import dictaminador_requerido
from cupos.models import Criterio, SolicitudAsignacion, Subcupo

#: Companies of the base per page.
POR_PAGINA = 50


def _subcupo_o_404(subcupo_id: int) -> Subcupo:
    sub = get_object_or_404(Subcupo.objects.select_related("cupo"), pk=subcupo_id)
    if sub.criterio != Criterio.PROPORCIONAL:
        raise Http404("El simulador es para subcupos de participación proporcional.")
    return sub


@dictaminador_requerido
@require_GET
def simulador_subcupo(request, subcupo_id: int):
    sub = _subcupo_o_404(subcupo_id)
    sim = simulador.simular(sub)
    u = sub.cupo.get_unidad_display()
    pagina = Paginator(sim.filas, POR_PAGINA).get_page(request.GET.get("pagina"))
    folio = (request.GET.get("folio") or "")[:40]
    origen = (
        SolicitudAsignacion.objects.filter(subcupo=sub, solicitud__folio=folio)
        .values_list("solicitud__folio", flat=True)
        .first()
        if folio
        else None
    )
    return render(
        request,
        "cupos/dictamen/simulador.html",
        {
            "sub": sub,
            "cupo": sub.cupo,
            "sim": sim,
            "pagina": pagina,
            "unidad": u,
            "rho": montos.formato_monto(sim.rho, u),
            "saldo": montos.formato_monto(sim.saldo, u),
            "total_anterior": montos.formato_monto(sim.base.total, u),
            "total_a_asignar": montos.formato_monto(sim.total_a_asignar, u),
            "total_propuesto": montos.formato_monto(sim.total_propuesto, u),
            "total_asignado": montos.formato_monto(sim.total_asignado, u),
            "folio_origen": origen,
        },
    )


@dictaminador_requerido
@require_GET
def simulador_csv(request, subcupo_id: int):
    """Every row (not paginated) as CSV: numbers as plain decimals, UTF-8 with BOM."""
    sub = _subcupo_o_404(subcupo_id)
    sim = simulador.simular(sub)
    respuesta = HttpResponse(content_type="text/csv; charset=utf-8")
    nombre = f"simulador-{sub.cupo.clave}-{sub.clave}.csv"
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
    respuesta.write("\ufeff")  # so spreadsheet programs read the accents as UTF-8
    escritor = csv.writer(respuesta)
    escritor.writerow(simulador.COLUMNAS_CSV)
    for fila in sim.todas():
        escritor.writerow(fila.a_csv())
    return respuesta
