"""Shared fixtures. App-specific fixtures live in tests/<app>/conftest.py."""

import os
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
# SAT's public test credentials: never copied into the project, read where CI puts them.
FIEL_PRUEBAS_DIR = Path(os.environ.get("FIEL_PRUEBAS_DIR", BASE_DIR.parent / "shared" / "fiel"))
ARTIFACTS_DIR = Path(os.environ.get("TEST_ARTIFACTS_DIR", BASE_DIR / "test-artifacts"))


@pytest.fixture
def fiel_sat():
    """Path to ../shared/fiel; skips with a reason only when the folder is absent."""
    if not FIEL_PRUEBAS_DIR.is_dir():
        pytest.skip(f"No están las credenciales de prueba del SAT en {FIEL_PRUEBAS_DIR}")
    return FIEL_PRUEBAS_DIR


@pytest.fixture(autouse=True)
def _media_y_hashers(settings, tmp_path):
    """Each test writes files to its own folder and hashes passwords cheaply."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sin_memoria_entre_peticiones():
    """Each test starts with nothing remembered across requests (as a fresh process would):
    días inhábiles, the catalog."""
    from tramites.memoria import olvidar_todas

    olvidar_todas()


@pytest.fixture
def consultas_armadas(monkeypatch):
    """The labels of the models whose query the ORM builds and runs from now on (issue 8:
    pages whose queries run SQL compiled once, vucem.consultas, build none)."""
    from django.db.models.sql.compiler import SQLCompiler

    armadas: list[str] = []
    original = SQLCompiler.execute_sql

    def execute_sql(self, *args, **kwargs):
        armadas.append(self.query.model._meta.label)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "execute_sql", execute_sql)
    return armadas


@pytest.fixture
def artifacts_dir():
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


# --- firma: the project's test CA, trust store and FIEL-shaped credentials ------------------


@pytest.fixture(scope="session")
def fiel_ca(tmp_path_factory):
    """Session test CA ("AC DEMO VENTANILLA"); its certificate is in ``fiel_ca.dir``."""
    from firma.testing import crear_ca

    return crear_ca(tmp_path_factory.mktemp("fiel-ca"))


@pytest.fixture(scope="session")
def sello_ventanilla_prueba(tmp_path_factory, fiel_ca):
    """(cer_path, key_path, password) of a session Ventanilla seal issued by ``fiel_ca``."""
    from firma.testing import emitir_sello_ventanilla, escribir_credencial

    carpeta = tmp_path_factory.mktemp("sello-ventanilla")
    password = "sello-de-pruebas"
    cer, key = carpeta / "sello.cer", carpeta / "sello.key"
    escribir_credencial(emitir_sello_ventanilla(fiel_ca, password), cer, key)
    return cer, key, password


@pytest.fixture(autouse=True)
def _fiel_confianza(settings, fiel_ca, sello_ventanilla_prueba):
    """Trust the test CA and SAT's test CAs; seal with the session Ventanilla seal."""
    settings.FIEL_CA_DIR = f"{fiel_ca.dir}:{FIEL_PRUEBAS_DIR / 'ac-pruebas'}"
    settings.FIEL_CONFIAR_AC_DEMO = False  # hermetic: never var/fiel-demo/ca of a dev machine
    cer, key, password = sello_ventanilla_prueba
    settings.VENTANILLA_SELLO_CER = str(cer)
    settings.VENTANILLA_SELLO_KEY = str(key)
    settings.VENTANILLA_SELLO_PASSWORD = password


@pytest.fixture(scope="session")
def credencial_factory(fiel_ca):
    """credencial_factory(rfc=..., nombre=..., tipo="FIEL", curp=..., rfc_representante=...,
    curp_representante=..., valido_desde=..., valido_hasta=..., password=...) -> Credencial
    signed by ``fiel_ca``; persona física/moral follows the RFC's length. Cached by arguments.
    Defaults: the demo persona física JUAN PEREZ GARCIA."""
    from firma.demo import PERSONAS_DEMO
    from firma.testing import PASSWORD_DEMO, emitir_credencial

    fisica = next(p for p in PERSONAS_DEMO if p["tipo"] == "fisica")
    cache: dict = {}

    def factory(
        rfc=fisica["rfc"],
        nombre=None,
        tipo="FIEL",
        *,
        curp=None,
        rfc_representante="",
        curp_representante="",
        valido_desde=None,
        valido_hasta=None,
        password=PASSWORD_DEMO,
    ):
        if nombre is None:
            nombre = fisica["nombre"] if rfc == fisica["rfc"] else f"PERSONA DE PRUEBA {rfc}"
        if curp is None:
            curp = fisica["curp"] if rfc == fisica["rfc"] else ""
        clave = (
            rfc,
            nombre,
            tipo,
            curp,
            rfc_representante,
            curp_representante,
            valido_desde,
            valido_hasta,
            password,
        )
        if clave not in cache:
            cache[clave] = emitir_credencial(
                fiel_ca,
                rfc,
                nombre,
                curp=curp,
                rfc_representante=rfc_representante,
                curp_representante=curp_representante,
                tipo=tipo,
                valido_desde=valido_desde,
                valido_hasta=valido_hasta,
                password=password,
            )
        return cache[clave]

    return factory


@pytest.fixture
def fiel(credencial_factory):
    """fiel(persona) → that persona's test FIEL (RFC, name, representante / CURP as in the row)."""

    def _fiel(persona):
        if persona.es_moral:
            return credencial_factory(
                rfc=persona.rfc, nombre=persona.nombre, rfc_representante=persona.rfc_representante
            )
        return credencial_factory(rfc=persona.rfc, nombre=persona.nombre, curp=persona.curp)

    return _fiel


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The fuzz test's counts (tests/integracion/test_fuzz_urls.py), always shown in the log."""
    datos = getattr(config, "fuzz_urls", None)
    if datos:
        terminalreporter.write_sep("-", "fuzz de URLs")
        terminalreporter.write_line(
            f"Fuzz de URLs: {datos['peticiones']} peticiones, {datos['errores']} respuestas 500 "
            f"({datos.get('paginas', 0)} páginas y {datos.get('formularios', 0)} formularios "
            "recorridos)"
        )
