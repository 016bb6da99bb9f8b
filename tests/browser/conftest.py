"""Browser journeys: Debian's Chromium driven by Playwright's sync API against pytest-django's
``live_server``.

* Chromium is ``/usr/bin/chromium`` (never ``playwright install``); when it is missing the tests
  FAIL (``.ci/run`` installs it), they never skip.
* Playwright's sync API runs an event loop in the test thread, so Django's ORM must be allowed
  there: ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set before anything touches the database.
* ``live_server`` needs ``transactional_db``; the flush between transactional tests removes the
  data migrations' rows (the SE catalog), so every journey reloads them (``_catalogo``).
* Screenshots (full page) of each key step and of the failure go to
  ``test-artifacts/browser/<test>/NN-descripcion.png``.
* Every page a journey captures is also checked (``revisar_pagina``): axe-core finds no
  serious or critical violation, and at 375 px wide nothing scrolls horizontally; the 375 px
  screenshot is kept as ``NN-descripcion-375.png``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django import forms  # noqa: E402

from tramites.wizard import Asistente, Paso, PasoSolicitante, registrar  # noqa: E402

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

# A demo-shaped persona moral (same data as firma.demo.PERSONAS_DEMO's first entry).
MORAL_DEMO = {
    "rfc": "LBA100315MX4",
    "nombre": "LACTEOS DEL BAJIO SA DE CV",
    "rfc_representante": "LOHM750820K33",
    "curp_representante": "LOHM750820MGTPRR00",
}


# --- a tiny wizard owned by these tests (the engine's generic steps, nothing of cupos) -----


class DatosNavegadorForm(forms.Form):
    descripcion = forms.CharField(label="Descripción", max_length=100)
    cantidad = forms.DecimalField(
        label="Cantidad", max_digits=12, decimal_places=3, min_value=Decimal("0.001")
    )


class PasoDatosNavegador(Paso):
    slug = "datos"
    titulo = "Datos de la solicitud"
    form_class = DatosNavegadorForm


@registrar
class AsistenteNavegador(Asistente):
    """Two capture tabs + the generic signing step; used only by the browser journeys."""

    clave = "prueba-navegador"
    titulo = "Trámite de prueba del navegador"
    pasos = [PasoSolicitante, PasoDatosNavegador]

    def cadena_campos(self, solicitud):
        d = solicitud.datos.get("datos", {})
        return [("descripcion", d.get("descripcion")), ("cantidad", d.get("cantidad"))]


# --- environment ------------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so fixtures can screenshot failures."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture(scope="session")
def playwright_sync():
    from playwright.sync_api import sync_playwright

    p = sync_playwright().start()
    yield p
    p.stop()


@pytest.fixture(scope="session")
def navegador(playwright_sync):
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"No está Chromium en {CHROMIUM}: instálelo con `apt-get install -y chromium` "
            "(.ci/run lo hace). Nunca use `playwright install`.",
            pytrace=False,
        )
    browser = playwright_sync.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def _catalogo(transactional_db):
    """The SE catalog of the data migration, flushed by the previous transactional test."""
    from tramites.catalogo import cargar_catalogo

    cargar_catalogo()


@pytest.fixture
def servidor(live_server, settings, _catalogo):
    """Base URL of the live server with settings fit for plain-HTTP Chromium."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    return live_server.url.rstrip("/")


