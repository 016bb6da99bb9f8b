"""Issue 11, items 3 and 6: production refuses unsafe settings; CSP; health endpoint; probe.

The settings are evaluated at import, so the start-up refusals and ``check --deploy`` run
``manage.py`` in a subprocess with the environment under test."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from vucem import sonda

BASE_DIR = Path(__file__).resolve().parents[2]
FIEL_PRUEBAS_DIR = Path(os.environ.get("FIEL_PRUEBAS_DIR", BASE_DIR.parent / "shared" / "fiel"))


def _entorno_limpio(**extra) -> dict:
    """The environment of a fresh process: none of the test run's service variables."""
    quitar = {
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; check --deploy warns on it
    }
    entorno = {k: v for k, v in os.environ.items() if k not in quitar}
    entorno.update(extra)
    return entorno


def _manage(*args, **entorno):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=_entorno_limpio(**entorno),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "clave",
    [
        None,  # not set: the committed development key
        "dev-only-insecure-key-change-me-in-production-0123456789",
        "cambie-esto-por-una-cadena-larga-y-aleatoria",
        "corta",
        "django-insecure-" + "x" * 60,
        "a" * 60,
    ],
)
def test_sin_clave_secreta_real_no_arranca(clave):
    entorno = {"DJANGO_DEBUG": "False"}
    if clave is not None:
        entorno["DJANGO_SECRET_KEY"] = clave
    r = _manage("check", **entorno)
    assert r.returncode != 0
    assert "DJANGO_SECRET_KEY" in r.stderr


def _entorno_compose() -> dict:
    """The ``environment:`` of the app services in docker-compose.yml, with ``${VAR:-def}``
    expanded as compose does when VAR is not set (no YAML parser needed)."""
    texto = (BASE_DIR / "docker-compose.yml").read_text()
    bloque = texto.split("  environment:\n", 1)[1].split("\n  volumes:", 1)[0]
    entorno = {}
    for linea in bloque.splitlines():
        m = re.fullmatch(r"    ([A-Z_][A-Z0-9_]*): (.*)", linea)
        if not m:
            continue
        valor = m.group(2).strip().strip('"')
        valor = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", valor)
        valor = re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", "", valor)
        entorno[m.group(1)] = valor
    return entorno


def test_compose_pone_la_configuracion_segura():
    entorno = _entorno_compose()
    assert entorno["DJANGO_DEBUG"] == "False"
    assert entorno["DJANGO_SECURE_SSL_REDIRECT"] == "True"
    assert int(entorno["DJANGO_SECURE_HSTS_SECONDS"]) >= 31536000
    assert entorno["SESSION_COOKIE_SECURE"] == entorno["CSRF_COOKIE_SECURE"] == "True"
    assert entorno["DJANGO_SECURE_PROXY_SSL_HEADER"] == "True"
    assert "GUNICORN_WORKERS" in entorno
    texto = (BASE_DIR / "docker-compose.yml").read_text()
    assert "check --deploy --fail-level ERROR" in texto
    assert '"python", "-m", "vucem.sonda"' in texto


def test_env_example_documenta_las_variables():
    texto = (BASE_DIR / ".env.example").read_text()
    for nombre in (
        "DJANGO_SECURE_SSL_REDIRECT",
        "DJANGO_SECURE_HSTS_SECONDS",
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "DJANGO_SECURE_HSTS_PRELOAD",
        "DJANGO_SECURE_PROXY_SSL_HEADER",
        "CSRF_COOKIE_SECURE",
        "GUNICORN_WORKERS",
    ):
        assert f"# {nombre}=" in texto, nombre


