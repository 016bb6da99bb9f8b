"""Login "Con FIEL": proof of possession, every error with HTTP 200, lockout, no secrets kept."""

import base64
import datetime as dt
import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from firma.testing import Credencial
from tests.firmas import cadena_de, firma_navegador
from tests.soporte.personas import crear_capturista, crear_solicitante
from vucem.middleware import SESSION_PERSONA, SESSION_RFC_FIEL, SESSION_ROL
from vucem.models import Persona, Rol

pytestmark = pytest.mark.django_db

URL = "/ingresar/"
MORAL = {
    "rfc": "LBA100315MX4",
    "nombre": "LACTEOS DEL BAJIO SA DE CV",
    "rfc_representante": "LOHM750820K33",
    "curp_representante": "LOHM750820MGTPRR00",
}


def _post_fiel(client, cer, key, password, *, cer_enviado=None, **extra):
    """What the login page's script does: open the key with the password in the browser, sign
    the nonce the page issued, post the certificate and the signature only."""
    cadena = cadena_de(client.get(URL))  # issues the nonce
    cred = Credencial(cer=cer, key=key, password=password, rfc="")
    datos = firma_navegador(cred, cadena, cer=cer_enviado)
    return client.post(URL, {"metodo": "fiel", **datos, **extra})


def _ingresar(client, cred, **extra):
    return _post_fiel(client, cred.cer, cred.key, cred.password, **extra)


def _fallido(client, cred, otra):
    """A failed attempt: ``cred``'s certificate with a signature by another key."""
    return _post_fiel(client, otra.cer, otra.key, otra.password, cer_enviado=cred.cer)


def test_persona_fisica_entra_y_se_crea(client, credencial_factory):
    cred = credencial_factory()
    r = _ingresar(client, cred)
    assert r.status_code == 302 and r.url == reverse("vucem:bandeja")
    persona = Persona.objects.get(rfc=cred.rfc)
    assert persona.tipo == Persona.Tipo.FISICA and persona.curp
    user = persona.usuario
    assert user.username == cred.rfc and not user.has_usable_password()
    assert user.tiene_rol(Rol.SOLICITANTE_FISICA)
    s = client.session
    assert s[SESSION_RFC_FIEL] == cred.rfc
    assert s[SESSION_ROL] == Rol.SOLICITANTE_FISICA and s[SESSION_PERSONA] == persona.pk
    html = client.get(r.url).content.decode()
    assert "Bandeja de tareas pendientes" in html
    assert f"RFC: <strong>{cred.rfc}</strong>" in html


def test_persona_moral_entra_con_representante(client, credencial_factory):
    cred = credencial_factory(**MORAL)
    r = _ingresar(client, cred)
    assert r.status_code == 302
    persona = Persona.objects.get(rfc=MORAL["rfc"])
    assert persona.tipo == Persona.Tipo.MORAL
    assert persona.nombre == MORAL["nombre"]
    assert persona.rfc_representante == MORAL["rfc_representante"]
    assert persona.usuario.tiene_rol(Rol.SOLICITANTE_MORAL)
    assert client.session[SESSION_ROL] == Rol.SOLICITANTE_MORAL


def test_segundo_ingreso_reutiliza_persona_y_usuario(client, credencial_factory):
    cred = credencial_factory()
    _ingresar(client, cred)
    client.post(reverse("vucem:salir"))
    r = _ingresar(client, cred)
    assert r.status_code == 302
    assert Persona.objects.filter(rfc=cred.rfc).count() == 1


def test_fiel_sat_real_persona_moral(client, fiel_sat):
    cer = (fiel_sat / "vigente" / "EKU9003173C9_FIEL.cer").read_bytes()
    key = (fiel_sat / "vigente" / "EKU9003173C9_FIEL.key").read_bytes()
    r = _post_fiel(client, cer, key, "12345678a")
    assert r.status_code == 302, r.content.decode()[:2000]
    persona = Persona.objects.get(rfc="EKU9003173C9")
    assert persona.es_moral and persona.rfc_representante == "VADA800927DJ3"


def test_con_varios_roles_elige(client, credencial_factory):
    """A solicitante also registered as capturista privado by another persona picks."""
    cred = credencial_factory()
    persona, user = crear_solicitante("fisica", rfc=cred.rfc, nombre="JUAN PEREZ GARCIA")
    otra, _ = crear_solicitante("moral")
    crear_capturista(otra, user.username)
    r = _ingresar(client, cred)
    assert r.status_code == 302 and r.url == reverse("vucem:seleccionar_rol")
    html = client.get(r.url).content.decode()
    assert "Solicitante persona física" in html and otra.rfc in html
    r = client.post(r.url, {"opcion": f"{Rol.CAPTURISTA_PRIVADO}:{otra.pk}"})
    assert r.status_code == 302
    s = client.session
    assert s[SESSION_ROL] == Rol.CAPTURISTA_PRIVADO and s[SESSION_PERSONA] == otra.pk
    # The session stays bound to the certificate's own RFC.
    assert s[SESSION_RFC_FIEL] == cred.rfc


