"""Issue 7: revocation by OCSP against a real local responder (`openssl ocsp`) started by the
test, with a test CA made here: good, revoked, unknown, tryLater, unreachable, a responder
signing with the wrong key; the cache; fail-closed / fail-open; the real SAT samples."""

import datetime as dt
import http.server
import logging
import shutil
import socket
import subprocess
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from firma import revocacion
from firma.services import leer_certificado, verificar_fiel
from firma.testing import crear_ca, emitir_credencial, nueva_llave

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="falta openssl")


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _responder_cert(ca, nombre, firmante_llave, firmante_nombre, llave=None):
    """A certificate with EKU OCSPSigning for ``llave`` (new by default), signed by
    ``firmante``."""
    llave = llave or nueva_llave()
    ahora = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, nombre)]))
        .issuer_name(firmante_nombre)
        .public_key(llave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ahora - dt.timedelta(days=1))
        .not_valid_after(ahora + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
        .sign(firmante_llave, hashes.SHA256())
    )
    return cert, llave


def _pem(carpeta, nombre, cert, llave=None):
    (carpeta / f"{nombre}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if llave is not None:
        (carpeta / f"{nombre}.key").write_bytes(
            llave.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return str(carpeta / f"{nombre}.pem")


def _linea_indice(cert, estado, revocado=None):
    vence = cert.not_valid_after_utc.strftime("%y%m%d%H%M%SZ")
    cuando = revocado.strftime("%y%m%d%H%M%SZ") if revocado else ""
    return f"{estado}\t{vence}\t{cuando}\t{cert.serial_number:X}\tunknown\t/CN=x\n"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """Test CA (in its own folder, to trust), a delegated responder, a rogue responder."""
    carpeta = tmp_path_factory.mktemp("ocsp")
    ca = crear_ca(carpeta / "ca", nombre="AC OCSP PRUEBAS")
    delegado, delegado_llave = _responder_cert(
        ca, "OCSP DELEGADO", ca.llave, ca.certificado.subject
    )
    intruso_llave = nueva_llave()
    intruso, _ = _responder_cert(  # self-signed: not the CA, not delegated by it
        ca,
        "OCSP INTRUSO",
        intruso_llave,
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "OCSP INTRUSO")]),
        llave=intruso_llave,
    )
    return {
        "dir": carpeta,
        "ca": ca,
        "ca_pem": _pem(carpeta, "ca", ca.certificado, ca.llave),
        "delegado": _pem(carpeta, "delegado", delegado, delegado_llave),
        "intruso": _pem(carpeta, "intruso", intruso, intruso_llave),
    }


