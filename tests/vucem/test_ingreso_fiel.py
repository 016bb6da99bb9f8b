"""Login "Con FIEL": proof of possession, every error with HTTP 200, lockout, no secrets kept."""

import base64
import datetime as dt
import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

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


def _archivo(nombre, contenido):
    return SimpleUploadedFile(nombre, contenido, content_type="application/octet-stream")


def _post_fiel(client, cer, key, password, **extra):
    client.get(URL)  # issues the nonce
    datos = {"metodo": "fiel", "password": password, **extra}
    if cer is not None:
        datos["cer"] = _archivo("fiel.cer", cer)
    if key is not None:
        datos["key"] = _archivo("fiel.key", key)
    return client.post(URL, datos)


def _ingresar(client, cred, password=None, **extra):
    return _post_fiel(
        client, cred.cer, cred.key, cred.password if password is None else password, **extra
    )


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


def test_contrasena_incorrecta(client, credencial_factory):
    r = _ingresar(client, credencial_factory(), password="no-es-esta")
    _assert_error(r, "La contraseña de la clave privada no es válida.")
    assert "_auth_user_id" not in client.session


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


def test_archivos_intercambiados(client, credencial_factory):
    cred = credencial_factory()
    r = _post_fiel(client, cred.key, cred.cer, cred.password)
    assert r.status_code == 200
    html = r.content.decode()
    assert "vu-errores" in html and "_auth_user_id" not in client.session


def test_llave_de_otro_certificado(client, credencial_factory):
    a = credencial_factory()
    b = credencial_factory(**MORAL)
    r = _post_fiel(client, a.cer, b.key, b.password)
    _assert_error(r, "El certificado no corresponde con la llave privada.")


@pytest.mark.parametrize("campo", ["cer", "key"])
def test_archivo_vacio(client, credencial_factory, campo):
    cred = credencial_factory()
    cer, key = (b"", cred.key) if campo == "cer" else (cred.cer, b"")
    r = _post_fiel(client, cer, key, cred.password)
    _assert_error(r, "está vacío")


@pytest.mark.parametrize("campo", ["cer", "key"])
def test_archivo_de_70_kib(client, credencial_factory, campo):
    cred = credencial_factory()
    grande = b"\x30" * (70 * 1024)
    cer, key = (grande, cred.key) if campo == "cer" else (cred.cer, grande)
    r = _post_fiel(client, cer, key, cred.password)
    _assert_error(r, "es demasiado grande")


def test_faltan_archivos_y_contrasena(client):
    client.get(URL)
    r = client.post(URL, {"metodo": "fiel"})
    _assert_error(r, "Seleccione el archivo del certificado (.cer).")
    html = r.content.decode()
    assert "Seleccione el archivo de la clave privada (.key)." in html
    assert "Escriba la contraseña de la clave privada." in html
    assert 'href="#id_cer"' in html  # the summary links to the field


def test_basura_no_causa_error_500(client):
    r = _post_fiel(client, b"no soy un certificado", b"ni una llave", "x")
    assert r.status_code == 200 and "vu-errores" in r.content.decode()


def test_sin_nonce_no_entra(client, credencial_factory):
    """The proof of possession needs the challenge issued by the login page."""
    cred = credencial_factory()
    r = client.post(
        URL,
        {
            "metodo": "fiel",
            "password": cred.password,
            "cer": _archivo("a.cer", cred.cer),
            "key": _archivo("a.key", cred.key),
        },
    )
    _assert_error(r, "La página de ingreso caducó.")


def test_nonce_de_un_solo_uso(client, credencial_factory):
    client.get(URL)
    nonce = client.session["fiel_nonce"]
    _ingresar(client, credencial_factory(), password="mala")
    assert client.session["fiel_nonce"] != nonce


def test_fallos_fiel_bloquean(client, credencial_factory, settings):
    cred = credencial_factory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        r = _ingresar(client, cred, password="mala")
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
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _ingresar(client, cred, password="mala")
    assert _ingresar(client, cred).status_code == 302
    client.post(reverse("vucem:salir"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = _ingresar(client, cred, password="mala")
    assert r.status_code == 200


def test_llave_y_contrasena_nunca_se_guardan(client, credencial_factory, caplog):
    """Neither the password nor any fragment of the key reaches logs or session data."""
    cred = credencial_factory(password="Secreto-Unico-Ñandú-918273")
    caplog.set_level(logging.DEBUG)
    _ingresar(client, cred, password="Contrasena-Mala-5647382910")
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
    r = _ingresar(client, credencial_factory(), password="mala")
    assert (
        'href="#id_password" class="alert-link">La contraseña de la clave privada no es válida.'
        in r.content.decode()
    )
