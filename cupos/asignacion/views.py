"""Dictamen back-office of the solicitudes de asignación de cupo (staff only).

Access: authenticated staff users in the "dictaminador" or "nivel_central" group; anyone
else gets 404 (no existence leak). Rules live in :mod:`cupos.asignacion.dictamen`."""

from __future__ import annotations

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cupos import montos
from cupos.asignacion import anexos, cola, dictamen, registro, revocacion
from cupos.asignacion.asistente import AsistenteAsignacion
from cupos.asignacion.forms import AprobarForm, RechazarForm
from cupos.models import Asignacion, SolicitudAsignacion
from tramites import historial, mesa_dictamen
from tramites.services import TramiteError
from vucem.acceso import persona_activa_o_404
from vucem.roles import es_personal_de_dictamen

TRAMITE_FISICA = 120401
TRAMITE_MORAL = 120402


@login_required
def nueva(request):
    persona = persona_activa_o_404(request)
    vucem_id = TRAMITE_MORAL if persona.es_moral else TRAMITE_FISICA
    return redirect("tramites:iniciar", vucem_id=vucem_id)


def dictaminador_requerido(view):
    @wraps(view)
    def envuelta(request, *args, **kwargs):
        if not es_personal_de_dictamen(request.user):
            raise Http404("Página no encontrada")
        return view(request, *args, **kwargs)

    return login_required(envuelta)


#: Solicitudes per page of the dictamen desk (pending and resolved).
POR_PAGINA = 25


@dictaminador_requerido
@require_GET
def lista(request):
    """Pending solicitudes (en dictamen) in order of reception, with the 7-business-day plazo,
    or the resolved ones; filtered (cupo, subcupo, criterio, RFC, plazo, assignment) and
    paginated, the filters kept in the page links."""
    resueltas = request.GET.get("ver") == "resueltas"
    hoy = timezone.localdate()
    cal = mesa_dictamen.calendario_para(hoy)
    form = cola.FiltroColaForm(request.GET or None)
    if resueltas:
        qs = cola.resueltas(form)
    else:
        qs = cola.pendientes(form, usuario=request.user, hoy=hoy, calendario=cal)
    pagina = Paginator(qs, POR_PAGINA).get_page(request.GET.get("pagina"))
    if resueltas:
        filas = cola.filas_resueltas(pagina.object_list)
    else:
        filas = cola.filas_pendientes(pagina.object_list, hoy=hoy, calendario=cal)
    central = mesa_dictamen.es_nivel_central(request.user)
    return render(
        request,
        "cupos/dictamen/lista.html",
        {
            "filas": filas,
            "resueltas": resueltas,
            "hoy": hoy,
            "pagina": pagina,
            "form": form,
            "es_central": central,
            "dictaminadores": list(mesa_dictamen.dictaminadores()) if central else [],
            "consulta": request.GET.urlencode(),
            "filtrado": any(request.GET.get(campo) for campo in form.fields),
        },
    )


def _solicitud_o_404(folio):
    sa = get_object_or_404(
        SolicitudAsignacion.objects.select_related(
            "solicitud__solicitante", "solicitud__tramite", "subcupo__cupo"
        ),
        solicitud__folio=folio,
    )
    return sa.solicitud, sa


