"""Login lockout per account, across addresses (django-axes handler).

django-axes locks a (username, IP) pair after ``AXES_FAILURE_LIMIT`` failures. Someone
guessing one account's password from many addresses never trips that, so this handler also
locks the account itself once its failures from *all* addresses within the cool-off period
reach ``AXES_FAILURE_LIMIT_CUENTA``. It applies wherever axes does (both logins of the portal
and the admin's). Staff unlock an account with the "Desbloquear el ingreso" action of the
users admin, by deleting its rows in "Intentos de acceso", or with
``manage.py axes_reset_username <usuario>``.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def fallos_de_la_cuenta(username: str, request=None) -> int:
    """Failed logins of ``username`` from every address within the cool-off period."""
    if not username:
        return 0
    desde = timezone.now() - get_cool_off(request)
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=desde).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def cuenta_bloqueada(username: str, request=None) -> bool:
    return fallos_de_la_cuenta(username, request) >= settings.AXES_FAILURE_LIMIT_CUENTA


class ManejadorAxes(AxesDatabaseHandler):
    """Axes' database handler plus the per-account limit."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        return cuenta_bloqueada(get_client_username(request, credentials), request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Axes flags the request as locked out only for its (username, IP) limit; flag it
        for the account's limit too, so the views and axes' middleware show the lockout."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False):
            username = get_client_username(request, credentials)
            if settings.AXES_LOCK_OUT_AT_FAILURE and cuenta_bloqueada(username, request):
                request.axes_locked_out = True


def respuesta_bloqueo(request, original_response=None, credentials=None, *, username=None):
    """The Spanish lockout page (429), for the per-(username, IP) lock and the per-account
    one (``AXES_LOCKOUT_CALLABLE``, also used by the login view)."""
    if username is None:
        username = get_client_username(request, credentials) or ""
    por_cuenta = cuenta_bloqueada(username, request)
    contexto = {
        "failure_limit": (
            settings.AXES_FAILURE_LIMIT_CUENTA if por_cuenta else settings.AXES_FAILURE_LIMIT
        ),
        "username": username,
        "cooloff_timedelta": get_cool_off(request),
        "por_cuenta": por_cuenta,
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, contexto, status=429)
