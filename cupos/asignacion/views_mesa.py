"""Tools of the dictamen desk next to the queue (``views.lista``): turning a solicitud to a
dictaminador ("Asignarme", or nivel central assigning anyone) and exporting the filtered
queue as CSV or Excel. Same access as the queue: dictamen staff only, anyone else 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from acuses.services import obtener_pdf
from cupos.asignacion import cola
from cupos.asignacion.views import dictaminador_requerido
from tramites import mesa_dictamen
from tramites.exportar import exportar
from tramites.models import Solicitud
from tramites.reglas import TramiteError
from vucem.services import RE_ID


def _volver(request):
    siguiente = request.POST.get("siguiente", "")
    if siguiente and url_has_allowed_host_and_scheme(
        siguiente, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(siguiente)
    return redirect("cupos:dictamen_lista")


@dictaminador_requerido
@require_POST
def asignar(request, folio):
    """POST ``dictaminador`` (a user id; nivel central) or nothing ("Asignarme")."""
    s = get_object_or_404(Solicitud, folio=folio, asignacion_detalle__isnull=False)
    elegido = request.user
    valor = request.POST.get("dictaminador", "")
    if valor:
        if not RE_ID.fullmatch(valor):
            raise Http404("Dictaminador no válido.")
        elegido = mesa_dictamen.dictaminadores().filter(pk=int(valor)).first()
        if elegido is None:
            messages.error(request, "Seleccione un dictaminador activo.")
            return _volver(request)
    try:
        mesa_dictamen.asignar_dictaminador(s, elegido, usuario=request.user)
    except TramiteError as exc:
        messages.error(request, exc.mensaje)
    else:
        quien = "usted" if elegido == request.user else mesa_dictamen.nombre_de(elegido)
        messages.success(request, f"La solicitud {s.folio} quedó asignada a {quien}.")
    return _volver(request)


@dictaminador_requerido
@require_GET
def exportar_cola(request, formato):
    """The pending queue with the current filters (every page), as CSV or XLSX."""
    hoy = timezone.localdate()
    cal = mesa_dictamen.calendario_para(hoy)
    form = cola.FiltroColaForm(request.GET or None)
    filas = cola.filas_pendientes(
        cola.pendientes(form, usuario=request.user, hoy=hoy, calendario=cal),
        hoy=hoy,
        calendario=cal,
    )
    return exportar(
        formato,
        f"cola-dictamen-{hoy:%Y%m%d}",
        cola.ENCABEZADOS_PENDIENTES,
        cola.exportables_pendientes(filas),
        hoja="Cola de dictamen",
    )


@dictaminador_requerido
@require_GET
def documento(request, folio, pk):
    """A document issued for a solicitud de asignación (oficio, resolución, acuse), opened
    by the dictamen staff from the resolved list."""
    s = get_object_or_404(Solicitud, folio=folio, asignacion_detalle__isnull=False)
    doc = get_object_or_404(s.documentos, pk=pk)
    r = HttpResponse(obtener_pdf(doc), content_type="application/pdf")
    r["Content-Disposition"] = content_disposition_header(True, f"{doc.tipo}-{doc.folio}.pdf")
    r["X-Content-Type-Options"] = "nosniff"
    return r
