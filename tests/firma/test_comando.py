"""``manage.py fiel verificar`` and ``manage.py fiel demo``."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum.mx import curp as stdcurp
from stdnum.mx import rfc as stdrfc

from firma.demo import PASSWORD_DEMO, PERSONAS_DEMO, generar_demo
from firma.services import leer_certificado, verificar_fiel

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LLAVES_JSON = [
    "rfc",
    "rfc_representante",
    "curp",
    "curp_representante",
    "nombre",
    "tipo",
    "persona",
    "numero_certificado",
    "valido_desde",
    "valido_hasta",
    "emisor",
    "vigente",
    "cadena_confiable",
    "llave_corresponde",
    "errores",
    "revocacion",
]


def fiel(*args) -> tuple[int, str, str]:
    """Run ``fiel`` through call_command; return (exit code, stdout, error message)."""
    out = io.StringIO()
    try:
        call_command("fiel", *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


def test_verificar_json_fiel_vigente(fiel_sat):
    rc, out, _ = fiel(
        "verificar",
        "--cer", fiel_sat / "vigente/EKU9003173C9_FIEL.cer",
        "--key", fiel_sat / "vigente/EKU9003173C9_FIEL.key",
        "--password", "12345678a",
        "--json",
    )  # fmt: skip
    assert rc == 0
    datos = json.loads(out)
    assert list(datos) == LLAVES_JSON
    assert datos["rfc"] == "EKU9003173C9" and datos["tipo"] == "FIEL"
    assert datos["persona"] == "moral"
    assert datos["numero_certificado"] == "30001000000500003415"
    assert datos["llave_corresponde"] is True and datos["errores"] == []


def test_verificar_contrasena_incorrecta_sale_1(fiel_sat):
    rc, out, msg = fiel(
        "verificar",
        "--cer", fiel_sat / "vigente/EKU9003173C9_FIEL.cer",
        "--key", fiel_sat / "vigente/EKU9003173C9_FIEL.key",
        "--password", "mala",
        "--json",
    )  # fmt: skip
    assert rc == 1
    datos = json.loads(out)
    assert datos["errores"] == [
        {
            "codigo": "password_incorrecta",
            "mensaje": "La contraseña de la clave privada no es válida.",
        }
    ]
    assert "mala" not in out and "mala" not in msg


def test_verificar_vencido_hoy_y_valido_con_at(fiel_sat):
    args = [
        "verificar",
        "--cer", fiel_sat / "vencido/CACX7605101P8_FIEL.cer",
        "--key", fiel_sat / "vencido/CACX7605101P8_FIEL.key",
        "--password", "12345678a",
        "--json",
    ]  # fmt: skip
    rc, out, _ = fiel(*args)
    assert rc == 1
    assert json.loads(out)["errores"][0]["codigo"] == "certificado_vencido"
    rc, out, _ = fiel(*args, "--at", "2020-06-01T12:00:00-06:00")
    assert rc == 0
    assert json.loads(out)["vigente"] is True


@pytest.mark.parametrize(
    "archivo,codigo",
    [
        ("vigente/EKU9003173C9_CSD.cer", "certificado_es_csd"),
        ("invalido/emisor_no_sat.cer", "emisor_no_confiable"),
        ("invalido/certificado_corrupto.pem", "certificado_mal_formado"),
        ("vigente/EKU9003173C9_FIEL.key", "certificado_es_llave"),
    ],
)
def test_verificar_solo_certificado_invalido_sale_1(fiel_sat, archivo, codigo):
    rc, out, _ = fiel("verificar", "--cer", fiel_sat / archivo, "--json")
    assert rc == 1
    assert codigo in [e["codigo"] for e in json.loads(out)["errores"]]


def test_verificar_solo_certificado_valido_sale_0(fiel_sat):
    rc, out, _ = fiel("verificar", "--cer", fiel_sat / "vigente/EKU9003173C9_FIEL.cer", "--json")
    assert rc == 0
    assert json.loads(out)["llave_corresponde"] is None


def test_verificar_resumen_legible(fiel_sat):
    rc, out, _ = fiel(
        "verificar",
        "--cer", fiel_sat / "vencido/CANF770131PA3_FIEL_enie.cer",
        "--key", fiel_sat / "vencido/CANF770131PA3_FIEL_enie.key",
        "--password", "12345678a",
        "--at", "2020-06-01T12:00",
    )  # fmt: skip
    assert rc == 0
    assert "CAÑF770131PA3" in out and "FERNANDO CASTILLO ÑABARRO" in out
    assert "FIEL de persona física" in out
    assert "Resultado: e.firma válida." in out
    rc, out, msg = fiel("verificar", "--cer", fiel_sat / "vigente/EKU9003173C9_CSD.cer")
    assert rc == 1
    assert "NO es utilizable" in out
    assert "no una e.firma" in out and "no una e.firma" in msg


def test_verificar_argumentos_invalidos_sale_2(tmp_path, fiel_sat):
    rc, _, msg = fiel("verificar", "--cer", tmp_path / "no-existe.cer")
    assert rc == 2 and "No existe" in msg
    rc, _, msg = fiel(
        "verificar", "--cer", fiel_sat / "vigente/EKU9003173C9_FIEL.cer", "--at", "ayer"
    )
    assert rc == 2 and "--at" in msg


def test_verificar_archivo_enorme(tmp_path):
    grande = tmp_path / "grande.cer"
    grande.write_bytes(b"0" * (200 * 1024))
    rc, out, _ = fiel("verificar", "--cer", grande, "--json")
    assert rc == 1
    assert json.loads(out)["errores"][0]["codigo"] == "certificado_demasiado_grande"


def test_verificar_archivo_enorme_dice_su_tamano_real(tmp_path, fiel_sat):
    """The command reads only FIEL_MAX_BYTES + 1 bytes, yet reports the file's real size."""
    grande = tmp_path / "grande.cer"
    grande.write_bytes(b"0" * (100 * 1024))
    rc, out, msg = fiel("verificar", "--cer", grande, "--json")
    (error,) = json.loads(out)["errores"]
    assert rc == 1 and error["codigo"] == "certificado_demasiado_grande"
    assert error["mensaje"] == (
        "El archivo del certificado (.cer) es demasiado grande "
        "(máximo 64 KiB; el archivo mide 100 KiB)."
    )
    assert "el archivo mide 100 KiB" in msg and "se recibieron 64 KiB" not in msg
    llave = tmp_path / "grande.key"
    llave.write_bytes(b"0" * (65 * 1024 + 1))
    rc, out, msg = fiel(
        "verificar",
        "--cer",
        fiel_sat / "vigente/EKU9003173C9_FIEL.cer",
        "--key",
        llave,
        "--password",
        "x",
    )
    assert rc == 1 and "Error [llave_demasiado_grande]" in out
    assert "(máximo 64 KiB; el archivo mide 65.1 KiB)" in out and "el archivo mide 65.1 KiB" in msg


