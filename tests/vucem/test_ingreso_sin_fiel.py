import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.soporte.personas import (
    PASSWORD_PRUEBA,
    crear_capturista,
    crear_solicitante,
    crear_usuario,
)
from vucem.middleware import SESSION_PERSONA, SESSION_ROL
from vucem.models import Rol

pytestmark = pytest.mark.django_db

URL = "/ingresar/"


def _post(client, username, password=PASSWORD_PRUEBA, **extra):
    return client.post(
        URL, {"metodo": "sin_fiel", "username": username, "password": password, **extra}
    )


def test_grupos_de_roles_creados_por_migracion():
    nombres = set(Group.objects.values_list("name", flat=True))
    assert {str(r) for r in Rol} <= nombres
    dictaminador = Group.objects.get(name=Rol.DICTAMINADOR)
    codenames = set(dictaminador.permissions.values_list("codename", flat=True))
    assert {"view_solicitud", "change_solicitud", "dictaminar_solicitud"} <= codenames
    nivel = Group.objects.get(name=Rol.NIVEL_CENTRAL)
    assert "change_tramite" in set(nivel.permissions.values_list("codename", flat=True))
    assert not Group.objects.get(name=Rol.SOLICITANTE_FISICA).permissions.exists()


def test_pagina_de_ingreso_tiene_dos_pestanas(client):
    r = client.get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Con FIEL" in html and "Sin FIEL" in html
    # the FIEL inputs are read by the page's script and have no name (never posted)
    assert "data-vu-cer" in html and "data-vu-key" in html and 'type="password"' in html
    assert 'name="key"' not in html and 'name="cer"' not in html
    assert client.session.get("firma_retos", {}).get("ingreso")


def test_sin_sesion_la_bandeja_redirige_al_ingreso(client):
    r = client.get(reverse("vucem:bandeja"))
    assert r.status_code == 302 and r.url.startswith(URL)


def test_dictaminador_entra_a_la_bandeja(client):
    user = crear_usuario(Rol.DICTAMINADOR, "dictaminador1")
    r = _post(client, "dictaminador1")
    assert r.status_code == 302 and r.url == reverse("vucem:bandeja")
    assert client.session[SESSION_ROL] == Rol.DICTAMINADOR
    assert SESSION_PERSONA not in client.session
    r = client.get(r.url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Solicitudes en dictamen" in html and "Oficina de gestión" in html
    assert user.is_staff


def test_nivel_central_entra(client):
    crear_usuario(Rol.NIVEL_CENTRAL, "central1")
    r = _post(client, "central1")
    assert r.status_code == 302
    assert client.session[SESSION_ROL] == Rol.NIVEL_CENTRAL


def test_contrasena_incorrecta_muestra_error(client):
    crear_usuario(Rol.DICTAMINADOR, "dictaminador2")
    r = _post(client, "dictaminador2", "otra-cosa")
    assert r.status_code == 200
    assert "El usuario o la contraseña no son correctos." in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_solicitante_no_entra_sin_fiel(client):
    _, user = crear_solicitante()
    r = _post(client, user.username, "cualquiera")
    assert r.status_code == 200
    assert "_auth_user_id" not in client.session


def test_capturista_con_un_solicitante_entra_directo(client):
    persona, _ = crear_solicitante("moral")
    crear_capturista(persona, "capt1")
    r = _post(client, "capt1")
    assert r.status_code == 302 and r.url == reverse("vucem:bandeja")
    assert client.session[SESSION_ROL] == Rol.CAPTURISTA_PRIVADO
    assert client.session[SESSION_PERSONA] == persona.pk
    html = client.get(r.url).content.decode()
    assert f"RFC: <strong>{persona.rfc}</strong>" in html


def test_capturista_de_varios_elige_solicitante(client):
    p1, _ = crear_solicitante("moral")
    p2, _ = crear_solicitante("fisica")
    otro, _ = crear_solicitante("fisica")
    crear_capturista(p1, "capt2")
    crear_capturista(p2, "capt2")
    r = _post(client, "capt2")
    assert r.status_code == 302 and r.url == reverse("vucem:seleccionar_rol")
    r = client.get(r.url)
    html = r.content.decode()
    assert "Selección de rol" in html and p1.rfc in html and p2.rfc in html and otro.rfc not in html
    # Cannot pick a solicitante that did not register them.
    r = client.post(
        reverse("vucem:seleccionar_rol"), {"opcion": f"{Rol.CAPTURISTA_PRIVADO}:{otro.pk}"}
    )
    assert r.status_code == 200 and "Seleccione un rol de la lista." in r.content.decode()
    r = client.post(
        reverse("vucem:seleccionar_rol"), {"opcion": f"{Rol.CAPTURISTA_PRIVADO}:{p2.pk}"}
    )
    assert r.status_code == 302 and r.url == reverse("vucem:bandeja")
    assert client.session[SESSION_PERSONA] == p2.pk


def test_capturista_sin_registros_activos_no_entra(client):
    crear_usuario(Rol.CAPTURISTA_PRIVADO, "huerfano")
    r = _post(client, "huerfano")
    assert r.status_code == 200
    assert "no tiene un rol activo" in r.content.decode()


def test_capturista_gubernamental_elige_cualquier_solicitante(client):
    p, _ = crear_solicitante("moral", nombre="AGRICOLA ALPE S DE RL DE CV")
    crear_usuario(Rol.CAPTURISTA_GUBERNAMENTAL, "gob1")
    r = _post(client, "gob1")
    assert r.url == reverse("vucem:seleccionar_rol")
    r = client.get(reverse("vucem:seleccionar_rol"), {"q": "alpe"})
    assert p.rfc in r.content.decode()
    r = client.post(
        reverse("vucem:seleccionar_rol"), {"opcion": f"{Rol.CAPTURISTA_GUBERNAMENTAL}:{p.pk}"}
    )
    assert r.status_code == 302
    assert client.session[SESSION_ROL] == Rol.CAPTURISTA_GUBERNAMENTAL
    assert client.session[SESSION_PERSONA] == p.pk


def test_next_se_respeta_y_no_redirige_fuera(client):
    crear_usuario(Rol.DICTAMINADOR, "dict3")
    r = _post(client, "dict3", next="/acuses/")
    assert r.url == "/acuses/"
    client.logout()
    r = _post(client, "dict3", next="https://malo.example.com/")
    assert r.url == reverse("vucem:bandeja")


def test_bloqueo_tras_intentos_fallidos(client, settings):
    crear_usuario(Rol.DICTAMINADOR, "dict4")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = _post(client, "dict4", "mala")
        assert r.status_code == 200
    _post(client, "dict4", "mala")  # the 5th failure locks
    # The 6th attempt is refused even with the right password.
    r = _post(client, "dict4")
    assert r.status_code == 429
    html = r.content.decode()
    assert "Acceso bloqueado temporalmente" in html
    assert "30 minutos" in html
    assert "_auth_user_id" not in client.session


def test_grupos_de_personal_ven_los_modelos_de_las_apps_de_dominio():
    from django.apps import apps

    dictaminador = Group.objects.get(name=Rol.DICTAMINADOR)
    nivel = Group.objects.get(name=Rol.NIVEL_CENTRAL)
    for app_label in ("cupos", "acuses"):
        modelos = list(apps.get_app_config(app_label).get_models())
        if not modelos:
            continue
        nombre = modelos[0]._meta.model_name
        assert dictaminador.permissions.filter(
            content_type__app_label=app_label, codename=f"view_{nombre}"
        ).exists()
        assert nivel.permissions.filter(
            content_type__app_label=app_label, codename=f"add_{nombre}"
        ).exists()
