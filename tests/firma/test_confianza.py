"""Issue 7: the shipped SAT production trust store, its manifest, the asn1crypto shim, path
validation with pyhanko-certvalidator, and `fiel verificar` with no trust setting at all."""

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from asn1crypto import x509 as asn1_x509

from firma.confianza import cadena_confiable, carpeta_produccion, revisar_manifiesto
from firma.services import leer_certificado

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCCION = BASE_DIR / "firma" / "ac" / "produccion"


def test_manifiesto_coincide_con_los_archivos():
    assert carpeta_produccion() == PRODUCCION
    assert revisar_manifiesto(PRODUCCION) == []
    nombres = {
        linea.split()[1] for linea in (PRODUCCION / "MANIFIESTO.sha256").read_text().splitlines()
    }
    assert nombres == {
        "ARC5_IES.cer",
        "ARC6_IES.cer",
        "AC5_SAT.cer",
        "AC6_SAT.cer",
        "AC7_SAT.cer",
        "ocsp.ac5_sat.cer",
    }


def test_manifiesto_coincide_con_la_procedencia_publicada(fiel_sat):
    """Each SHA-256 equals the one in ../shared/fiel/ac-produccion/README.md (provenance)."""
    readme = (fiel_sat / "ac-produccion" / "README.md").read_text(encoding="utf-8")
    for linea in (PRODUCCION / "MANIFIESTO.sha256").read_text().splitlines():
        sha, nombre = linea.split()
        assert re.search(rf"\| {re.escape(nombre)} \|.*\| {sha} \|", readme), nombre
        assert hashlib.sha256((PRODUCCION / nombre).read_bytes()).hexdigest() == sha


def test_shim_de_x500_unique_identifier():
    # firma.confianza applies firma.asn1_sat's shim when it is imported (above).
    especie = asn1_x509.NameTypeAndValue._oid_specs.get("unique_identifier")
    assert especie is asn1_x509.DirectoryString