def _detalle(request, folio, *, aprobar_form=None, rechazar_form=None, errores=(), status=200):
    s, sa = _solicitud_o_404(folio)
    u = sa.subcupo.cupo.get_unidad_display()
    pendiente = s.estado == "en_dictamen"
    propuesta = registro.propuesta_de(sa) if pendiente else None
    maximo = dictamen.monto_maximo(sa, propuesta) if propuesta else None
    if pendiente and aprobar_form is None:
        aprobar_form = AprobarForm(
            initial={"monto": propuesta.monto.quantize(Decimal(1).scaleb(-3))}
        )
    guardada = sa.detalle_propuesta or {}
    asignacion = Asignacion.objects.filter(solicitud=s).first()
    return render(
        request,
        "cupos/dictamen/detalle.html",
        {
            "s": s,
            "sa": sa,
            "cupo": sa.subcupo.cupo,
            "subcupo": sa.subcupo,
            "pendiente": pendiente,
            "plazo": dictamen.plazo_de(s),
            "datos": AsistenteAsignacion(s.tramite).resumen(s),
            "anexos": [(a, anexos.TIPOS_ANEXO.get(a.tipo, a.tipo)) for a in s.anexos.all()],
            "propuesta": propuesta,
            "explicacion": propuesta.explicacion if propuesta else guardada.get("explicacion", []),
            "propuesta_monto": montos.formato_monto(
                propuesta.monto if propuesta else sa.monto_propuesto, u
            ),
            "limite_legal": montos.formato_monto(propuesta.limite_legal, u) if propuesta else "",
            "saldo": montos.formato_monto(propuesta.saldo, u) if propuesta else "",
            "maximo": montos.formato_monto(maximo, u) if maximo is not None else "",
            "solicitado": montos.formato_monto(sa.monto_solicitado, u),
            "unidad": u,
            "aprobar_form": aprobar_form,
            "rechazar_form": rechazar_form or RechazarForm(),
            "errores": list(errores),
            "asignacion": asignacion,
            "asignado": montos.formato_monto(asignacion.monto_asignado, u) if asignacion else "",
            "documentos": s.documentos.order_by("creado", "pk"),
            "historial": historial.entradas(
                s, historial.ETIQUETAS_SOLICITUD, quien_firmo=historial.firmante(s)
            ),
            "puede_revocar": revocacion.puede_revocar(request.user),
        },
        status=status,
    )


@dictaminador_requerido
@require_GET
def detalle(request, folio):
    return _detalle(request, folio)


def _resolver(request, folio, clave_form, form, accion, exito):
    """Validate ``form``, run ``accion(cleaned_data)`` (aprobar / rechazar) and go back to the
    detail with ``exito(resultado)``; a rule not met shows the detail again (400)."""
    if not form.is_valid():
        return _detalle(request, folio, **{clave_form: form}, status=400)
    try:
        r = accion(form.cleaned_data)
    except TramiteError as exc:
        return _detalle(request, folio, **{clave_form: form}, errores=[exc.mensaje], status=400)
    if r.ya_resuelta:
        messages.info(request, "La solicitud ya fue dictaminada; no se realizó ningún cambio.")
    else:
        messages.success(request, exito(r))
    return redirect("cupos:dictamen_detalle", folio=folio)


@dictaminador_requerido
@require_POST
def aprobar(request, folio):
    s, _sa = _solicitud_o_404(folio)

    def exito(r):
        a = r.asignacion
        return (
            f"Solicitud aprobada. Oficio de asignación {a.numero_oficio}/{a.anio} por "
            f"{montos.formato_monto(a.monto_asignado, a.cupo.get_unidad_display())}."
        )

    return _resolver(
        request,
        folio,
        "aprobar_form",
        AprobarForm(request.POST),
        lambda d: dictamen.aprobar(
            s, usuario=request.user, monto=d["monto"], justificacion=d["justificacion"]
        ),
        exito,
    )


@dictaminador_requerido
@require_POST
def rechazar(request, folio):
    s, _sa = _solicitud_o_404(folio)
    return _resolver(
        request,
        folio,
        "rechazar_form",
        RechazarForm(request.POST),
        lambda d: dictamen.rechazar(s, usuario=request.user, motivo=d["motivo"]),
        lambda r: "Solicitud rechazada. Se notificó al solicitante.",
    )


@dictaminador_requerido
@require_GET
def anexo(request, folio, pk):
    s, _sa = _solicitud_o_404(folio)
    a = get_object_or_404(s.anexos, pk=pk)
    respuesta = FileResponse(
        a.archivo.open("rb"),
        as_attachment=True,
        filename=a.nombre_original,
        content_type="application/pdf",
    )
    respuesta["X-Content-Type-Options"] = "nosniff"
    return respuesta
