"""Staff views of what the dictamen issued: open an oficio / resolución / acuse of a
solicitud de asignación (dictaminador and nivel central), and revoke a vigente oficio
(nivel central only, :mod:`cupos.asignacion.revocacion`). Anyone else gets 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from acuses.views import respuesta_pdf
from cupos import montos
from cupos.asignacion import revocacion
from cupos.asignacion.views import _solicitud_o_404, dictaminador_requerido
from cupos.models import Asignacion
from tramites.reglas import TramiteError


class RevocarForm(forms.Form):
    motivo = forms.CharField(
        label="Motivo de la revocación",
        help_text="Se notifica al beneficiario y se muestra en la verificación pública del oficio.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Capture el motivo de la revocación."},
    )


@dictaminador_requerido
@require_GET
@never_cache
def documento(request, folio, pk):
    """The PDF of one document of the solicitud (inline; ``?descargar=1`` as a file)."""
    s, _sa = _solicitud_o_404(folio)
    doc = get_object_or_404(s.documentos, pk=pk)
    return respuesta_pdf(request, doc, adjunto=bool(request.GET.get("descargar")))


@dictaminador_requerido
@require_http_methods(["GET", "POST"])
def revocar(request, anio, numero):
    """Nivel central revokes an oficio de asignación (año + número), with a motivo."""
    if not revocacion.puede_revocar(request.user):
        raise Http404("Página no encontrada")
    asignacion = get_object_or_404(
        Asignacion.objects.select_related("subcupo__cupo", "beneficiario", "solicitud"),
        anio=anio,
        numero_oficio=numero,
    )
    s = asignacion.solicitud
    form = RevocarForm(request.POST or None)
    errores: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            r = revocacion.revocar_oficio(
                asignacion, usuario=request.user, motivo=form.cleaned_data["motivo"]
            )
        except TramiteError as exc:
            errores = [exc.mensaje]
        else:
            if r.ya_revocada:
                messages.info(request, "El oficio ya estaba revocado; no se realizó ningún cambio.")
            else:
                messages.success(
                    request,
                    f"Se revocó el oficio {asignacion.numero_oficio}/{asignacion.anio}. "
                    "Se notificó al beneficiario.",
                )
            if s is not None and s.folio:
                return redirect("cupos:dictamen_detalle", folio=s.folio)
            return redirect("cupos:dictamen_revocar", anio=anio, numero=numero)
    u = asignacion.subcupo.cupo.get_unidad_display()
    return render(
        request,
        "cupos/dictamen/revocar.html",
        {
            "s": s,
            "asignacion": asignacion,
            "asignado": montos.formato_monto(asignacion.monto_asignado, u),
            "form": form,
            "errores": errores,
            "oficios": list(revocacion.oficios_de(asignacion)),
        },
        status=400 if request.method == "POST" else 200,
    )