def test_cadenas_del_sat_con_pyhanko(fiel_sat, settings):
    import datetime as dt

    settings.FIEL_CA_DIR = str(fiel_sat / "ac-pruebas")
    casos = [
        ("produccion-publicos/ipnCertificate.cer", dt.datetime(2024, 6, 1, tzinfo=dt.UTC)),
        ("vigente/EKU9003173C9_FIEL.cer", dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
        ("vencido/CANF770131PA3_FIEL_enie.cer", dt.datetime(2020, 6, 1, tzinfo=dt.UTC)),
    ]
    for ruta, momento in casos:
        cert = leer_certificado((fiel_sat / ruta).read_bytes()).certificado
        assert cadena_confiable(cert, momento), ruta
    falso = leer_certificado((fiel_sat / "invalido/emisor_no_sat.cer").read_bytes())
    assert not cadena_confiable(falso.certificado)


def test_acs_de_prueba_del_sat_solo_por_ajuste(fiel_sat, settings):
    settings.FIEL_CA_DIR = ""
    cert = leer_certificado((fiel_sat / "vigente/EKU9003173C9_FIEL.cer").read_bytes())
    assert not cadena_confiable(cert.certificado)


def test_ac_demo_solo_con_debug_o_ajuste(settings, tmp_path, credencial_factory, fiel_ca):
    import shutil

    from firma.confianza import confia_en_demo

    (tmp_path / "ca").mkdir()
    shutil.copy(fiel_ca.cer_path, tmp_path / "ca")
    settings.FIEL_DEMO_DIR = str(tmp_path)
    settings.FIEL_CA_DIR = ""
    cert = leer_certificado(credencial_factory().cer).certificado
    settings.FIEL_CONFIAR_AC_DEMO = False
    assert not confia_en_demo() and not cadena_confiable(cert)
    settings.FIEL_CONFIAR_AC_DEMO = True
    assert cadena_confiable(cert)
    settings.FIEL_CONFIAR_AC_DEMO = None  # unset: follows DEBUG
    settings.DEBUG = True
    assert confia_en_demo()
    settings.DEBUG = False
    assert not confia_en_demo()


def _fiel_cli(*args):
    """`manage.py fiel` in a clean process with no trust setting at all."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FIEL_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env["DJANGO_DEBUG"] = "False"
    env["DJANGO_SECRET_KEY"] = "prueba-" + "x" * 50
    env["DJANGO_ALLOWED_HOSTS"] = "localhost"
    return subprocess.run(
        [sys.executable, "manage.py", "fiel", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fiel_verificar_ipn_produccion_sin_ajustes(fiel_sat):
    cer = fiel_sat / "produccion-publicos" / "ipnCertificate.cer"
    r = _fiel_cli(
        "verificar", "--json", "--cer", str(cer), "--at", "2024-06-01T12:00", "--sin-revocacion"
    )
    assert r.returncode == 0, r.stderr
    datos = json.loads(r.stdout)
    assert datos["cadena_confiable"] is True
    assert datos["tipo"] == "FIEL" and datos["persona"] == "moral"
    assert datos["rfc"] == "IPN811229H26" and datos["errores"] == []
    assert datos["revocacion"] == {"estado": "no_consultado", "fecha": None, "fuente": None}

    csd = fiel_sat / "produccion-publicos" / "ipnCertificate-CSD.cer"
    r = _fiel_cli(
        "verificar", "--json", "--cer", str(csd), "--at", "2024-06-01T12:00", "--sin-revocacion"
    )
    assert r.returncode == 1
    datos = json.loads(r.stdout)
    assert datos["tipo"] == "CSD" and datos["cadena_confiable"] is True
    assert [e["codigo"] for e in datos["errores"]] == ["certificado_es_csd"]


def _ac_demo_de_confianza(settings, tmp_path, fiel_ca):
    import shutil

    (tmp_path / "ca").mkdir(exist_ok=True)
    shutil.copy(fiel_ca.cer_path, tmp_path / "ca")
    settings.FIEL_DEMO_DIR = str(tmp_path)
    settings.FIEL_CA_DIR = ""
    settings.FIEL_CONFIAR_AC_DEMO = True


def test_una_cadena_validada_no_se_vuelve_a_construir(
    settings, tmp_path, credencial_factory, fiel_ca, monkeypatch
):
    """Issue 8: the path of a leaf already validated is reused (per trust store) while the
    moment falls inside the validity of every certificate of that path."""
    import datetime as dt

    from firma import confianza

    _ac_demo_de_confianza(settings, tmp_path, fiel_ca)
    cert = leer_certificado(credencial_factory(rfc="CACH800101AB1").cer).certificado
    construidas = []
    real = confianza.ruta_de_confianza

    def espia(*a, **k):
        construidas.append(1)
        return real(*a, **k)

    monkeypatch.setattr(confianza, "ruta_de_confianza", espia)
    assert cadena_confiable(cert) and cadena_confiable(cert)
    assert len(construidas) == 1
    # a moment outside the cached interval builds the path again
    clave = next(k for k in confianza._RUTAS_VALIDADAS if k[0] == cert.fingerprint(_sha()))
    desde, hasta = confianza._RUTAS_VALIDADAS[clave]
    confianza._RUTAS_VALIDADAS[clave] = (desde, desde + dt.timedelta(seconds=5))
    assert cadena_confiable(cert)
    assert len(construidas) == 2
    # another trust store (the demo CA no longer trusted) is another key: refused
    settings.FIEL_CONFIAR_AC_DEMO = False
    assert not cadena_confiable(cert)
    assert len(construidas) == 3


def test_una_cadena_no_confiable_no_se_guarda(settings, credencial_factory, monkeypatch):
    from firma import confianza

    settings.FIEL_CA_DIR = ""
    settings.FIEL_CONFIAR_AC_DEMO = False
    cert = leer_certificado(credencial_factory(rfc="NOCA800101AB1").cer).certificado
    antes = len(confianza._RUTAS_VALIDADAS)
    assert not cadena_confiable(cert) and not cadena_confiable(cert)
    assert len(confianza._RUTAS_VALIDADAS) == antes


def _sha():
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()
