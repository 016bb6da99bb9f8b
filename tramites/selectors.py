"""Read-side helpers: what the acting persona may see."""

from django.db.models import Q
from django.http import Http404

from tramites.models import Solicitud, Tramite
from vucem.acceso import puede_capturar_para, solo_lo_capturado


def tramites_para(qs, persona):
    """Trámites of the catalog that apply to the persona's tipo (física / moral)."""
    if persona is None:
        return qs
    return qs.filter(Q(tipo_persona=Tramite.TipoPersona.AMBAS) | Q(tipo_persona=persona.tipo))


def solicitudes_de_sesion(request):
    """The acting persona's solicitudes; for a capturista only those it captured itself
    (vucem.acceso: the same rule as its bandeja and its notices)."""
    persona = request.persona
    if persona is None or not puede_capturar_para(request.user, request.rol, persona):
        return Solicitud.objects.none()
    qs = Solicitud.objects.filter(solicitante=persona)
    if solo_lo_capturado(request.rol):
        qs = qs.filter(capturada_por=request.user)
    return qs.select_related("tramite", "solicitante")


def solicitud_de_sesion_o_404(request, numero_temporal) -> Solicitud:
    s = solicitudes_de_sesion(request).filter(numero_temporal=numero_temporal).first()
    if s is None:
        raise Http404("No se encontró la solicitud.")
    return s
