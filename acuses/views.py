"""Views: "Acuses y resoluciones" (list + download, owner only) and public verification."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from acuses.forms import BusquedaDocumentosForm, VerificacionForm
from acuses.services import (
    buscar_documentos,
    contar_documentos_visibles,
    documentos_visibles,
    obtener_pdf,
    primeros_documentos_visibles,
    verificar_documento,
)
from acuses.tasks import pedir_al_worker
from vucem.limites import excede_limite

logger = logging.getLogger(__name__)

POR_PAGINA = 20


@login_required
@require_GET
def lista(request):
    form = BusquedaDocumentosForm(
        request.GET if "buscar" in request.GET or _tiene_filtros(request) else None
    )
    documentos = documentos_visibles(request)
    if form.is_bound:
        if form.is_valid():
            documentos = buscar_documentos(documentos, **form.cleaned_data)
        else:
            documentos = documentos.none()
    paginador = Paginator(documentos, POR_PAGINA)
    if not form.is_bound:  # the page as it opens: counted in SQL compiled once per process
        paginador.count = contar_documentos_visibles(request)  # a cached_property
    pagina = paginador.get_page(request.GET.get("pagina"))
    if not pagina.paginator.count:
        pagina.object_list = []  # nothing to list: no (empty) query to build for the rows
    elif not form.is_bound and pagina.number == 1:  # as it opens: SQL compiled once
        pagina.object_list = primeros_documentos_visibles(request, POR_PAGINA)
    consulta = request.GET.copy()
    consulta.pop("pagina", None)
    return render(
        request,
        "acuses/lista.html",
        {
            "form": form,
            "pagina": pagina,
            "consulta": consulta.urlencode(),
            "sin_persona": not getattr(request, "persona", None),
        },
    )


def _tiene_filtros(request) -> bool:
    return any(request.GET.get(k) for k in ("folio", "fecha_inicial", "fecha_final"))


@login_required
@require_GET
@never_cache
def descargar(request, pk):
    return respuesta_pdf(request, get_object_or_404(documentos_visibles(request), pk=pk))


#: Seconds before the "generando" page reloads itself.
RECARGA_GENERANDO = 2


def respuesta_pdf(request, documento, *, adjunto: bool = True):
    """The document's PDF. Not made yet: with a worker, a page that waits for it (202, reloads
    itself); without one (eager Celery, broker down), rendered here. A Spanish 503 page if it
    cannot be made."""
    documento.refresh_from_db()
    if not documento.pdf_generado and pedir_al_worker(documento.pk):
        respuesta = render(
            request,
            "acuses/generando.html",
            {"documento": documento, "segundos": RECARGA_GENERANDO},
            status=202,
        )
        respuesta["Retry-After"] = str(RECARGA_GENERANDO)
        respuesta["Cache-Control"] = "no-store"
        return respuesta
    try:
        contenido = obtener_pdf(documento, refrescar=False)
    except Exception:
        logger.exception("No se pudo generar el PDF del documento %s", documento.pk)
        return render(request, "acuses/no_disponible.html", {"documento": documento}, status=503)
    respuesta = HttpResponse(contenido, content_type="application/pdf")
    respuesta["Content-Disposition"] = content_disposition_header(
        adjunto, f"{documento.tipo}-{documento.folio}.pdf"
    )
    respuesta["X-Content-Type-Options"] = "nosniff"
    return respuesta


@require_GET
def verificar(request):
    """Public: anyone holding a document (or its QR) checks it by folio + código."""
    enviado = "folio" in request.GET or "codigo" in request.GET
    form = VerificacionForm(request.GET if enviado else None)
    contexto = {"form": form, "buscado": False, "resultado": None}
    if enviado:
        # Shared store (Redis) in production; degrades to a per-process limit if it fails.
        if excede_limite(request, grupo="acuses:verificar", rate=settings.RATELIMIT_VERIFICACION):
            respuesta = render(
                request, "acuses/verificar.html", {**contexto, "limitado": True}, status=429
            )
            respuesta["Retry-After"] = "60"
            return respuesta
        if form.is_valid():
            contexto["buscado"] = True
            contexto["resultado"] = verificar_documento(
                form.cleaned_data["folio"], form.cleaned_data["codigo"]
            )
    return render(request, "acuses/verificar.html", contexto)
