"""Catalog navigation (dependencia → instrumento → trámite) and the generic wizard views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firma import retos
from firma.forms import FirmaFielForm
from firma.services import FielError
from tramites import selectors, services
from tramites.models import Dependencia, Solicitud, Tramite
from tramites.selectors import solicitud_de_sesion_o_404, tramites_para
from tramites.services import TramiteError
from tramites.wizard import disponibilidad, obtener_asistente, tiene_asistente
from vucem.acceso import es_capturista, persona_activa_o_404, puede_firmar_para
from vucem.middleware import SESSION_RFC_FIEL


@login_required
def catalogo(request):
    """Trámites → Solicitudes nuevas: choose the dependencia."""
    dependencias = selectors.dependencias()
    if len(dependencias) == 1:  # its trámites right here: one request, not a redirect
        return _pagina_dependencia(request, dependencias[0])
    return render(request, "tramites/catalogo.html", {"dependencias": dependencias})


@login_required
def dependencia(request, clave):
    return _pagina_dependencia(request, get_object_or_404(Dependencia, clave=clave))


def _pagina_dependencia(request, dep):
    persona = request.persona
    instrumentos = []
    for instrumento, activos in selectors.instrumentos_con_tramites(dep, persona):
        tramites = [
            {
                "tramite": t,
                "en_linea": tiene_asistente(t),
                "disponibilidad": (
                    disponibilidad(t, persona) if persona and tiene_asistente(t) else None
                ),
            }
            for t in activos
        ]
        instrumentos.append({"instrumento": instrumento, "tramites": tramites})
    return render(
        request, "tramites/dependencia.html", {"dependencia": dep, "instrumentos": instrumentos}
    )


def _asistente_o_404(tramite):
    try:
        return obtener_asistente(tramite)
    except TramiteError:
        raise Http404("Trámite no disponible") from None


@login_required
def iniciar(request, vucem_id):
    """First step of a new solicitud; its *Continuar* creates the draft."""
    persona = persona_activa_o_404(request)
    tramite = get_object_or_404(Tramite, vucem_id=vucem_id, activo=True)
    if not tramites_para(Tramite.objects.filter(pk=tramite.pk), persona):
        messages.error(
            request, f"El trámite «{tramite.nombre}» no corresponde a su tipo de persona."
        )
        return redirect("tramites:catalogo")
    asistente = _asistente_o_404(tramite)
    disp = asistente.disponibilidad(persona)
    if not disp.disponible:
        # Nothing to do today: say why and when, and create no draft.
        messages.error(request, f"«{tramite.nombre}»: {disp.mensaje}")
        return redirect("tramites:catalogo")
    return asistente.lista_pasos[0].manejar(request, None)


def _borrador(request, numero_temporal):
    """The session's draft and its wizard, or the response to give instead: a draft past its
    vigencia expires on first touch (the beat job may not have run yet) and a signed one
    goes to its acuse page. Returns ``(solicitud, asistente, None)`` or ``(…, response)``."""
    solicitud = solicitud_de_sesion_o_404(request, numero_temporal)
    if services.expirar_si_vencido(solicitud):
        messages.error(request, services.mensaje_vencido(solicitud))
        return solicitud, None, redirect("vucem:bandeja")
    if not solicitud.es_borrador:
        return solicitud, None, redirect("tramites:registrada", numero_temporal=numero_temporal)
    return solicitud, _asistente_o_404(solicitud.tramite), None


@login_required
def continuar(request, numero_temporal):
    solicitud, asistente, respuesta = _borrador(request, numero_temporal)
    if respuesta is not None:
        return respuesta
    pendiente = asistente.primer_paso_pendiente(solicitud)
    if pendiente is None:
        return redirect(asistente.url_firmar(solicitud))
    return redirect(asistente.url_paso(solicitud, pendiente))


@login_required
def paso(request, numero_temporal, slug):
    solicitud, asistente, respuesta = _borrador(request, numero_temporal)
    if respuesta is not None:
        return respuesta
    p = asistente.paso(slug)
    if p is None:
        raise Http404("Paso desconocido")
    return p.manejar(request, solicitud)


def _proposito(solicitud) -> str:
    return f"solicitud:{solicitud.pk}"


@login_required
def firmar(request, numero_temporal):
    """Paso 2 Firmar solicitud: the solicitante's own FIEL (same RFC as the session's).

    The page shows the cadena original the Ventanilla issued for this draft; the browser signs
    it with the .key (which never leaves it) and posts the certificate and the signature."""
    solicitud, asistente, respuesta = _borrador(request, numero_temporal)
    if respuesta is not None:
        return respuesta
    puede_firmar = puede_firmar_para(request.user, request.rol, solicitud.solicitante)
    form = FirmaFielForm()
    errores: list[str] = []
    if request.method == "POST":
        if not puede_firmar:
            if request.POST.get("accion") == "avisar" and es_capturista(request):
                _avisar_al_solicitante(request, asistente, solicitud)
            else:
                messages.error(
                    request, "Solo el solicitante puede firmar la solicitud con su e.firma."
                )
            return redirect("tramites:firmar", numero_temporal=numero_temporal)
        form = FirmaFielForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                reto = retos.consumir(request.session, _proposito(solicitud), d["firma"])
            except FielError as exc:
                errores = [exc.mensaje]
            else:
                resultado = services.firmar_solicitud(
                    solicitud,
                    certificado=d["certificado"],
                    firma=d["firma"],
                    cadena=reto.cadena,
                    emitida=reto.datos.get("emitida", ""),
                    usuario=request.user,
                    rfc_sesion=request.session.get(SESSION_RFC_FIEL),
                )
                if resultado.ok:
                    return redirect("tramites:registrada", numero_temporal=numero_temporal)
                errores = resultado.errores
        else:
            errores, form = form.errores(), FirmaFielForm()
    # Read only to show the page: a POST that signs redirects without it (the service
    # checks the same rules itself).
    pendientes = asistente.validar_para_firma(solicitud)
    reto = None
    if puede_firmar and not pendientes:
        emitida = services.emision_cadena()
        reto = retos.emitir(
            request.session,
            _proposito(solicitud),
            services.cadena_para_firma(solicitud, emitida),
            {"emitida": emitida},
        )
    ctx = asistente.contexto_base(request, solicitud, None)
    ctx.update(
        form=form,
        errores=errores,
        puede_firmar=puede_firmar,
        es_capturista=es_capturista(request),
        pendientes=pendientes,
        resumen=asistente.resumen(solicitud),
        reto=reto,
        rfc_esperado=request.session.get(SESSION_RFC_FIEL) or solicitud.solicitante.rfc,
    )
    return render(request, "tramites/firmar.html", ctx)


def _avisar_al_solicitante(request, asistente, solicitud) -> None:
    """The capturista's "Avisar al solicitante": once per version of a complete draft."""
    if asistente.validar_para_firma(solicitud):
        messages.error(request, "Complete los datos pendientes antes de avisar al solicitante.")
    elif services.avisar_listo_para_firma(solicitud, capturista=request.user):
        messages.success(
            request,
            f"Se avisó a {solicitud.solicitante.nombre} que la solicitud está lista para firmar.",
        )
    else:
        messages.info(request, "El solicitante ya fue avisado de esta versión de la solicitud.")


@login_required
def registrada(request, numero_temporal):
    """Acuse de recibo: the folio and the documents (acuse, certificados…)."""
    solicitud = solicitud_de_sesion_o_404(request, numero_temporal)
    if solicitud.es_borrador:
        return redirect("tramites:continuar", numero_temporal=numero_temporal)
    return render(
        request,
        "tramites/registrada.html",
        {
            "solicitud": solicitud,
            "documentos": solicitud.documentos.order_by("tipo", "pk"),
            "tramite": solicitud.tramite,
        },
    )


@login_required
@require_POST
def descartar(request, numero_temporal):
    solicitud = solicitud_de_sesion_o_404(request, numero_temporal)
    try:
        services.descartar_borrador(solicitud, usuario=request.user)
    except TramiteError as exc:
        messages.error(request, exc.mensaje)
    else:
        messages.success(request, f"Se descartó el borrador {solicitud.numero_temporal}.")
    return redirect("vucem:bandeja")


__all__ = ["Solicitud"]
