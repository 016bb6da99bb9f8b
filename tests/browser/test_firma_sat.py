"""Issue 7 in Chromium with the SAT's real test credentials (../shared/fiel): the page opens
the .key with node-forge, signs the server's nonce / cadena original and posts only the
certificate and the signature. Every request of each journey is recorded and checked to carry
no key bytes and no password (``page`` fixture, ``secretos_fiel``)."""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from firma.testing import Credencial
from tests.browser.conftest import en_bandeja, firmar, ingresar_con_fiel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "12345678a"


def _sat(fiel_sat, nombre, secretos_fiel):
    cer = fiel_sat / f"{nombre}.cer"
    key = fiel_sat / f"{nombre}.key"
    secretos_fiel.append((key.read_bytes(), PASSWORD))
    return cer, key


def _posts_a(page, ruta: str) -> list:
    return [p for p in page.peticiones if p[1] == "POST" and p[0].split("?")[0].endswith(ruta)]


def _solo_certificado_y_firma(peticion) -> None:
    from urllib.parse import parse_qs

    campos = set(parse_qs(peticion[2].decode()))
    assert campos <= {"csrfmiddlewaretoken", "metodo", "next", "certificado", "firma"}, campos
    assert {"certificado", "firma"} <= campos


def test_moral_sat_ingresa_y_firma_un_tramite(
    servidor, page, captura, fiel_sat, secretos_fiel, carpeta_browser
):
    from tests.soporte.personas import crear_persona
    from tramites.models import Instrumento, Solicitud, Tramite

    crear_persona(
        "moral",
        rfc="EKU9003173C9",
        nombre="ESCUELA KEMPER URGATE SA DE CV",
        rfc_representante="VADA800927DJ3",
    )
    Tramite.objects.create(
        instrumento=Instrumento.objects.get(slug="cupos"),
        vucem_id=990778,
        clave="prueba-navegador",
        nombre="Trámite de prueba del navegador",
        grupo="Pruebas del navegador",
        tipo_persona=Tramite.TipoPersona.AMBAS,
    )
    cer, key = _sat(fiel_sat, "vigente/EKU9003173C9_FIEL", secretos_fiel)
    ingresar_con_fiel(page, servidor, cer, key, PASSWORD)
    en_bandeja(page, "EKU9003173C9")
    (post,) = _posts_a(page, "/ingresar/")
    _solo_certificado_y_firma(post)

    page.goto(f"{servidor}/tramites/dependencia/SE/")
    page.get_by_role("button", name="Cupos de Importación y Exportación").click()
    page.get_by_role("link", name="Trámite de prueba del navegador").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()
    page.get_by_label("Descripción").fill("Firma con la e.firma de pruebas del SAT")
    page.get_by_label("Cantidad").fill("10")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()
    expect(page.locator("#cadena-original")).to_contain_text("EKU9003173C9")
    expect(page.locator("#form-firma noscript")).to_have_count(1)
    captura(page, "firmar con la fiel del sat")
    page.set_viewport_size({"width": 375, "height": 800})
    captura(page, "firmar 375 px")
    page.set_viewport_size({"width": 1280, "height": 900})

    firmar(page, cer, key, PASSWORD)
    folio = page.locator("#folio")
    expect(folio).to_have_text(re.compile(r"^\d{25}$"))
    s = Solicitud.objects.get(folio=folio.inner_text())
    assert s.numero_certificado == "30001000000500003415"
    firmas = [p for p in page.peticiones if p[1] == "POST" and "/firmar/" in p[0]]
    assert len(firmas) == 1
    _solo_certificado_y_firma(firmas[0])
    captura(page, "registrada")


def test_password_con_enie_en_windows_1252(
    servidor, page, captura, fiel_sat, tmp_path, secretos_fiel
):
    """The SAT's tools encode passwords in Windows-1252: the page retries that way."""
    password = "contraseñaÑ1"
    key = _llave_cp1252(fiel_sat, tmp_path, password)
    secretos_fiel.append((key.read_bytes(), password))
    ingresar_con_fiel(page, servidor, fiel_sat / "vigente/EKU9003173C9_FIEL.cer", key, password)
    en_bandeja(page, "EKU9003173C9")
    captura(page, "ingreso con enie")


