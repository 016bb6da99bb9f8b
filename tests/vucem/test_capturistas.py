import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.soporte.personas import crear_capturista, crear_solicitante, entrar_como_capturista
from tramites.models import RegistroAuditoria
from vucem.models import Capturista, Rol

pytestmark = pytest.mark.django_db
URL = "/usuarios/capturistas/"
PASS = "Captura.Segura.2026"


def _datos(**extra):
    return {
        "username": "maria.captura",
        "nombre": "MARIA LOPEZ",
        "correo": "maria@example.com",
        "password1": PASS,
        "password2": PASS,
        **extra,
    }


def test_registrar_capturista(client, cliente_moral, solicitante_moral):
    persona, _ = solicitante_moral
    r = cliente_moral.post(URL, _datos())
    assert r.status_code == 302
    user = get_user_model().objects.get(username="maria.captura")
    assert user.check_password(PASS) and user.tiene_rol(Rol.CAPTURISTA_PRIVADO)
    assert Capturista.objects.get(usuario=user).solicitante == persona
    html = cliente_moral.get(URL).content.decode()
    assert "maria.captura" in html and "Activo" in html
    # The new capturista logs in "sin FIEL" and acts for the solicitante.
    client.logout()
    r = client.post(
        "/ingresar/", {"metodo": "sin_fiel", "username": "maria.captura", "password": PASS}
    )
    assert r.status_code == 302 and client.session["persona_id"] == persona.pk


def test_registro_valida_contrasenas(cliente_moral):
    r = cliente_moral.post(URL, _datos(password2="otra-cosa-2026"))
    assert r.status_code == 200 and "Las contraseñas no coinciden." in r.content.decode()
    r = cliente_moral.post(URL, _datos(password1="123", password2="123"))
    html = r.content.decode()
    assert r.status_code == 200 and 'role="alert"' in html
    assert not get_user_model().objects.filter(username="maria.captura").exists()


def test_usuario_repetido(cliente_moral, solicitante_fisica):
    crear_capturista(solicitante_fisica[0], "maria.captura")
    r = cliente_moral.post(URL, _datos())
    assert "Ese nombre de usuario ya está en uso" in r.content.decode()


def test_revocar_capturista(client, cliente_moral, solicitante_moral):
    persona, user = solicitante_moral
    capt = crear_capturista(persona, "juan.captura")
    registro = Capturista.objects.get(usuario=capt)
    r = cliente_moral.post(reverse("vucem:revocar_capturista", args=[registro.pk]))
    assert r.status_code == 302
    registro.refresh_from_db()
    assert not registro.activo and registro.baja is not None
    audit = RegistroAuditoria.objects.get(object_id=str(registro.pk))
    assert audit.estado_nuevo == "revocado" and audit.usuario == user
    assert "Revocado el" in cliente_moral.get(URL).content.decode()
    # A revoked capturista can no longer log in for them, nor keep acting in an open session.
    client.logout()
    r = client.post(
        "/ingresar/",
        {"metodo": "sin_fiel", "username": "juan.captura", "password": "Ventanilla.Prueba.2026"},
    )
    assert r.status_code == 200 and "no tiene un rol activo" in r.content.decode()


def test_revocado_en_sesion_abierta_pierde_acceso(client, solicitante_moral, cliente_moral):
    persona, _ = solicitante_moral
    capt = crear_capturista(persona)
    from django.test import Client

    c2 = entrar_como_capturista(Client(), capt, persona)
    assert c2.get("/").status_code == 200
    registro = Capturista.objects.get(usuario=capt)
    cliente_moral.post(reverse("vucem:revocar_capturista", args=[registro.pk]))
    r = c2.get("/")
    assert r.status_code == 302 and "persona_id" not in c2.session


def test_no_revoca_capturistas_de_otros(cliente_moral):
    otra, _ = crear_solicitante("moral")
    ajeno = crear_capturista(otra)
    registro = Capturista.objects.get(usuario=ajeno)
    r = cliente_moral.post(reverse("vucem:revocar_capturista", args=[registro.pk]))
    assert r.status_code == 404
    registro.refresh_from_db()
    assert registro.activo


def test_solo_solicitantes_administran_capturistas(cliente_capturista):
    from django.test import Client

    assert cliente_capturista.get(URL).status_code == 403
    r = Client().get(URL)
    assert r.status_code == 302  # anonymous → login
