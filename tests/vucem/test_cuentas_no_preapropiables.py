"""Issue 11, item 1: nobody can pre-claim the account of an RFC.

A FIEL identity is only ever bound to the user bound to its persona; a password account
whose username is the RFC (or looks like one) is never merged with it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from tests.firmas import firmar_en
from tests.soporte.personas import crear_capturista, crear_solicitante, crear_usuario
from tramites.models import RegistroAuditoria
from vucem import services
from vucem.models import Capturista, Persona

pytestmark = pytest.mark.django_db
URL_CAPTURISTAS = "/usuarios/capturistas/"
PASS = "Captura.Segura.2026"


def _datos(username):
    return {
        "username": username,
        "nombre": "MARIA LOPEZ",
        "correo": "maria@example.com",
        "password1": PASS,
        "password2": PASS,
    }


@pytest.mark.parametrize(
    "username",
    [
        "EKU9003173C9",  # persona moral (12)
        "eku9003173c9",  # any case
        "LOHM750820K33",  # persona física (13)
        "ＥＫＵ９００３１７３Ｃ９",  # fullwidth: Django normalizes it (NFKC) to the RFC
        "ÑAF800101AB1",
    ],
)
def test_capturista_no_puede_usar_un_rfc(cliente_moral, username):
    r = cliente_moral.post(URL_CAPTURISTAS, _datos(username))
    assert r.status_code == 200
    assert "no puede tener la forma de un RFC" in r.content.decode()
    assert not Capturista.objects.exists()


def test_el_servicio_tambien_lo_rechaza(solicitante_moral):
    persona, _ = solicitante_moral
    with pytest.raises(ValidationError):
        services.registrar_capturista(
            persona, username="EKU9003173C9", password=PASS, nombre="X", correo="x@example.com"
        )
    assert not get_user_model().objects.filter(username="EKU9003173C9").exists()


def test_nombres_normales_siguen_permitidos(cliente_moral):
    r = cliente_moral.post(URL_CAPTURISTAS, _datos("maria.captura"))
    assert r.status_code == 302


def _ingresar(client, cred):
    """The FIEL login as the browser does it: sign the page's nonce, post cer + signature."""
    return firmar_en(client, "/ingresar/", cred, {"metodo": "fiel"})


def test_primer_ingreso_fiel_con_usuario_ocupado_se_rechaza(client, credencial_factory):
    """The attack of the issue: an account named after the RFC exists before its owner's
    first FIEL login (created here directly, as an old registration or an admin could)."""
    cred = credencial_factory()
    otro, _ = crear_solicitante("moral")
    intruso = crear_capturista(otro, cred.rfc)  # bypasses the form's new rule on purpose
    r = _ingresar(client, cred)
    assert r.status_code == 200
    html = r.content.decode()
    assert f"El RFC {cred.rfc} ya es el nombre de usuario de otra cuenta" in html
    assert "_auth_user_id" not in client.session
    # Nothing merged: no persona bound to the intruder, no persona created at all.
    intruso.refresh_from_db()
    assert intruso.persona_id is None
    assert not Persona.objects.filter(rfc=cred.rfc).exists()
    # Audited on the account that holds the name.
    registro = RegistroAuditoria.objects.get(estado_nuevo="ingreso_fiel_rechazado")
    assert registro.object_id == str(intruso.pk)
    assert cred.rfc in registro.motivo


def test_persona_existente_con_usuario_ajeno_tampoco_se_vincula(client, credencial_factory):
    cred = credencial_factory()
    Persona.objects.create(rfc=cred.rfc, tipo=Persona.Tipo.FISICA, nombre="JUAN PEREZ")
    ajeno = crear_usuario("capturista_privado", cred.rfc.lower())
    r = _ingresar(client, cred)
    assert r.status_code == 200 and "no se vinculó" in r.content.decode()
    ajeno.refresh_from_db()
    assert ajeno.persona_id is None
    assert RegistroAuditoria.objects.filter(estado_nuevo="ingreso_fiel_rechazado").count() == 1


def test_usuario_fiel_propio_sigue_entrando(client, credencial_factory):
    cred = credencial_factory()
    persona, user = crear_solicitante("fisica", rfc=cred.rfc, nombre="JUAN PEREZ GARCIA")
    r = _ingresar(client, cred)
    assert r.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not RegistroAuditoria.objects.filter(estado_nuevo="ingreso_fiel_rechazado").exists()


def test_campos_del_certificado_sin_nul():
    class Cert:
        rfc = "XAXX010101000"
        persona = "fisica"
        nombre = "JUAN\x00 PEREZ\x07"
        curp = "\x00"
        rfc_representante = ""
        curp_representante = ""

    persona, user = services.persona_y_usuario_desde_certificado(Cert())
    assert persona.nombre == "JUAN PEREZ" and persona.curp == ""
    assert user.username == "XAXX010101000"
