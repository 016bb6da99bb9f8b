"""Views of the portal shell. Thin: the rules live in vucem.services.

Brute-force protection: the "Sin FIEL" form goes through ``authenticate()`` and
django-axes (``AXES_FAILURE_LIMIT`` failures per username + IP lock for
``AXES_COOLOFF_HOURS``). FIEL failures count toward the same lockout: once the certificate
is parsed, a failed verification sends Django's ``user_login_failed`` signal with the
certificate's RFC as the username, so axes records it for (RFC, IP); a locked RFC is refused
before its credential is even checked, and a successful FIEL login resets the counter
(``AXES_RESET_ON_SUCCESS``; the user's username is its RFC). Failures before the RFC is
known (empty or unreadable files) are form errors and do not count.
"""

import logging

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from firma.forms import FirmaFielForm
from vucem import services
from vucem.bloqueo import respuesta_bloqueo
from vucem.forms import (
    IngresoSinFielForm,
    RegistroCapturistaForm,
    SeleccionRolForm,
)
from vucem.middleware import SESSION_EXPIRADA, SESSION_RFC_FIEL, marcar_actividad
from vucem.models import ROLES_SOLICITANTE, Capturista, Rol

log = logging.getLogger(__name__)

RFC_FIEL_DESCONOCIDO = "FIEL-SIN-RFC"


