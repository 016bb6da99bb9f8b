"""Who may act for whom. Every view that shows or changes a persona's objects asks here.

The session carries the *acting persona* (``request.persona``) and the role
(``request.rol``). A solicitante acts for itself; a capturista privado for the
solicitantes that registered it; a capturista gubernamental for any solicitante.
Objects outside that scope answer 404, never 403 (no existence leak).

A capturista (privado or gubernamental) works only on what it captured itself: among the
acting solicitante's solicitudes it sees, continues and discards only those with
``capturada_por`` = itself (drafts, and after signing their acuse page and documents), and
only the notices of those solicitudes. Drafts the solicitante or another capturista captured
are not its (404), which is also what its bandeja lists. See :func:`solo_lo_capturado`.
"""

from django.http import Http404

from vucem.models import ROLES_CAPTURISTA, ROLES_SOLICITANTE, Capturista, Persona, Rol


def es_solicitante(request) -> bool:
    return request.user.is_authenticated and request.rol in ROLES_SOLICITANTE


def es_capturista(request) -> bool:
    return request.user.is_authenticated and request.rol in ROLES_CAPTURISTA


def personas_representadas(user):
    """Personas a capturista privado may capture for (active registrations only)."""
    return Persona.objects.filter(capturistas__usuario=user, capturistas__activo=True)


def puede_capturar_para(user, rol: str | None, persona: Persona) -> bool:
    if not user.is_authenticated or persona is None:
        return False
    if rol in ROLES_SOLICITANTE:
        return user.persona_id == persona.pk
    if rol == Rol.CAPTURISTA_PRIVADO:
        return Capturista.objects.filter(usuario=user, solicitante=persona, activo=True).exists()
    if rol == Rol.CAPTURISTA_GUBERNAMENTAL:
        return user.tiene_rol(Rol.CAPTURISTA_GUBERNAMENTAL)
    return False


def solo_lo_capturado(rol: str | None) -> bool:
    """Whether this role sees only the solicitudes the user captured itself (capturistas)."""
    return rol in ROLES_CAPTURISTA


def puede_firmar_para(user, rol: str | None, persona: Persona) -> bool:
    """Only the solicitante itself signs (capturistas never do, seed 000)."""
    return rol in ROLES_SOLICITANTE and user.persona_id == persona.pk


def persona_activa_o_404(request) -> Persona:
    """The persona the current session acts for, checked against the user's rights."""
    persona = request.persona
    if persona is None or not puede_capturar_para(request.user, request.rol, persona):
        raise Http404("No hay un solicitante activo en esta sesión.")
    return persona