def _assert_error(r, mensaje):
    assert r.status_code == 200
    html = r.content.decode()
    assert mensaje in html, html[html.find("vu-errores") - 200 : html.find("vu-errores") + 1500]
    assert 'role="alert"' in html


def test_firma_de_otra_llave(client, credencial_factory):
    r = _fallido(client, credencial_factory(), credencial_factory(**MORAL))
    _assert_error(r, "La firma no corresponde con la cadena original")
    assert "_auth_user_id" not in client.session


def test_pagina_de_ingreso_no_envia_llave_ni_contrasena(client):
    html = client.get(URL).content.decode()
    for marca in ("data-vu-key", "data-vu-password", "data-vu-cer"):
        (etiqueta,) = [t for t in html.split("<input")[1:] if marca in t.split(">")[0]]
        assert " name=" not in etiqueta.split(">")[0]
    assert 'enctype="multipart/form-data"' not in html.split('id="form-ingreso-fiel"')[0][-300:]
    assert "data-cadena=" in html and "<noscript>" in html
    assert "vendor/node-forge/forge.min.js" in html and "js/firma.js" in html


def test_csd_no_es_fiel(client, credencial_factory):
    r = _ingresar(client, credencial_factory(rfc="LBA100315MX4", nombre="LACTEOS", tipo="CSD"))
    _assert_error(r, "El certificado es un CSD (sello digital), no una e.firma.")


def test_csd_sat_real(client, fiel_sat):
    r = _post_fiel(
        client,
        (fiel_sat / "vigente" / "EKU9003173C9_CSD.cer").read_bytes(),
        (fiel_sat / "vigente" / "EKU9003173C9_CSD.key").read_bytes(),
        "12345678a",
    )
    _assert_error(r, "no una e.firma")


def test_certificado_vencido(client, credencial_factory):
    ahora = timezone.now()
    cred = credencial_factory(
        valido_desde=ahora - dt.timedelta(days=800), valido_hasta=ahora - dt.timedelta(days=1)
    )
    _assert_error(_ingresar(client, cred), "El certificado está vencido")


def test_certificado_sat_vencido(client, fiel_sat):
    r = _post_fiel(
        client,
        (fiel_sat / "vencido" / "CACX7605101P8_FIEL.cer").read_bytes(),
        (fiel_sat / "vencido" / "CACX7605101P8_FIEL.key").read_bytes(),
        "12345678a",
    )
    _assert_error(r, "El certificado está vencido")


def test_emisor_no_confiable(client, fiel_sat):
    r = _post_fiel(
        client,
        (fiel_sat / "invalido" / "emisor_no_sat.cer").read_bytes(),
        (fiel_sat / "invalido" / "emisor_no_sat.key").read_bytes(),
        "12345678a",
    )
    _assert_error(r, "no fue emitido por una autoridad certificadora reconocida")


def test_certificado_corrupto(client, fiel_sat):
    cred_key = (fiel_sat / "vigente" / "EKU9003173C9_FIEL.key").read_bytes()
    r = _post_fiel(
        client,
        (fiel_sat / "invalido" / "certificado_corrupto.pem").read_bytes(),
        cred_key,
        "12345678a",
    )
    assert r.status_code == 200
    assert "vu-errores" in r.content.decode()


def test_llave_enviada_como_certificado(client, credencial_factory):
    cred = credencial_factory()
    r = _post_fiel(client, cred.cer, cred.key, cred.password, cer_enviado=cred.key)
    _assert_error(r, "contiene una llave privada")
    assert "_auth_user_id" not in client.session


def test_certificado_vacio(client, credencial_factory):
    cred = credencial_factory()
    r = _post_fiel(client, cred.cer, cred.key, cred.password, cer_enviado=b"")
    assert r.status_code == 200 and "_auth_user_id" not in client.session
    assert "se necesita JavaScript" in r.content.decode()  # an empty field: nothing signed


def test_certificado_de_70_kib(client, credencial_factory):
    cred = credencial_factory()
    r = _post_fiel(client, cred.cer, cred.key, cred.password, cer_enviado=b"\x30" * (70 * 1024))
    _assert_error(r, "es demasiado grande")


