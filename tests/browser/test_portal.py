"""Issue 2 in Chromium: FIEL login → bandeja → catalog → logout with confirmation; a wrong
password; the session-expiry warning; a trámite signed in the browser and its acuse PDF."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    MORAL_DEMO,
    descargar,
    en_bandeja,
    firmar,
    ingresar_con_fiel,
    menu_tramites,
    pdf_a_png,
    texto_pdf,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ingreso_fiel_bandeja_catalogo_y_salida(servidor, page, captura, moral):
    cred, cer, key = moral

    page.goto(f"{servidor}/ingresar/")
    expect(page.get_by_role("heading", name="Ingrese a la Ventanilla Única")).to_be_visible()
    expect(page.get_by_role("tab", name="Con FIEL")).to_have_attribute("aria-selected", "true")
    captura(page, "ingreso")

    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    expect(page.locator("header")).to_contain_text(MORAL_DEMO["nombre"])
    captura(page, "bandeja de tareas pendientes")

    # Trámites → Solicitudes nuevas → SE → Cupos de Importación y Exportación
    menu_tramites(page, "Solicitudes nuevas")
    if page.get_by_role("heading", name="Trámites disponibles", exact=True).is_visible():
        page.get_by_role("link", name=re.compile("SE")).first.click()
    expect(page.get_by_role("heading", name=re.compile("Secretaría de Economía"))).to_be_visible()
    captura(page, "catalogo SE")

    boton = page.get_by_role("button", name="Cupos de Importación y Exportación")
    boton.click()
    expect(boton).to_have_attribute("aria-expanded", "true")
    panel = page.locator("#c-cupos")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Expedición de Certificados de Cupo")
    expect(panel).to_contain_text("persona moral")
    captura(page, "cupos desplegado")

    page.locator("nav").get_by_role("link", name="Cerrar la sesión").click()
    expect(page.get_by_text("¿Desea cerrar la sesión?")).to_be_visible()
    captura(page, "confirmar salida")
    page.get_by_role("button", name="Sí", exact=True).click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/ingresar/"))
    expect(page.get_by_role("heading", name="Ingrese a la Ventanilla Única")).to_be_visible()
    captura(page, "sesion cerrada")

    # The session is really gone: the bandeja asks for the login again.
    page.goto(f"{servidor}/")
    expect(page).to_have_url(re.compile(r"/ingresar/"))
    assert not [p for p in page.problemas if "pageerror" in p], page.problemas


def test_salida_con_no_conserva_la_sesion(servidor, page, captura, moral):
    cred, cer, key = moral
    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    page.locator("nav").get_by_role("link", name="Cerrar la sesión").click()
    page.get_by_role("button", name="No", exact=True).click()
    page.wait_for_load_state()
    en_bandeja(page, cred.rfc)
    captura(page, "no cerro la sesion")


def test_contrasena_incorrecta_muestra_error_en_espanol(servidor, page, captura, moral):
    cred, cer, key = moral
    ingresar_con_fiel(page, servidor, cer, key, "no-es-la-contrasena")
    expect(page).to_have_url(re.compile(r"/ingresar/"))
    expect(page.locator("#panel-fiel")).to_contain_text(
        "La contraseña de la clave privada no es válida."
    )
    expect(page.get_by_role("tab", name="Con FIEL")).to_have_attribute("aria-selected", "true")
    # The page's script refused it before sending anything and cleared the password.
    expect(page.locator("#panel-fiel [data-vu-password]")).to_have_value("")
    captura(page, "contrasena incorrecta")
    assert "Bandeja de tareas pendientes" not in page.content()


def test_aviso_de_expiracion_extiende_y_expira(servidor, page, captura, moral, settings):
    idle, aviso = 10, 8  # the modal shows 2 s after the page loads
    settings.SESSION_IDLE_SECONDS = idle
    settings.SESSION_WARNING_SECONDS = aviso
    cred, cer, key = moral

    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    cargada = time.monotonic()
    expect(page.locator("body")).to_have_attribute("data-session-idle", str(idle))

    modal = page.locator("#sesionModal")
    expect(modal).to_be_visible(timeout=(idle - aviso + 3) * 1000)
    expect(modal.get_by_role("heading")).to_have_text("Su sesión está por expirar")
    expect(modal).to_have_class(re.compile(r"\bshow\b"))
    page.wait_for_timeout(400)  # Bootstrap's fade, for the screenshot
    captura(page, "aviso de expiracion")
    with page.expect_response(re.compile(r"extender")) as r:
        modal.get_by_role("button", name="Continuar con la sesión").click()
    assert r.value.status == 200
    extendida = time.monotonic()
    expect(modal).to_be_hidden()

    # Past the idle time counted from the page load, within it counted from the extension.
    espera = cargada + idle + 1 - time.monotonic()
    if espera > 0:
        page.wait_for_timeout(espera * 1000)
    assert time.monotonic() - extendida < idle - 0.5, "la prueba tardó demasiado"
    page.reload()
    en_bandeja(page, cred.rfc)
    captura(page, "sesion extendida")

    # Without extending, the page goes to the login with an explanation.
    page.wait_for_url(re.compile(r"/ingresar/"), timeout=(idle + 5) * 1000)
    expect(page.get_by_role("alert")).to_contain_text("Su sesión terminó por inactividad")
    captura(page, "sesion expirada")
    page.goto(f"{servidor}/")
    expect(page).to_have_url(re.compile(r"/ingresar/"))


def test_firma_en_navegador_y_acuse_pdf(servidor, page, captura, moral, carpeta_browser):
    from tramites.models import Instrumento, Solicitud, Tramite

    cred, cer, key = moral
    Tramite.objects.create(
        instrumento=Instrumento.objects.get(slug="cupos"),
        vucem_id=990777,
        clave="prueba-navegador",
        nombre="Trámite de prueba del navegador",
        grupo="Pruebas del navegador",
        tipo_persona=Tramite.TipoPersona.AMBAS,
    )

    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    page.goto(f"{servidor}/tramites/dependencia/SE/")
    page.get_by_role("button", name="Cupos de Importación y Exportación").click()
    page.get_by_role("link", name="Trámite de prueba del navegador").click()
    page.wait_for_load_state()

    pasos = page.get_by_role("list", name="Etapas de la solicitud")
    expect(pasos.locator("[aria-current=step]")).to_have_text("Paso 1 Capturar solicitud")
    expect(page.locator("main")).to_contain_text(cred.rfc)
    captura(page, "paso 1 solicitante")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()

    expect(page.get_by_text(re.compile(r"Número temporal: \d{9}"))).to_be_visible()
    page.get_by_label("Descripción").fill("Prueba de firma en Chromium")
    page.get_by_label("Cantidad").fill("1250.500")
    captura(page, "paso 1 datos")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()

    expect(pasos.locator("[aria-current=step]")).to_have_text("Paso 2 Firmar solicitud")
    expect(page.locator("main")).to_contain_text("Prueba de firma en Chromium")
    captura(page, "paso 2 firmar")
    firmar(page, cer, key, cred.password)

    folio = page.locator("#folio")
    expect(folio).to_have_text(re.compile(r"^\d{25}$"))
    folio = folio.inner_text()
    solicitud = Solicitud.objects.get(folio=folio)
    assert solicitud.estado == "firmada" and solicitud.solicitante.rfc == cred.rfc
    captura(page, "solicitud registrada")

    fila = page.locator("li.list-group-item", has_text="Acuse")
    pdf = descargar(
        page, fila.get_by_role("link", name="Descargar PDF"), carpeta_browser / "acuse.pdf"
    )
    assert pdf.read_bytes()[:5] == b"%PDF-"
    texto = texto_pdf(pdf)
    assert "ACUSE DE RECEPCIÓN DE TRÁMITE" in texto, texto
    assert folio in texto.replace(" ", "")
    assert cred.rfc in texto
    assert pdf_a_png(pdf, carpeta_browser).is_file()
    assert not [p for p in page.problemas if "pageerror" in p], page.problemas