def test_password_con_enie_cuyo_intento_utf8_parece_descifrar(
    servidor, page, fiel_sat, tmp_path, secretos_fiel
):
    """About one key in 256: the first try (the password as UTF-8) is wrong, yet the 3DES
    padding happens to check out and node-forge returns garbage instead of failing. The page
    must still try Windows-1252, not call the .key damaged (a flaky CI run found this)."""
    password = "contraseñaÑ1"
    key = _llave_cp1252(fiel_sat, tmp_path, password, relleno_utf8_valido=True)
    secretos_fiel.append((key.read_bytes(), password))
    ingresar_con_fiel(page, servidor, fiel_sat / "vigente/EKU9003173C9_FIEL.cer", key, password)
    en_bandeja(page, "EKU9003173C9")


def _relleno_valido_con(der: bytes, password: bytes) -> bool:
    """Whether decrypting the PBES2/3DES ``der`` with ``password`` ends in valid PKCS#7 padding."""
    import hashlib

    from asn1crypto import keys
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

    info = keys.EncryptedPrivateKeyInfo.load(der)
    kdf = info["encryption_algorithm"]["parameters"]["key_derivation_func"]["parameters"]
    llave = hashlib.pbkdf2_hmac(
        "sha1", password, kdf["salt"].native, kdf["iteration_count"].native, 24
    )
    datos = info["encrypted_data"].native
    ultimo = Cipher(TripleDES(llave), modes.CBC(datos[-16:-8])).decryptor().update(datos[-8:])
    n = ultimo[-1]
    return 1 <= n <= 8 and ultimo[-n:] == bytes([n]) * n


