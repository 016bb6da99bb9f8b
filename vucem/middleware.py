"""Puts the acting persona and role of the session on the request."""

from django.utils.functional import SimpleLazyObject

SESSION_PERSONA = "persona_id"
SESSION_ROL = "rol"
SESSION_RFC_FIEL = "rfc_fiel"  # RFC of the certificate the session was opened with


def _persona(request):
    from vucem.models import Persona

    pk = request.session.get(SESSION_PERSONA)
    if not pk or not request.user.is_authenticated:
        return None
    return Persona.objects.filter(pk=pk).first()


class PersonaActivaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.persona = SimpleLazyObject(lambda: _persona(request))
        request.rol = request.session.get(SESSION_ROL) if hasattr(request, "session") else None
        return self.get_response(request)
