import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from firma.demo import PERSONAS_DEMO
from vucem.models import Capturista, Domicilio, Persona, Rol

pytestmark = pytest.mark.django_db


def _cargar(tmp_path, capsys=None):
    call_command("cargar_demo", "--fiel-dir", str(tmp_path / "fiel-demo"))


def _estado():
    User = get_user_model()
    return (
        Persona.objects.count(),
        Domicilio.objects.count(),
        User.objects.count(),
        Capturista.objects.count(),
        sorted(User.objects.values_list("username", flat=True)),
    )


def test_cargar_demo_es_idempotente(tmp_path, capsys):
    _cargar(tmp_path)
    primero = _estado()
    salida = capsys.readouterr().out
    _cargar(tmp_path)
    assert _estado() == primero

    User = get_user_model()
    for datos in PERSONAS_DEMO:
        persona = Persona.objects.get(rfc=datos["rfc"])
        assert persona.calle and persona.codigo_postal  # domicilio fiscal
        assert persona.domicilios.filter(tipo__in=Domicilio.TIPOS_PERMITIDOS_RAOCE).exists()
        user = persona.usuario
        assert user.username == datos["rfc"] and not user.has_usable_password()
        assert user.tiene_rol(persona.rol_solicitante)
        assert datos["rfc"] in salida
        assert (tmp_path / "fiel-demo" / "personas" / f"{datos['rfc']}.cer").exists()

    moral = Persona.objects.get(rfc=next(p["rfc"] for p in PERSONAS_DEMO if p["tipo"] == "moral"))
    capt = User.objects.get(username="capturista.demo")
    assert Capturista.objects.get(usuario=capt).solicitante == moral
    assert capt.check_password("Ventanilla.2026") and capt.tiene_rol(Rol.CAPTURISTA_PRIVADO)
    assert User.objects.get(username="gubernamental.demo").tiene_rol(Rol.CAPTURISTA_GUBERNAMENTAL)
    dictaminador = User.objects.get(username="dictaminador.demo")
    assert dictaminador.is_staff and dictaminador.tiene_rol(Rol.DICTAMINADOR)
    assert dictaminador.has_perm("tramites.dictaminar_solicitud")
    assert User.objects.get(username="central.demo").tiene_rol(Rol.NIVEL_CENTRAL)
    # issue 10 item 4: the officials' cargo, printed on the oficios they resolve
    assert dictaminador.cargo and User.objects.get(username="central.demo").cargo
    assert User.objects.get(username="admin").is_superuser
    for texto in (
        "capturista.demo",
        "dictaminador.demo",
        "central.demo",
        "Ventanilla.2026",
        "personas",
    ):
        assert texto in salida


def test_demo_permite_ingresar(tmp_path, client):
    _cargar(tmp_path)
    r = client.post(
        "/ingresar/",
        {"metodo": "sin_fiel", "username": "capturista.demo", "password": "Ventanilla.2026"},
    )
    assert r.status_code == 302 and r.url == "/"
    assert client.get("/").status_code == 200


def test_ganchos_de_otras_apps(tmp_path, monkeypatch):
    import sys
    import types

    llamadas = []
    modulo = types.ModuleType("raoce.demo")
    modulo.cargar = lambda stdout: llamadas.append(stdout)
    monkeypatch.setitem(sys.modules, "raoce.demo", modulo)
    import importlib.util

    original = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda n, *a: object() if n == "raoce.demo" else original(n, *a),
    )
    _cargar(tmp_path)
    assert len(llamadas) == 1