class Responder:
    """`openssl ocsp` serving ``indice`` on 127.0.0.1:``puerto``, signing as ``firmante``."""

    def __init__(self, pki, puerto: int, indice: str, firmante: str = "delegado"):
        self.puerto = puerto
        ruta = pki["dir"] / f"index-{puerto}.txt"
        ruta.write_text(indice)
        pem = pki[firmante]
        self.log = pki["dir"] / f"ocsp-{puerto}.log"
        with open(self.log, "wb") as salida:
            self.proceso = subprocess.Popen(
                [
                    "openssl", "ocsp", "-index", str(ruta), "-port", str(puerto),
                    "-rsigner", pem, "-rkey", pem.replace(".pem", ".key"), "-CA", pki["ca_pem"],
                    "-ignore_err", "-nmin", "5",
                ],
                stdout=salida,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        # A bare TCP probe would block this single-threaded responder: wait for its banner.
        fin = time.monotonic() + 10
        while time.monotonic() < fin:
            if b"waiting for OCSP client connections" in self.log.read_bytes():
                return
            time.sleep(0.05)
        self.cerrar()
        raise RuntimeError("openssl ocsp no arrancó")

    def cerrar(self):
        self.proceso.terminate()
        self.proceso.wait(timeout=5)


class _TryLater(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.end_headers()
        self.wfile.write(bytes.fromhex("3003 0a01 03".replace(" ", "")))

    def log_message(self, *args):
        pass


@pytest.fixture
def confiar(settings, pki):
    settings.FIEL_CA_DIR = str(pki["ca"].dir)
    settings.FIEL_REVOCACION = "fail-closed"
    settings.FIEL_OCSP_TIMEOUT = 3
    from django.core.cache import cache

    cache.clear()
    return settings


def _credencial(pki, url, rfc="PEGJ800101AB6"):
    return emitir_credencial(pki["ca"], rfc, "JUAN PEREZ GARCIA", ocsp_url=url)


@pytest.fixture
def responder(pki):
    """responder(estado "V"|"R"|None, firmante) -> credential whose certificate the running
    `openssl ocsp` knows as good (V), revoked (R) or not at all (None)."""
    vivos = []

    def _iniciar(estado, firmante="delegado"):
        puerto = _puerto_libre()
        cred = _credencial(pki, f"http://127.0.0.1:{puerto}/")
        cert = leer_certificado(cred.cer).certificado
        revocado = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
        indice = _linea_indice(cert, estado, revocado if estado == "R" else None) if estado else ""
        vivos.append(Responder(pki, puerto, indice, firmante))
        return cred

    yield _iniciar
    for r in vivos:
        r.cerrar()


def _verificar(cred):
    return verificar_fiel(cred.cer, cred.key, cred.password)


def test_vigente(confiar, responder):
    cred = responder("V")
    res = _verificar(cred)
    assert res.ok, res.codigos
    assert res.revocacion.estado == "vigente" and res.revocacion.fuente.startswith("http://127")
    assert res.as_dict()["revocacion"]["estado"] == "vigente"


def test_revocado_con_fecha(confiar, responder):
    cred = responder("R")
    res = _verificar(cred)
    assert not res.ok and "certificado_revocado" in res.codigos
    assert res.revocacion.fecha == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert "fue revocado por el SAT el 01/01/2026 21:04" in " ".join(res.mensajes)


def test_desconocido(confiar, responder):
    res = _verificar(responder(None))
    assert not res.ok and res.codigos == ["certificado_desconocido"]
    assert res.revocacion.estado == "desconocido"


def test_responder_con_llave_equivocada_no_cuenta(confiar, responder):
    res = _verificar(responder("R", firmante="intruso"))
    assert res.revocacion.estado == "no_consultado"
    assert "no está firmada por la AC" in res.revocacion.motivo
    assert res.codigos == ["revocacion_no_disponible"]  # fail-closed


def test_inalcanzable_fail_closed_y_fail_open(confiar, pki, caplog):
    cred = _credencial(pki, f"http://127.0.0.1:{_puerto_libre()}/")
    res = _verificar(cred)
    assert res.codigos == ["revocacion_no_disponible"]
    assert "No fue posible consultar al SAT" in res.mensajes[0]
    confiar.FIEL_REVOCACION = "fail-open"
    caplog.set_level(logging.WARNING, logger="firma.auditoria")
    res = _verificar(cred)
    assert res.ok and res.revocacion.estado == "no_consultado"
    assert any(
        r.name == "firma.auditoria" and "fail-open" in r.getMessage() for r in caplog.records
    )


def test_try_later_es_sin_respuesta(confiar, pki):
    servidor = http.server.HTTPServer(("127.0.0.1", 0), _TryLater)
    hilo = threading.Thread(target=servidor.serve_forever, daemon=True)
    hilo.start()
    try:
        cred = _credencial(pki, f"http://127.0.0.1:{servidor.server_port}/")
        res = _verificar(cred)
        assert res.codigos == ["revocacion_no_disponible"]
        assert "TRY_LATER" in res.revocacion.motivo
    finally:
        servidor.shutdown()


def test_tiempo_de_espera(confiar, pki):
    """A responder that accepts and never answers: the timeout bounds the wait."""
    escucha = socket.socket()
    escucha.bind(("127.0.0.1", 0))
    escucha.listen(1)
    confiar.FIEL_OCSP_TIMEOUT = 0.5
    try:
        cred = _credencial(pki, f"http://127.0.0.1:{escucha.getsockname()[1]}/")
        inicio = time.monotonic()
        res = _verificar(cred)
        assert time.monotonic() - inicio < 5
        assert res.codigos == ["revocacion_no_disponible"]
    finally:
        escucha.close()


def test_cache_por_certificado(confiar, responder):
    cred = responder("V")
    assert _verificar(cred).revocacion.estado == "vigente"
    segunda = _verificar(cred).revocacion
    assert segunda.estado == "vigente" and segunda.fuente.endswith("(caché)")
    confiar.FIEL_OCSP_CACHE = 0


def test_no_consultar(confiar, responder):
    confiar.FIEL_REVOCACION = "no-consultar"
    res = _verificar(responder("R"))
    assert res.ok and res.revocacion.estado == "no_consultado"


# -- the SAT's real responses ------------------------------------------------------------------


def test_muestra_real_revocada_del_sat(fiel_sat):
    der = (fiel_sat / "ocsp-muestras" / "revoked.der").read_bytes()
    estado, fecha, serial = revocacion.leer_respuesta(der)
    assert estado == "revocado"
    assert fecha == dt.datetime(2022, 11, 1, 4, 17, 3, tzinfo=dt.UTC)
    assert serial.to_bytes(20, "big").decode("ascii") == "00001000000412722487"


def test_muestra_real_try_later_del_sat(fiel_sat):
    der = (fiel_sat / "ocsp-muestras" / "tryLater.der").read_bytes()
    with pytest.raises(revocacion.SinRespuesta, match="TRY_LATER"):
        revocacion.leer_respuesta(der)


def test_fiel_del_sat_usa_el_responder_configurado(fiel_sat, settings):
    """SAT FIELs carry no AIA: for a certificate of a production SAT CA the responder is
    FIEL_OCSP_URL; the SAT's test CAs get none (not consulted)."""
    settings.FIEL_OCSP_URL = "http://127.0.0.1:9/edofiel"
    from firma.confianza import emisor_en_almacen

    ipn = leer_certificado((fiel_sat / "produccion-publicos/ipnCertificate.cer").read_bytes())
    assert revocacion.url_ocsp(ipn.certificado, emisor_en_almacen(ipn.certificado)) == (
        "http://127.0.0.1:9/edofiel"
    )
    eku = leer_certificado((fiel_sat / "vigente/EKU9003173C9_FIEL.cer").read_bytes())
    assert revocacion.url_ocsp(eku.certificado, emisor_en_almacen(eku.certificado)) is None


@pytest.mark.django_db
def test_ingreso_con_fiel_revocada_se_rechaza(confiar, responder, client):
    from tests.firmas import firmar_en

    r = firmar_en(client, "/ingresar/", responder("R"), extra={"metodo": "fiel"})
    assert r.status_code == 200 and "_auth_user_id" not in client.session
    assert "fue revocado por el SAT" in r.content.decode()
    r = firmar_en(client, "/ingresar/", responder("V"), extra={"metodo": "fiel"})
    assert r.status_code == 302 and "_auth_user_id" in client.session