def test_subproceso_codigos_de_salida(fiel_sat, fiel_ca, tmp_path):
    env = {
        **os.environ,
        "FIEL_CA_DIR": f"{fiel_ca.dir}:{fiel_sat / 'ac-pruebas'}",
        "FIEL_DEMO_DIR": str(tmp_path / "demo"),
    }
    base = [sys.executable, str(BASE_DIR / "manage.py"), "fiel", "verificar", "--json"]
    ok = subprocess.run(
        [*base, "--cer", fiel_sat / "vigente/EKU9003173C9_FIEL.cer",
         "--key", fiel_sat / "vigente/EKU9003173C9_FIEL.key", "--password", "12345678a"],
        capture_output=True, text=True, env=env, cwd=BASE_DIR, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["rfc"] == "EKU9003173C9"
    mal = subprocess.run(
        [*base, "--cer", fiel_sat / "vigente/EKU9003173C9_FIEL.cer",
         "--key", fiel_sat / "vigente/EKU9003173C9_CSD.key", "--password", "12345678a"],
        capture_output=True, text=True, env=env, cwd=BASE_DIR, timeout=120,
    )  # fmt: skip
    assert mal.returncode == 1
    assert json.loads(mal.stdout)["errores"][0]["codigo"] == "llave_no_corresponde"
    assert "12345678a" not in mal.stdout + mal.stderr


# --- demo ---------------------------------------------------------------------------------


def test_personas_demo_validas():
    assert len(PERSONAS_DEMO) >= 4
    nombres = [p["nombre"] for p in PERSONAS_DEMO]
    for esperado in (
        "LACTEOS DEL BAJIO SA DE CV",
        "AVENAS Y CEREALES DEL NORTE SA DE CV",
        "JUAN PEREZ GARCIA",
        "EXPORTADORA DEL PACIFICO SA DE CV",
    ):
        assert esperado in nombres
    campos = {"rfc", "nombre", "tipo", "curp", "rfc_representante", "curp_representante", "correo"}
    for p in PERSONAS_DEMO:
        assert set(p) == campos
        stdrfc.validate(p["rfc"], validate_check_digits=True)
        assert p["tipo"] == ("moral" if len(p["rfc"]) == 12 else "fisica")
        if p["tipo"] == "fisica":
            stdcurp.validate(p["curp"])
        else:
            stdrfc.validate(p["rfc_representante"], validate_check_digits=True)
            stdcurp.validate(p["curp_representante"])
        assert "@" in p["correo"]
    assert len({p["rfc"] for p in PERSONAS_DEMO}) == len(PERSONAS_DEMO)


def test_demo_crea_fiel_confiables(tmp_path, settings):
    destino = tmp_path / "demo"
    rc, out, _ = fiel("demo", "--dir", destino)
    assert rc == 0
    assert str(destino) in out and PASSWORD_DEMO in out
    ca_dir = destino / "ca"
    assert list(ca_dir.glob("*.cer"))
    assert not list(ca_dir.glob("*.key"))  # the CA's key stays out of the trust folder
    settings.FIEL_CA_DIR = str(ca_dir)  # trust only the demo CA
    for p in PERSONAS_DEMO:
        cer = (destino / "personas" / f"{p['rfc']}.cer").read_bytes()
        key = (destino / "personas" / f"{p['rfc']}.key").read_bytes()
        res = verificar_fiel(cer, key, PASSWORD_DEMO, rfc_esperado=p["rfc"])
        assert res.ok, (p["rfc"], res.errores)
        info = res.certificado
        assert info.tipo == "FIEL" and info.persona == p["tipo"]
        assert info.nombre == p["nombre"]
        assert info.rfc_representante == p["rfc_representante"]
        assert info.curp == p["curp"] and info.curp_representante == p["curp_representante"]
        assert "AC DEMO VENTANILLA" in info.emisor
        assert len(info.numero_certificado) == 20
        rc, out, _ = fiel(
            "verificar",
            "--cer", destino / "personas" / f"{p['rfc']}.cer",
            "--key", destino / "personas" / f"{p['rfc']}.key",
            "--password", PASSWORD_DEMO,
            "--json",
        )  # fmt: skip
        assert rc == 0 and json.loads(out)["rfc"] == p["rfc"]
    sello = leer_certificado((destino / "ventanilla" / "sello.cer").read_bytes())
    assert sello.tipo == "CSD"


def test_demo_es_idempotente_y_force_recrea(tmp_path):
    destino = tmp_path / "demo"
    primero = generar_demo(destino)
    assert primero.creados
    cer = destino / "personas" / f"{PERSONAS_DEMO[0]['rfc']}.cer"
    antes = cer.read_bytes()
    rc, out, _ = fiel("demo", "--dir", destino)
    assert rc == 0 and "Ya existían" in out
    assert cer.read_bytes() == antes
    # A missing persona file is re-issued by the same CA, the rest kept.
    otro = destino / "personas" / f"{PERSONAS_DEMO[1]['rfc']}.key"
    otro.unlink()
    segundo = generar_demo(destino)
    assert otro.exists() and cer.read_bytes() == antes
    assert set(segundo.creados) == {otro, otro.with_suffix(".cer")}
    rc, out, _ = fiel("demo", "--dir", destino, "--force")
    assert rc == 0 and "Se crearon" in out
    assert cer.read_bytes() != antes


def test_demo_usa_fiel_demo_dir_por_omision(tmp_path, settings):
    settings.FIEL_DEMO_DIR = tmp_path / "por-omision"
    rc, out, _ = fiel("demo")
    assert rc == 0
    assert (tmp_path / "por-omision" / "personas" / f"{PERSONAS_DEMO[2]['rfc']}.key").exists()