def _llave_cp1252(fiel_sat, tmp_path, password: str, *, relleno_utf8_valido: bool = False):
    """The SAT test .key re-encrypted (PBES2, 3DES) under ``password`` in Windows-1252, as the
    SAT's tools do; with ``relleno_utf8_valido``, drawn again (random salt and IV) until the
    same password in UTF-8 decrypts to valid padding."""
    if not shutil.which("openssl"):
        pytest.skip("falta openssl")
    (tmp_path / "entrada").write_bytes(PASSWORD.encode())
    (tmp_path / "salida").write_bytes(password.encode("cp1252"))
    key = tmp_path / "enie.key"
    for _ in range(5000):  # about 256 draws expected; 5000 all failing: p ≈ 3e-9
        subprocess.run(
            [
                "openssl", "pkcs8", "-topk8", "-inform", "DER", "-outform", "DER",
                "-in", str(fiel_sat / "vigente/EKU9003173C9_FIEL.key"),
                "-passin", f"file:{tmp_path / 'entrada'}",
                "-v2", "des3", "-v2prf", "hmacWithSHA1",
                "-passout", f"file:{tmp_path / 'salida'}",
                "-out", str(key),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        if not relleno_utf8_valido or _relleno_valido_con(
            key.read_bytes(), password.encode("utf-8")
        ):
            break
    else:
        pytest.fail("no salió una llave con relleno válido en UTF-8")
    # sanity: the key opens only with the Windows-1252 bytes, like the SAT's
    Credencial(cer=b"", key=key.read_bytes(), password=password, rfc="").abrir()
    return key


def test_csd_del_sat_rechazado(servidor, page, captura, fiel_sat, secretos_fiel):
    cer, key = _sat(fiel_sat, "vigente/EKU9003173C9_CSD", secretos_fiel)
    ingresar_con_fiel(page, servidor, cer, key, PASSWORD)
    expect(page.locator("#panel-fiel")).to_contain_text(
        "El certificado es un CSD (sello digital), no una e.firma."
    )
    captura(page, "csd rechazado")


def test_persona_fisica_sat_vencida_rechazada(servidor, page, captura, fiel_sat, secretos_fiel):
    cer, key = _sat(fiel_sat, "vencido/CACX7605101P8_FIEL", secretos_fiel)
    ingresar_con_fiel(page, servidor, cer, key, PASSWORD)
    expect(page.locator("#panel-fiel")).to_contain_text("El certificado está vencido")
    captura(page, "vencida")


def test_contrasena_incorrecta_no_envia_nada(servidor, page, captura, fiel_sat, secretos_fiel):
    cer, key = _sat(fiel_sat, "vigente/EKU9003173C9_FIEL", secretos_fiel)
    secretos_fiel.append((key.read_bytes(), "no-es-la-buena"))
    ingresar_con_fiel(page, servidor, cer, key, "no-es-la-buena")
    expect(page.locator("#panel-fiel [data-vu-estado]")).to_contain_text(
        "La contraseña de la clave privada no es válida."
    )
    assert _posts_a(page, "/ingresar/") == []  # refused in the browser: nothing was sent
    captura(page, "contrasena incorrecta")


def test_llave_de_otro_certificado_se_dice_antes_de_enviar(
    servidor, page, captura, fiel_sat, secretos_fiel
):
    cer, _ = _sat(fiel_sat, "vigente/EKU9003173C9_FIEL", secretos_fiel)
    _, key = _sat(fiel_sat, "vigente/EKU9003173C9_CSD", secretos_fiel)
    ingresar_con_fiel(page, servidor, cer, key, PASSWORD)
    expect(page.locator("#panel-fiel [data-vu-estado]")).to_contain_text(
        "El certificado no corresponde con la llave privada."
    )
    assert _posts_a(page, "/ingresar/") == []
    captura(page, "no corresponde")


def test_firma_funciona_con_csp_script_src_self(servidor, page, captura, fiel_sat, secretos_fiel):
    """Another issue adds `Content-Security-Policy: script-src 'self'`: node-forge and
    firma.js must work under it (no inline code, no eval)."""
    from tests.soporte.personas import crear_persona

    crear_persona(
        "moral",
        rfc="EKU9003173C9",
        nombre="ESCUELA KEMPER URGATE SA DE CV",
        rfc_representante="VADA800927DJ3",
    )
    politica = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'"

    def con_csp(ruta):
        respuesta = ruta.fetch()
        encabezados = {**respuesta.headers, "content-security-policy": politica}
        ruta.fulfill(response=respuesta, headers=encabezados)

    page.route(re.compile(r".*/ingresar/.*"), con_csp)
    violaciones = []
    page.on(
        "console",
        lambda m: violaciones.append(m.text) if "Content Security Policy" in m.text else None,
    )
    cer, key = _sat(fiel_sat, "vigente/EKU9003173C9_FIEL", secretos_fiel)
    ingresar_con_fiel(page, servidor, cer, key, PASSWORD)
    en_bandeja(page, "EKU9003173C9")
    assert not [v for v in violaciones if "script" in v.lower() or "eval" in v.lower()], violaciones


@pytest.mark.parametrize(
    "caso,mensaje",
    [
        ("intercambiados", "revise que no haya intercambiado los archivos"),
        ("llave_grande", "es demasiado grande"),
        ("llave_basura", "El archivo de la clave privada (.key) está dañado"),
    ],
)
def test_archivos_equivocados_se_dicen_antes_de_enviar(
    servidor, page, captura, fiel_sat, secretos_fiel, tmp_path, caso, mensaje
):
    cer, key = _sat(fiel_sat, "vigente/EKU9003173C9_FIEL", secretos_fiel)
    if caso == "intercambiados":
        cer, key = key, cer
    elif caso == "llave_grande":
        key = tmp_path / "grande.key"
        key.write_bytes(b"\x30" * (70 * 1024))
    else:
        key = tmp_path / "basura.key"
        key.write_bytes(b"esto no es una llave privada del SAT")
    ingresar_con_fiel(page, servidor, cer, key, PASSWORD)
    expect(page.locator("#panel-fiel [data-vu-estado]")).to_contain_text(mensaje)
    assert _posts_a(page, "/ingresar/") == []
    captura(page, caso)
