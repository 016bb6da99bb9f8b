"""Session expiry and draft keeping in Chromium (static/js/ventanilla.js). Run by .ci/run
(`pytest -m browser`); needs Debian's /usr/bin/chromium."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.conf import settings as django_settings  # noqa: E402
from django.test import Client  # noqa: E402

from tests.soporte.personas import crear_solicitante, entrar_como_solicitante  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _en_hilo(funcion, *args):
    """Run a Playwright sync session in its own thread: another suite (tests/browser) may
    keep a session-wide sync Playwright running in this thread's event loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as ejecutor:
        return ejecutor.submit(funcion, *args).result(timeout=120)


def _cookie_de_sesion(user, base):
    c = entrar_como_solicitante(Client(), user)
    return {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": c.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": base,
    }


def _recorrido(base, cookie1, cookie2, carpeta):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        navegador = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            pagina = navegador.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
            pagina.add_cookies([cookie1])
            page = pagina.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{base}/usuarios/capturistas/")
            page.fill("#id_nombre", "PEDRO RESCATE")
            page.fill("#id_password1", "No-Se-Guarda-2026")
            page.wait_for_timeout(600)
            assert "No-Se-Guarda-2026" not in page.evaluate("JSON.stringify(localStorage)")

            # Reload: what was typed comes back (never the password), with a notice.
            page.reload()
            assert page.input_value("#id_nombre") == "PEDRO RESCATE"
            assert page.input_value("#id_password1") == ""
            assert page.is_visible("text=Se recuperó lo que había capturado")

            # The warning shows before the end; "Continuar con la sesión" keeps it alive.
            page.wait_for_selector("#sesionModal.show", timeout=8_000)
            page.screenshot(path=str(carpeta / "01-aviso.png"))
            page.click("#sesionExtender")
            page.wait_for_selector("#sesionModal", state="hidden")

            # Left alone, it ends: back to the login page with an explanation.
            page.wait_for_url("**/ingresar/**", timeout=20_000)
            assert page.is_visible("text=Su sesión terminó por inactividad")
            page.screenshot(path=str(carpeta / "02-expirada.png"))

            # After logging in again, the typed data is still there.
            pagina.clear_cookies()
            pagina.add_cookies([cookie2])
            page.goto(f"{base}/usuarios/capturistas/")
            assert page.input_value("#id_nombre") == "PEDRO RESCATE"
        finally:
            navegador.close()


def test_aviso_extension_expiracion_y_borrador(live_server, settings, artifacts_dir):
    if not CHROMIUM.is_file():
        pytest.fail(f"No está Chromium en {CHROMIUM} (apt-get install -y chromium).", pytrace=False)
    settings.SESSION_IDLE_SECONDS = 10
    settings.SESSION_WARNING_SECONDS = 7
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    base = live_server.url
    _, user = crear_solicitante("moral")
    carpeta = artifacts_dir / "browser" / "vucem-sesion"
    carpeta.mkdir(parents=True, exist_ok=True)
    # Two sessions up front (the ORM stays in this thread).
    cookie1, cookie2 = _cookie_de_sesion(user, base), _cookie_de_sesion(user, base)
    _en_hilo(_recorrido, base, cookie1, cookie2, carpeta)
