"""Puts the acting persona and role of the session on the request, and enforces the
sliding idle expiry of the session on the server side."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils import timezone

from vucem.acceso import puede_capturar_para
from vucem.models import ROLES_CAPTURISTA, ROLES_SOLICITANTE, Capturista, Persona, Rol

SESSION_PERSONA = "persona_id"
SESSION_ROL = "rol"
SESSION_RFC_FIEL = "rfc_fiel"  # RFC of the certificate the session was opened with
SESSION_ACTIVIDAD = "ultima_actividad"  # epoch seconds of the last request
SESSION_EXPIRADA = "sesion_expirada"  # flag kept after an idle logout to explain it
#: Seconds between writes of the idle clock: a request writes the session only when
#: something in it changes, and the clock is refreshed at most once a minute.
REFRESCO_ACTIVIDAD = 60


def marcar_actividad(session, ahora: float | None = None) -> None:
    """Restart the idle clock now (an explicit "Continuar con la sesión")."""
    session[SESSION_ACTIVIDAD] = time.time() if ahora is None else ahora


def _persona(request):
    """The acting persona, or None when the session has none or may no longer act for it
    (e.g. a capturista privado whose registration was revoked)."""
    pk = request.session.get(SESSION_PERSONA)
    if not pk or not request.user.is_authenticated:
        return None
    if pk == request.user.persona_id:
        # A solicitante acts for its own persona, read with the user (vucem.autenticacion).
        persona = request.user.persona
    else:
        persona = Persona.objects.filter(pk=pk).first()
    if persona is None:
        return None
    rol = request.session.get(SESSION_ROL)
    if rol in ROLES_SOLICITANTE | ROLES_CAPTURISTA and not puede_capturar_para(
        request.user, rol, persona
    ):
        request.session.pop(SESSION_PERSONA, None)
        if rol == Rol.CAPTURISTA_PRIVADO:
            request.acceso_revocado = persona
        return None
    return persona


def aviso_revocacion(request, persona) -> str:
    """Why a capturista privado lost the persona it was capturing for (Spanish)."""
    baja = (
        Capturista.objects.filter(usuario=request.user, solicitante=persona, activo=False)
        .order_by("-baja")
        .values_list("baja", flat=True)
        .first()
    )
    cuando = f" el {timezone.localtime(baja):%d/%m/%Y a las %H:%M}" if baja else ""
    return (
        f"El solicitante para el que capturaba revocó{cuando} su acceso como capturista. Ya "
        "no puede capturar ni consultar sus trámites; si necesita hacerlo, pida al solicitante "
        "que lo registre de nuevo como capturista."
    )


class PersonaActivaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.inactividad = 0.0  # seconds idle before this request
        if hasattr(request, "session") and request.user.is_authenticated:
            ahora = time.time()
            ultima = request.session.get(SESSION_ACTIVIDAD)
            request.inactividad = ahora - ultima if ultima is not None else 0.0
            if ultima is not None and ahora - ultima > settings.SESSION_IDLE_SECONDS:
                logout(request)
                request.session[SESSION_EXPIRADA] = True
            elif ultima is None or ahora - ultima >= REFRESCO_ACTIVIDAD:
                marcar_actividad(request.session, ahora)
        # Resolved eagerly (one query at most) so ``request.persona is None`` is reliable.
        request.acceso_revocado = None
        request.persona = _persona(request) if hasattr(request, "session") else None
        request.rol = (
            request.session.get(SESSION_ROL)
            if hasattr(request, "session") and request.user.is_authenticated
            else None
        )
        if request.acceso_revocado is not None:
            # A revoked capturista is told why (Spanish page), never a bare 404.
            messages.error(request, aviso_revocacion(request, request.acceso_revocado))
            return redirect("vucem:seleccionar_rol")
        return self.get_response(request)


def _tiene_nul(valores) -> bool:
    return any("\x00" in v for v in valores if isinstance(v, str))


def entrada_con_nul(request) -> bool:
    """Whether the URL, the query string, a form field or an uploaded file's name carries a
    NUL character. No legitimate input does, and PostgreSQL refuses it in text columns (a
    query or insert with it raises DataError, i.e. a 500)."""
    if "\x00" in request.path:
        return True
    for clave, valores in request.GET.lists():
        if "\x00" in clave or _tiene_nul(valores):
            return True
    if request.method == "POST":
        for clave, valores in request.POST.lists():
            if "\x00" in clave or _tiene_nul(valores):
                return True
        for clave, archivos in request.FILES.lists():
            if "\x00" in clave or _tiene_nul(getattr(a, "name", "") for a in archivos):
                return True
    return False


class EntradaValidaMiddleware:
    """Answers 400 (Spanish page) to a request whose URL, query string or form data holds a
    NUL character, before any view or query sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if entrada_con_nul(request):
            return render(
                request,
                "400.html",
                {"mensaje": "La dirección o los datos enviados contienen caracteres no válidos."},
                status=400,
            )
        return self.get_response(request)


#: Statuses whose Django debug page is replaced by the portal's Spanish one under DEBUG.
_PAGINAS_PROPIAS = {400: "400.html", 403: "403.html", 404: "404.html"}


class PaginasDeErrorMiddleware:
    """Under DEBUG (``make run``) a 400/403/404 still shows the portal's Spanish page instead
    of Django's English technical page (recognised by its "DEBUG = True" note), so the demo
    reads like production. ``DEBUG_PAGINAS_TECNICAS=True`` keeps Django's pages; a 500 keeps
    its traceback under DEBUG. Does nothing outside DEBUG (Django already uses these pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        plantilla = _PAGINAS_PROPIAS.get(response.status_code)
        if (
            plantilla
            and settings.DEBUG
            and not getattr(settings, "DEBUG_PAGINAS_TECNICAS", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "streaming", False)
            and b"DEBUG = True" in response.content
        ):
            return render(request, plantilla, status=response.status_code)
        return response