def test_sin_javascript_no_llega_nada(client):
    client.get(URL)
    r = client.post(URL, {"metodo": "fiel"})
    _assert_error(r, "se necesita JavaScript")


def test_basura_no_causa_error_500(client):
    client.get(URL)
    for datos in (
        {"certificado": base64.b64encode(b"no soy un certificado").decode(), "firma": "A" * 344},
        {"certificado": "%%%", "firma": "%%%"},
        {"certificado": "QUJD", "firma": base64.b64encode(b"x" * 256).decode()},
    ):
        r = client.post(URL, {"metodo": "fiel", **datos})
        assert r.status_code == 200 and "vu-errores" in r.content.decode()


def test_sin_nonce_no_entra(client, credencial_factory):
    """The signature must be over the challenge this session's login page issued."""
    cred = credencial_factory()
    r = client.post(URL, {"metodo": "fiel", **firma_navegador(cred, "VENTANILLA-INGRESO|x|1")})
    _assert_error(r, "ya no es válida")
    assert "_auth_user_id" not in client.session


def test_nonce_de_un_solo_uso(client, credencial_factory):
    cred = credencial_factory()
    cadena = cadena_de(client.get(URL))
    datos = {"metodo": "fiel", **firma_navegador(cred, cadena)}
    assert client.post(URL, datos).status_code == 302
    client.post(reverse("vucem:salir"))
    r = client.post(URL, datos)  # replayed: refused with its own message
    _assert_error(r, "Esta firma ya fue utilizada")
    assert "_auth_user_id" not in client.session


def test_fallos_fiel_bloquean(client, credencial_factory, settings):
    cred = credencial_factory()
    otra = credencial_factory(rfc="GATR680412QA5", nombre="OTRA")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        r = _fallido(client, cred, otra)
    assert r.status_code == 429 and "Acceso bloqueado temporalmente" in r.content.decode()
    # Even the right password is refused now for that RFC from this address.
    r = _ingresar(client, cred)
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another RFC from the same address is not locked.
    r = _ingresar(client, credencial_factory(**MORAL))
    assert r.status_code == 302


def test_ingreso_exitoso_reinicia_contador(client, credencial_factory, settings):
    cred = credencial_factory()
    otra = credencial_factory(rfc="GATR680412QA5", nombre="OTRA")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _fallido(client, cred, otra)
    assert _ingresar(client, cred).status_code == 302
    client.post(reverse("vucem:salir"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = _fallido(client, cred, otra)
    assert r.status_code == 200


def test_llave_y_contrasena_nunca_se_guardan(client, credencial_factory, caplog):
    """Neither the password nor any fragment of the key reaches logs or session data."""
    cred = credencial_factory(password="Secreto-Unico-Ñandú-918273")
    caplog.set_level(logging.DEBUG)
    _fallido(client, cred, credencial_factory(**MORAL))
    r = _ingresar(client, cred)
    assert r.status_code == 302
    client.get(reverse("vucem:bandeja"))

    secretos = [cred.password, "Contrasena-Mala-5647382910"]
    key = cred.key
    fragmentos = [key[i : i + 16] for i in range(0, len(key) - 16, 97)]
    textos_fragmento = [base64.b64encode(f).decode() for f in fragmentos] + [
        f.hex() for f in fragmentos
    ]

    registros = (
        "\n".join(
            f"{rec.getMessage()} {rec.args!r} {getattr(rec, 'request', '')!r}"
            for rec in caplog.records
        )
        + caplog.text
    )
    sesiones = []
    for s in Session.objects.all():
        datos = SessionStore().decode(s.session_data)
        sesiones.append(repr(datos))
        sesiones.append(s.session_data)
    sesiones.append(repr(dict(client.session.items())))
    from axes.models import AccessAttempt, AccessFailureLog

    sesiones += [
        repr(list(AccessAttempt.objects.values())),
        repr(list(AccessFailureLog.objects.values())),
    ]
    todo = registros + "\n".join(sesiones)
    for secreto in secretos:
        assert secreto not in todo
    for frag in textos_fragmento:
        assert frag not in todo
    for frag in fragmentos:
        assert frag not in todo.encode("utf-8", "surrogateescape")
    assert client.session[SESSION_RFC_FIEL] == cred.rfc


def test_error_enlaza_al_campo(client, credencial_factory):
    r = _ingresar(client, credencial_factory(rfc="LBA100315MX4", nombre="LACTEOS", tipo="CSD"))
    assert (
        'href="#id_cer" class="alert-link">El certificado es un CSD (sello digital), no una e.firma.'
        in r.content.decode()
    )