def _slug(texto: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", texto.lower()).strip("-")[:80]


# --- checks run at every captured page of a journey ---------------------------------------

AXE = Axe()
#: axe-core impacts that fail a journey (issue 9, item 12).
IMPACTOS_GRAVES = ("serious", "critical")
#: The narrowest phone the portal supports (issue 9, item 14).
ANCHO_MOVIL = 375


def violaciones_axe(page) -> list[str]:
    """axe-core's serious and critical violations of the current page, one line each."""
    resultado = AXE.run(page)
    lineas = []
    for v in resultado.response["violations"]:
        if v.get("impact") in IMPACTOS_GRAVES:
            nodos = [
                " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                for n in v["nodes"][:5]
            ]
            lineas.append(f"axe {v['id']} ({v['impact']}): {v['help']} en {nodos}")
    return lineas


def desborde_movil(page, ruta: Path | None = None) -> str | None:
    """Show the page 375 px wide (screenshot to ``ruta``) and say what scrolls horizontally,
    if anything; the viewport is restored afterwards."""
    antes = page.viewport_size
    page.set_viewport_size({"width": ANCHO_MOVIL, "height": 812})
    try:
        page.wait_for_timeout(50)  # let the layout settle after the resize
        medidas = page.evaluate(
            """() => {
              const ancho = window.innerWidth;
              const culpables = [];
              for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.width && r.right > ancho + 1 && getComputedStyle(el).position !== 'fixed') {
                  culpables.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                    (el.className && typeof el.className === 'string'
                      ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
                }
              }
              return {scroll: document.documentElement.scrollWidth, ancho, culpables: culpables.slice(0, 8)};
            }"""
        )
        if ruta is not None:
            page.screenshot(path=str(ruta), full_page=True)
    finally:
        if antes:
            page.set_viewport_size(antes)
    if medidas["scroll"] > medidas["ancho"]:
        return (
            f"a {ANCHO_MOVIL} px la página se desplaza horizontalmente "
            f"(scrollWidth {medidas['scroll']} > {medidas['ancho']}): {medidas['culpables']}"
        )
    return None


def revisar_pagina(page, ruta_movil: Path | None = None) -> list[str]:
    """Every problem of the current page: axe-core (serious/critical) and the 375 px overflow."""
    problemas = violaciones_axe(page)
    desborde = desborde_movil(page, ruta_movil)
    if desborde:
        problemas.append(desborde)
    return problemas


@dataclass
class Capturas:
    carpeta: Path
    n: int = 0
    hechas: list[Path] = field(default_factory=list)

    def __call__(self, page, descripcion: str, *, revisar: bool = True) -> Path:
        """Screenshot the page and (unless ``revisar=False``) fail on its accessibility or
        375 px problems (``revisar_pagina``)."""
        self.n += 1
        ruta = self.carpeta / f"{self.n:02d}-{_slug(descripcion)}.png"
        page.screenshot(path=str(ruta), full_page=True)
        self.hechas.append(ruta)
        if revisar:
            movil = ruta.with_name(f"{ruta.stem}-{ANCHO_MOVIL}.png")
            problemas = revisar_pagina(page, movil)
            self.hechas.append(movil)
            assert not problemas, f"{descripcion} ({page.url}):\n" + "\n".join(problemas)
        return ruta


@pytest.fixture
def carpeta_browser(artifacts_dir, request):
    carpeta = artifacts_dir / "browser" / _slug(request.node.name)
    shutil.rmtree(carpeta, ignore_errors=True)
    carpeta.mkdir(parents=True)
    return carpeta


@pytest.fixture
def captura(carpeta_browser):
    """captura(page, "descripcion") → NN-descripcion.png, full page."""
    return Capturas(carpeta_browser)


@pytest.fixture
def contexto(navegador):
    ctx = navegador.new_context(
        accept_downloads=True,
        locale="es-MX",
        timezone_id="America/Mexico_City",
        viewport={"width": 1280, "height": 900},
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def secretos_fiel():
    """(key bytes, password) of every FIEL whose files a journey put on disk; no request the
    page makes may contain them (issue 7: the key never leaves the browser)."""
    return []


def _formas_del_secreto(llave: bytes, password: str) -> list[bytes]:
    import base64
    from urllib.parse import quote, quote_plus

    formas = [password.encode("utf-8"), quote_plus(password).encode(), quote(password).encode()]
    try:
        formas.append(password.encode("cp1252"))
    except UnicodeEncodeError:
        pass
    for i in range(0, max(1, len(llave) - 48), 97):  # fragments of the key, raw and encoded
        trozo = llave[i : i + 48]
        formas += [trozo, trozo.hex().encode(), base64.b64encode(trozo[:45])]
    formas.append(base64.b64encode(llave))
    return [f for f in formas if len(f) >= 8]


def revisar_peticiones(peticiones, secretos) -> None:
    for url, metodo, cuerpo, encabezados in peticiones:
        todo = url.encode() + b"\n" + (cuerpo or b"") + b"\n" + repr(encabezados).encode()
        for llave, password in secretos:
            for forma in _formas_del_secreto(llave, password):
                assert forma not in todo, f"{metodo} {url} lleva la llave o la contraseña"


@pytest.fixture
def page(contexto, captura, request, secretos_fiel):
    """A fresh page; console errors and failed requests are collected in ``page.problemas``;
    every request is recorded in ``page.peticiones`` (url, method, body, headers) and, at the
    end, checked to carry no FIEL key or password (``secretos_fiel``); on failure a full-page
    screenshot ``NN-fallo.png`` is saved."""
    pg = contexto.new_page()
    peticiones: list[tuple] = []

    def _registrar(r):
        try:
            cuerpo = r.post_data_buffer
        except Exception:  # noqa: BLE001 - some bodies (uploads) are not exposed
            cuerpo = None
        peticiones.append((r.url, r.method, cuerpo, r.headers))

    pg.on("request", _registrar)
    pg.peticiones = peticiones
    problemas: list[str] = []
    pg.on(
        "console",
        lambda m: problemas.append(f"console.{m.type}: {m.text}") if m.type == "error" else None,
    )
    pg.on("pageerror", lambda e: problemas.append(f"pageerror: {e}"))
    pg.on(
        "response",
        lambda r: problemas.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
    )
    pg.problemas = problemas
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed and not pg.is_closed():
        try:
            captura(pg, "fallo", revisar=False)
        except Exception:  # noqa: BLE001 - a failed screenshot must not hide the real failure
            pass
    pg.close()
    revisar_peticiones(peticiones, secretos_fiel)


@pytest.fixture
def moral(credencial_factory, archivos_fiel):
    """The demo-shaped persona moral: its Persona row exists (with domicilio fiscal) and
    its FIEL files are on disk. Returns (credencial, cer_path, key_path)."""
    from tests.soporte.personas import crear_persona

    crear_persona(
        "moral",
        rfc=MORAL_DEMO["rfc"],
        nombre=MORAL_DEMO["nombre"],
        rfc_representante=MORAL_DEMO["rfc_representante"],
        curp_representante=MORAL_DEMO["curp_representante"],
    )
    cred = credencial_factory(**MORAL_DEMO)
    cer, key = archivos_fiel(cred)
    return cred, cer, key


@pytest.fixture
def asignacion_demo(moral):
    """The demo data of cupos: lácteos subcupo B assigned to the demo persona moral."""
    from cupos import demo

    cred = moral[0]
    return next(a for a in demo.cargar() if a.beneficiario.rfc == cred.rfc)


@pytest.fixture
def cupos_demo(_catalogo):
    """Only the demo cupos of this year (avena's window is open all year); no asignaciones."""
    from django.utils import timezone

    from cupos import demo

    return demo.cargar_cupos(timezone.localdate().year)


@pytest.fixture
def reporte_pdf(tmp_path):
    """A small, real one-page PDF to attach."""
    from pypdf import PdfWriter

    ruta = tmp_path / "reporte-auditor-externo.pdf"
    w = PdfWriter()
    w.add_blank_page(width=612, height=792)
    w.add_metadata({"/Title": "Reporte de auditor externo (prueba)"})
    with ruta.open("wb") as f:
        w.write(f)
    return ruta


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def archivos_fiel(tmp_path, secretos_fiel):
    """archivos_fiel(credencial) → (cer_path, key_path) written to a temporary folder; the
    key and password are registered so no request of the journey may carry them."""

    def _escribir(cred):
        secretos_fiel.append((cred.key, cred.password))
        carpeta = tmp_path / "fiel" / cred.rfc
        carpeta.mkdir(parents=True, exist_ok=True)
        cer, key = carpeta / f"{cred.rfc.lower()}.cer", carpeta / f"{cred.rfc.lower()}.key"
        cer.write_bytes(cred.cer)
        key.write_bytes(cred.key)
        return cer, key

    return _escribir


def ingresar_con_fiel(page, base: str, cer: Path, key: Path, password: str) -> None:
    """Fill the "Con FIEL" tab of the login page and press Ingresar (no assertion)."""
    page.goto(f"{base}/ingresar/")
    page.get_by_role("tab", name="Con FIEL").click()
    panel = page.locator("#panel-fiel")
    panel.locator("[data-vu-cer]").set_input_files(str(cer))
    panel.locator("[data-vu-key]").set_input_files(str(key))
    panel.locator("[data-vu-password]").fill(password)
    enviar_firma(page, panel, "Ingresar")


def enviar_firma(page, contenedor, boton: str, timeout: float = 30) -> None:
    """Press the signing button and wait until either the page navigated (the browser signed
    and posted) or the page's script reported an error without sending anything."""
    page.evaluate("window.__vuAntes = true")
    contenedor.get_by_role("button", name=boton).click()
    fin = time.monotonic() + timeout
    while time.monotonic() < fin:
        try:
            estado = page.evaluate(
                "window.__vuAntes === true ? "
                "(document.querySelector('[data-vu-estado].alert-danger') ? 'error' : 'esperando')"
                " : 'navego'"
            )
        except Exception:  # the document is being replaced
            estado = "esperando"
        if estado == "error":
            return
        if estado == "navego":
            page.wait_for_load_state()
            return
        time.sleep(0.1)
    raise AssertionError("la firma no terminó: ni navegó ni mostró un error")


def ingresar_sin_fiel(page, base: str, usuario: str, password: str) -> None:
    page.goto(f"{base}/ingresar/")
    page.get_by_role("tab", name="Sin FIEL").click()
    panel = page.locator("#panel-sin-fiel")
    panel.locator("input[name=username]").fill(usuario)
    panel.locator("input[name=password]").fill(password)
    panel.get_by_role("button", name="Ingresar").click()
    page.wait_for_load_state()


def en_bandeja(page, rfc: str = "") -> None:
    expect(page.get_by_role("heading", name="Bandeja de tareas pendientes")).to_be_visible()
    if rfc:
        expect(page.locator("header")).to_contain_text(rfc)


def menu_tramites(page, opcion) -> None:
    """Main menu "Trámites" → ``opcion`` (the name, text or regex, of a link it opens)."""
    menu = page.get_by_role("navigation", name="Menú principal")
    menu.get_by_role("button", name="Trámites").or_(
        menu.get_by_role("link", name="Trámites")
    ).click()
    menu.get_by_role("link", name=opcion).click()
    page.wait_for_load_state()


def cerrar_sesion(page) -> None:
    """Menu "Cerrar la sesión" → confirmation "Sí"."""
    page.locator("nav").get_by_role("link", name="Cerrar la sesión").click()
    page.get_by_role("button", name="Sí", exact=True).click()
    page.wait_for_load_state()


def firmar(page, cer: Path, key: Path, password: str) -> None:
    """Paso 2 Firmar solicitud: the FIEL files and password, then Firmar."""
    form = page.locator("#form-firma")
    form.locator("[data-vu-cer]").set_input_files(str(cer))
    form.locator("[data-vu-key]").set_input_files(str(key))
    form.locator("[data-vu-password]").fill(password)
    enviar_firma(page, form, "Firmar")


def firmar_y_folio(page, cer: Path, key: Path, password: str) -> str:
    """:func:`firmar`, then the registrada page's 25-digit folio."""
    firmar(page, cer, key, password)
    folio = page.locator("#folio")
    expect(folio).to_have_text(re.compile(r"^\d{25}$"))
    return folio.inner_text()


def texto_del_acuse(page, destino: Path) -> str:
    """On the registrada page: download the acuse to ``destino``; returns its text."""
    enlace = page.locator("ul.list-group li", has_text="Acuse").get_by_role(
        "link", name="Descargar PDF"
    )
    return texto_pdf(descargar(page, enlace, destino))


def descargar(page, locator, destino: Path) -> Path:
    """Click a download link and save the file; returns its path."""
    with page.expect_download() as info:
        locator.click()
    descarga = info.value
    assert descarga.failure() is None, descarga.failure()
    descarga.save_as(str(destino))
    return destino


def texto_pdf(ruta: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(str(ruta)).pages)


def pdf_a_png(ruta: Path, carpeta: Path) -> Path:
    """First page at 50 dpi with poppler's pdftoppm (an artifact for humans)."""
    base = carpeta / ruta.stem
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(ruta), str(base)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return base.with_suffix(".png")
