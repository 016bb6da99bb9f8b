"""Issue 11, items 2 and 5: limits that hold across addresses and survive their store."""

import socket

import pytest

from tests.soporte.personas import PASSWORD_PRUEBA, crear_usuario
from vucem.checks import revisar_almacen_compartido

pytestmark = pytest.mark.django_db


def _sin_fiel(client, username, password, ip):
    return client.post(
        "/ingresar/",
        {"metodo": "sin_fiel", "username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_adivinar_desde_muchas_ips_bloquea_la_cuenta(client, admin_client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_FAILURE_LIMIT_CUENTA = 6
    user = crear_usuario("capturista_gubernamental", "ana.gob")
    for i in range(5):  # one failure from each address: no (user, IP) pair is near its limit
        r = _sin_fiel(client, "ana.gob", "mala-clave", f"10.0.0.{i + 1}")
        assert r.status_code == 200
    # The sixth failure, from a sixth address, reaches the account's limit.
    assert _sin_fiel(client, "ana.gob", "mala-clave", "10.0.0.6").status_code == 429
    # Now even the right password, from a seventh address, is refused (Spanish page, 429).
    r = _sin_fiel(client, "ana.gob", PASSWORD_PRUEBA, "10.0.0.99")
    assert r.status_code == 429, r.content.decode()[-3000:]
    html = r.content.decode()
    assert "intentos fallidos desde distintos equipos" in html and "«ana.gob»" in html
    assert "_auth_user_id" not in client.session
    # Other accounts are not affected.
    otro = crear_usuario("capturista_gubernamental", "beto.gob")
    assert _sin_fiel(client, otro.username, PASSWORD_PRUEBA, "10.0.0.99").status_code == 302
    client.logout()

    # Unlock path for staff: the users admin action.
    r = admin_client.post(
        "/admin/vucem/user/",
        {"action": "desbloquear_ingreso", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "Se desbloqueó el ingreso de 1 cuenta(s)" in r.content.decode()
    assert _sin_fiel(client, "ana.gob", PASSWORD_PRUEBA, "10.0.0.99").status_code == 302


def test_bloqueo_por_ip_sigue_igual(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_FAILURE_LIMIT_CUENTA = 100
    crear_usuario("capturista_gubernamental", "carla.gob")
    for _ in range(3):
        _sin_fiel(client, "carla.gob", "mala", "10.1.1.1")
    r = _sin_fiel(client, "carla.gob", PASSWORD_PRUEBA, "10.1.1.1")
    assert r.status_code == 429 and "desde este equipo" in r.content.decode()
    assert _sin_fiel(client, "carla.gob", PASSWORD_PRUEBA, "10.1.1.2").status_code == 302


def _puerto_cerrado() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_verificacion_sin_redis_degrada(client, settings):
    """The public page answers (not 500) when its rate-limit cache is down, and still limits
    (per process)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_puerto_cerrado()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.RATELIMIT_VERIFICACION = "2/m"
    datos = {"folio": "0201500100220240101000001", "codigo": "ABCDEF123456"}
    estados = [client.get("/acuses/verificar/", datos).status_code for _ in range(3)]
    assert estados == [200, 200, 429]


def test_check_deploy_exige_almacen_compartido(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [e.id for e in revisar_almacen_compartido()] == ["vucem.E001"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://redis:6379/0",
        }
    }
    assert revisar_almacen_compartido() == []