def test_check_deploy_limpio_con_la_configuracion_de_compose(tmp_path):
    """``check --deploy`` with the compose environment (the operator's own key, domain, seal
    and the SAT's CAs) reports nothing, not even a warning."""
    sello = tmp_path / "sello.cer"
    llave = tmp_path / "sello.key"
    sello.write_bytes(b"-")
    llave.write_bytes(b"-")
    entorno = {
        **_entorno_compose(),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "ventanilla.example.gob.mx",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://ventanilla.example.gob.mx",
        "FIEL_CA_DIR": str(FIEL_PRUEBAS_DIR / "ac-pruebas"),
        "VENTANILLA_SELLO_CER": str(sello),
        "VENTANILLA_SELLO_KEY": str(llave),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    r = _manage("check", "--deploy", "--fail-level", "WARNING", **entorno)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "System check identified no issues" in r.stdout, r.stdout + r.stderr


def test_sin_sello_ni_almacen_check_deploy_falla(tmp_path):
    """firma.E001/E002 stop the compose start (its command runs check --deploy first)."""
    entorno = {
        **_entorno_compose(),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "FIEL_CA_PRODUCCION_DIR": str(tmp_path / "vacio"),
        "VENTANILLA_SELLO_CER": str(tmp_path / "no-existe.cer"),
        "VENTANILLA_SELLO_KEY": str(tmp_path / "no-existe.key"),
    }
    r = _manage("check", "--deploy", "--fail-level", "ERROR", **entorno)
    assert r.returncode != 0
    salida = r.stdout + r.stderr
    assert "firma.E001" in salida and "firma.E002" in salida


# -- CSP ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csp_en_las_paginas(client):
    r = client.get("/ingresar/")
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


PLANTILLAS = BASE_DIR / "templates"
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style", re.I)


def test_plantillas_sin_scripts_ni_estilos_en_linea():
    """The pages satisfy script-src/style-src 'self': no inline <script>, handler or style
    (the PDF templates are rendered by WeasyPrint, not by a browser; the e-mail templates,
    correo/, are read by mail clients, which need inline styles and apply no CSP)."""
    malas = []
    for ruta in PLANTILLAS.rglob("*.html"):
        partes = ruta.relative_to(PLANTILLAS).parts
        if "pdf" in partes or partes[0] == "correo" or ruta.name == "500.html":
            continue
        for n, linea in enumerate(ruta.read_text().splitlines(), 1):
            if INLINE.search(linea):
                malas.append(f"{ruta.relative_to(BASE_DIR)}:{n}: {linea.strip()[:100]}")
    assert not malas, "\n".join(malas)


# -- health endpoint and probe --------------------------------------------------------------


@pytest.mark.django_db
def test_salud_responde_200_con_todo_en_orden(client):
    assert client.get("/salud/").status_code == 200  # HTML (its template needs the app)
    assert client.head("/salud/").status_code in (200, 405)
    r = client.get("/salud/?format=json")
    assert r.status_code == 200, r.content
    datos = r.json()
    for nombre in ("Database", "Cache", "Broker", "Storage", "SelloVentanilla", "AlmacenConfianza"):
        assert any(k.startswith(nombre) and v == "OK" for k, v in datos.items()), (nombre, datos)


@pytest.mark.django_db
def test_salud_responde_503_sin_sello(client, settings, tmp_path):
    settings.VENTANILLA_SELLO_CER = str(tmp_path / "no-existe.cer")
    settings.FIEL_CA_PRODUCCION_DIR = str(tmp_path)
    settings.FIEL_CONFIAR_AC_DEMO = False
    settings.FIEL_CA_DIR = ""
    r = client.get("/salud/?format=json")
    assert r.status_code == 503
    datos = r.json()
    assert "Unavailable" in datos["SelloVentanilla()"]
    assert "Unavailable" in datos["AlmacenConfianza()"]


@pytest.mark.parametrize(
    "hosts,esperado",
    [
        ("ventanilla.economia.gob.mx", "ventanilla.economia.gob.mx"),
        (".economia.gob.mx", "economia.gob.mx"),
        ("*", "localhost"),
        ("", "localhost"),
        (" ,ventanilla.example", "ventanilla.example"),
    ],
)
def test_sonda_elige_un_host_aceptado(hosts, esperado):
    assert sonda.host_aceptado(hosts) == esperado


@pytest.mark.django_db
def test_sonda_con_solo_el_dominio_real(live_server, settings, monkeypatch):
    """The compose healthcheck passes when ALLOWED_HOSTS lists only the real domain and the
    HTTPS redirect is on (the failure of the issue: 400 for 127.0.0.1)."""
    settings.ALLOWED_HOSTS = ["ventanilla.example.gob.mx"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "ventanilla.example.gob.mx")
    monkeypatch.setenv("SONDA_URL", f"{live_server.url}/salud/")
    assert sonda.main() == 0
    # Without the right Host it would be refused, as the old healthcheck was.
    estado, _ = sonda.sondear(f"{live_server.url}/salud/", "127.0.0.1")
    assert estado == 400


def test_wsgi_no_sirve_sin_sello_en_produccion(tmp_path):
    """gunicorn loads vucem.wsgi: outside DEBUG, firma.E001/E002 stop it (whatever starts it)."""
    entorno = _entorno_limpio(
        **{
            **_entorno_compose(),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "FIEL_CA_PRODUCCION_DIR": str(tmp_path / "vacio"),
            "VENTANILLA_SELLO_CER": str(tmp_path / "no-existe.cer"),
            "VENTANILLA_SELLO_KEY": str(tmp_path / "no-existe.key"),
        }
    )
    r = subprocess.run(
        [sys.executable, "-c", "import vucem.wsgi"],
        cwd=BASE_DIR,
        env=entorno,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 0
    assert "firma.E001" in r.stderr and "firma.E002" in r.stderr


def test_wsgi_sirve_con_la_configuracion_completa(tmp_path):
    sello, llave = tmp_path / "sello.cer", tmp_path / "sello.key"
    sello.write_bytes(b"-")
    llave.write_bytes(b"-")
    entorno = _entorno_limpio(
        **{
            **_entorno_compose(),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "FIEL_CA_DIR": str(FIEL_PRUEBAS_DIR / "ac-pruebas"),
            "VENTANILLA_SELLO_CER": str(sello),
            "VENTANILLA_SELLO_KEY": str(llave),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "STATIC_ROOT": str(tmp_path / "static"),
        }
    )
    r = subprocess.run(
        [sys.executable, "-c", "import vucem.wsgi"],
        cwd=BASE_DIR,
        env=entorno,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
