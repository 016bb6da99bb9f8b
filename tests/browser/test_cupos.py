"""Issue 3 in Chromium: expedición de certificados de cupo (seed 000) with two certificates
on the demo asignación, and the whole chain solicitud de asignación → dictamen →
expedición; every PDF downloaded and its text checked."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    descargar,
    en_bandeja,
    firmar,
    ingresar_con_fiel,
    pdf_a_png,
    texto_pdf,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sin_espacios(texto: str) -> str:
    return re.sub(r"\s+", "", texto)


def expedir_dos_certificados(page, base, captura, asignacion, montos, cer, key, password):
    """From the bandeja: catalog → Expedición (persona moral) → Buscar the oficio → Agregar
    each monto → Continuar → Firmar. Returns the folio shown on the registrada page."""
    page.goto(f"{base}/tramites/dependencia/SE/")
    page.get_by_role("button", name="Cupos de Importación y Exportación").click()
    page.get_by_role(
        "link", name="Expedición de Certificados de Cupo Asignación Directa persona moral"
    ).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(asignacion.beneficiario.rfc)
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", name="Datos del oficio de asignación")).to_be_visible()
    page.get_by_label("Año del oficio de asignación").fill(str(asignacion.anio))
    page.get_by_label("Número de oficio de asignación").fill(asignacion.numero_oficio)
    captura(page, "expedicion buscar oficio")
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_load_state()

    saldo = page.get_by_role("region", name="Asignación y saldo")
    expect(saldo).to_contain_text(f"{asignacion.numero_oficio}/{asignacion.anio}")
    expect(page.get_by_role("region", name="Datos del cupo asignado")).to_contain_text(
        asignacion.cupo.fracciones_texto
    )
    captura(page, "expedicion asignacion y saldo")

    total = Decimal(0)
    for i, monto in enumerate(montos, start=1):
        page.get_by_label(re.compile(r"^Monto a expedir")).fill(f"{monto:,}")
        total += monto
        # Live preview while typing (JavaScript), before the server saves it.
        expect(page.locator("#total-a-expedir")).to_have_text(f"{total:,}")
        page.get_by_role("button", name="Agregar").click()
        page.wait_for_load_state()
        expect(page.get_by_text("Se agregó el monto a expedir.")).to_be_visible()
        filas = page.get_by_role("table").locator("tbody tr")
        expect(filas).to_have_count(i)
        expect(filas.nth(i - 1)).to_contain_text(f"{monto:,}")
    expect(page.locator("#total-a-expedir")).to_have_text(f"{total:,}")
    disponible = asignacion.monto_asignado - total
    expect(page.locator("#saldo-disponible")).to_have_text(f"{disponible:,.0f}")
    captura(page, "expedicion dos montos")

    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()
    pasos = page.get_by_role("list", name="Etapas de la solicitud")
    expect(pasos.locator("[aria-current=step]")).to_have_text("Paso 2 Firmar solicitud")
    expect(page.locator("main")).to_contain_text("Certificado 2: monto a expedir")
    captura(page, "expedicion firmar")
    firmar(page, cer, key, password)

    folio = page.locator("#folio")
    expect(folio).to_have_text(re.compile(r"^\d{25}$"))
    captura(page, "expedicion registrada")
    return folio.inner_text()


def revisar_pdfs_expedicion(page, carpeta, folio, rfc, montos, numero_oficio, folios_cert):
    """Download the acuse and one certificado per monto from the registrada page."""
    docs = page.locator("ul.list-group li.list-group-item")
    expect(docs).to_have_count(1 + len(montos))

    acuse = descargar(
        page,
        docs.filter(has_text="Acuse").get_by_role("link", name="Descargar PDF"),
        carpeta / "expedicion-acuse.pdf",
    )
    texto = texto_pdf(acuse)
    assert "ACUSE DE RECEPCIÓN DE TRÁMITE" in texto, texto
    assert folio in _sin_espacios(texto) and rfc in texto
    pdf_a_png(acuse, carpeta)

    certificados = docs.filter(has_text=re.compile("Certificado", re.I))
    expect(certificados).to_have_count(len(montos))
    encontrados, folios = [], []
    for i in range(len(montos)):
        pdf = descargar(
            page,
            certificados.nth(i).get_by_role("link", name="Descargar PDF"),
            carpeta / f"expedicion-certificado-{i + 1}.pdf",
        )
        assert pdf.read_bytes()[:5] == b"%PDF-"
        texto = texto_pdf(pdf)
        assert "CERTIFICADO" in texto.upper(), texto
        assert rfc in texto, texto
        assert folio in _sin_espacios(texto), texto  # folio del trámite
        assert numero_oficio in texto, texto
        plano = _sin_espacios(texto)
        encontrados += [m for m in montos if f"{m:,}" in plano]
        folios += [f for f in folios_cert if _sin_espacios(f) in plano]
        pdf_a_png(pdf, carpeta)
    assert sorted(encontrados) == sorted(montos), encontrados
    assert sorted(folios) == sorted(folios_cert), folios


@pytest.fixture
def asignacion_demo(moral):
    """The demo data of cupos: lácteos subcupo B assigned to the demo persona moral."""
    from cupos import demo

    cred = moral[0]
    return next(a for a in demo.cargar() if a.beneficiario.rfc == cred.rfc)


def test_expedicion_con_dos_certificados(
    servidor, page, captura, moral, asignacion_demo, carpeta_browser
):
    from cupos.models import CertificadoCupo

    cred, cer, key = moral
    montos = [Decimal("12500"), Decimal("7250")]

    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    folio = expedir_dos_certificados(
        page, servidor, captura, asignacion_demo, montos, cer, key, cred.password
    )

    emitidos = CertificadoCupo.objects.filter(asignacion=asignacion_demo)
    assert sorted(c.monto_expedido for c in emitidos) == sorted(montos)
    revisar_pdfs_expedicion(
        page,
        carpeta_browser,
        folio,
        cred.rfc,
        montos,
        asignacion_demo.numero_oficio,
        [c.folio for c in emitidos],
    )
    assert not [p for p in page.problemas if "pageerror" in p], page.problemas