def _siguiente(request, default="vucem:bandeja"):
    """The ``next`` destination when it is a URL of this site (an absolute path, or an
    http(s) URL of this host); anything else (``next=x``, another host) is ignored."""
    destino = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if (
        destino
        and destino.startswith(("/", "http://", "https://"))
        and url_has_allowed_host_and_scheme(
            destino, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return destino
    return reverse(default)


def _entrar(request, user, *, con_fiel: bool, rfc_fiel: str = ""):
    """Log in and choose the role: straight to the destination with a single option, else
    to the role selection page."""
    destino = _siguiente(request)
    login(request, user, backend="vucem.autenticacion.ModelBackendConPersona")
    if con_fiel:
        request.session[SESSION_RFC_FIEL] = rfc_fiel
    opciones = services.opciones_de_rol(user, con_fiel=con_fiel)
    if len(opciones) == 1 and not (
        opciones[0].rol == Rol.CAPTURISTA_GUBERNAMENTAL and opciones[0].persona is None
    ):
        services.activar_rol(request.session, opciones[0])
        return redirect(destino)
    request.session["destino"] = destino
    return redirect("vucem:seleccionar_rol")


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def ingresar(request):
    """Login page with the tabs "Con FIEL" and "Sin FIEL" (seed 003)."""
    if request.user.is_authenticated and request.GET.get("expirada"):
        # The browser's countdown ran out. Unless another tab kept the session alive (its
        # activity restarts this tab's clock too), end it now: the client clock starts after
        # the server's, so a few seconds of difference must not keep the session open.
        if getattr(request, "inactividad", 0) >= settings.SESSION_IDLE_SECONDS - 10:
            logout(request)
    if request.user.is_authenticated and request.method in ("GET", "HEAD"):
        return redirect(_siguiente(request))
    if request.session.pop(SESSION_EXPIRADA, False) or request.GET.get("expirada"):
        messages.warning(
            request,
            "Su sesión terminó por inactividad. Lo que había capturado en la pantalla se conservó "
            "en este navegador y se recuperará al volver a ella; los pasos ya guardados están en "
            "su borrador.",
        )
    pestana = request.POST.get("metodo") or request.GET.get("metodo") or "fiel"
    form_fiel, form_sin = FirmaFielForm(), IngresoSinFielForm()
    errores_fiel: list[str] = []
    if request.method == "POST" and pestana == "sin_fiel":
        form_sin = IngresoSinFielForm(request.POST)
        if form_sin.is_valid():
            user = authenticate(
                request,
                username=form_sin.cleaned_data["username"],
                password=form_sin.cleaned_data["password"],
            )
            if getattr(request, "axes_locked_out", False):
                return respuesta_bloqueo(request, username=form_sin.cleaned_data["username"])
            if user is not None and user.persona_id and not user.has_usable_password():
                user = None
            if user is not None:
                if not services.opciones_de_rol(user, con_fiel=False):
                    form_sin.add_error(
                        None,
                        "Su usuario no tiene un rol activo en la Ventanilla (por ejemplo, ningún "
                        "solicitante lo tiene registrado como capturista). Los solicitantes "
                        "ingresan con su e.firma, en la pestaña «Con FIEL».",
                    )
                else:
                    return _entrar(request, user, con_fiel=False)
            else:
                form_sin.add_error(None, "El usuario o la contraseña no son correctos.")
    elif request.method == "POST":
        pestana = "fiel"
        form_fiel = FirmaFielForm(request.POST)
        if form_fiel.is_valid():
            AxesProxyHandler.update_request(request)
            d = form_fiel.cleaned_data
            errores_fiel, certificado = services.verificar_ingreso_fiel(
                request.session, d["certificado"], d["firma"]
            )
            rfc = (
                services.limpio(getattr(certificado, "rfc", ""), 13) or RFC_FIEL_DESCONOCIDO
            ).upper()
            credenciales = {"username": rfc}
            if not AxesProxyHandler.is_allowed(request, credenciales):
                return respuesta_bloqueo(request, username=rfc)
            if not errores_fiel:
                try:
                    _, user = services.persona_y_usuario_desde_certificado(certificado)
                except services.CuentaOcupada as ocupada:
                    services.registrar_cuenta_ocupada(
                        ocupada, ip=request.META.get("REMOTE_ADDR", "")
                    )
                    errores_fiel = [services.ErrorIngreso(ocupada.mensaje)]
                else:
                    return _entrar(request, user, con_fiel=True, rfc_fiel=rfc)
            else:
                # FIEL failures count toward the axes lockout for (RFC, IP), like passwords do.
                user_login_failed.send(sender=__name__, credentials=credenciales, request=request)
                if getattr(request, "axes_locked_out", False):
                    return respuesta_bloqueo(request, username=rfc)
                log.info(
                    "Ingreso con e.firma rechazado para %s: %d error(es)", rfc, len(errores_fiel)
                )
        else:
            errores_fiel, form_fiel = form_fiel.errores(), FirmaFielForm()
    contexto = {
        "form_fiel": form_fiel,
        "form_sin": form_sin,
        "errores_fiel": errores_fiel,
        "pestana": pestana,
        "reto": services.nuevo_reto_ingreso(request.session),
        "next": request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, ""),
        "max_kib": services.limite_archivo_fiel() // 1024,
        "max_bytes": services.limite_archivo_fiel(),
    }
    return render(request, "registration/ingresar.html", contexto)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def seleccionar_rol(request):
    con_fiel = services.sesion_con_fiel(request.session)
    opciones = services.opciones_de_rol(request.user, con_fiel=con_fiel)
    gubernamental = next((o for o in opciones if o.rol == Rol.CAPTURISTA_GUBERNAMENTAL), None)
    busqueda = request.GET.get("q", "")
    if gubernamental is not None:
        # A capturista gubernamental picks any solicitante (searchable by RFC/nombre).
        opciones = [o for o in opciones if o is not gubernamental]
        personas = services.solicitantes_para_gubernamental(busqueda)[:50]
        opciones += [services.OpcionRol(Rol.CAPTURISTA_GUBERNAMENTAL, p) for p in personas]
    form = SeleccionRolForm(request.POST or None, opciones=opciones)
    if request.method == "POST" and form.is_valid():
        services.activar_rol(request.session, form.cleaned_data["opcion"])
        destino = request.session.pop("destino", None) or reverse("vucem:bandeja")
        return redirect(destino)
    return render(
        request,
        "vucem/seleccionar_rol.html",
        {
            "form": form,
            "opciones": opciones,
            "gubernamental": gubernamental is not None,
            "q": busqueda,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def salir(request):
    """GET asks "¿Desea cerrar la sesión?" (seed 000); POST logs out."""
    if request.method == "POST":
        if request.POST.get("confirmar") == "no":
            return redirect(_siguiente(request))
        logout(request)
        messages.info(request, "Su sesión se cerró correctamente.")
        return redirect("vucem:ingresar")
    if not request.user.is_authenticated:
        return redirect("vucem:ingresar")
    return render(
        request,
        "registration/salir.html",
        {"next": request.GET.get("next") or request.META.get("HTTP_REFERER", "")},
    )


@never_cache
@require_POST
def extender_sesion(request):
    """Keeps the session alive: restarts the idle clock now."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"ok": False, "mensaje": "La sesión ya terminó.", "url": reverse("vucem:ingresar")},
            status=401,
        )
    marcar_actividad(request.session)
    return JsonResponse({"ok": True, "segundos": settings.SESSION_IDLE_SECONDS})


@never_cache
@require_http_methods(["GET", "HEAD"])
def ping(request):
    """The cheapest page of the portal (a liveness probe, and the load benchmark's floor):
    the full middleware stack, no template, no query of its own."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def _solo_solicitante(request):
    if request.rol not in ROLES_SOLICITANTE or request.persona is None:
        raise PermissionDenied("Solo el solicitante, con su e.firma, administra sus capturistas.")
    return request.persona


@never_cache
@login_required
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def capturistas(request):
    persona = _solo_solicitante(request)
    form = RegistroCapturistaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.registrar_capturista(
            persona,
            username=d["username"],
            password=d["password1"],
            nombre=d["nombre"],
            correo=d["correo"],
        )
        messages.success(
            request,
            f"Se registró a {d['nombre']} como capturista privado. Ingresa en la pestaña «Sin FIEL» "
            f"con el usuario «{d['username']}».",
        )
        return redirect("vucem:capturistas")
    registros = (
        Capturista.objects.filter(solicitante=persona)
        .select_related("usuario")
        .order_by("-activo", "-alta")
    )
    return render(request, "vucem/capturistas.html", {"form": form, "registros": registros})


@never_cache
@login_required
@require_POST
def revocar_capturista(request, pk):
    persona = _solo_solicitante(request)
    registro = get_object_or_404(Capturista, pk=pk, solicitante=persona)
    services.revocar_capturista(registro, por=request.user)
    messages.success(
        request, f"Se revocó el acceso de «{registro.usuario.username}» como capturista."
    )
    return redirect("vucem:capturistas")
