"""RAOCE in Chromium (seed 003): a persona moral with IMMEX + linked PROSEC logs in con FIEL,
files the Reporte anual de programa de la SE (live saldo and porcentaje while typing), signs
it and downloads the acuse de recepción, whose text is checked."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
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


@pytest.fixture
def programas_moral(moral, settings):
    """IMMEX 83-2019 linked to PROSEC 2019-8664 (the seed's example), an allowed plant
    address and the period's exchange rate. The RAOCE acts as if today were 15 May
    (``RAOCE_FECHA_SIMULADA``): after 1 September a program without the report would be
    cancelled automatically and could not file."""
    settings.RAOCE_FECHA_SIMULADA = dt.date(timezone.localdate().year, 5, 15)
    from raoce.models import Programa, TipoCambio
    from tests.soporte.personas import crear_domicilio_planta
    from vucem.models import Domicilio, Persona

    persona = Persona.objects.get(rfc=moral[0].rfc)
    crear_domicilio_planta(persona, Domicilio.Tipo.INDUSTRIAS)
    immex = Programa.objects.create(
        persona=persona,
        tipo="IMMEX",
        numero="83-2019",
        modalidad="INDUSTRIAL",
        fecha_autorizacion=dt.date(2019, 3, 15),
    )
    prosec = Programa.objects.create(
        persona=persona,
        tipo="PROSEC",
        numero="2019-8664",
        modalidad="PROGRAMA NUEVO PRODUCTOR DIRECTO",
        sector="XXII De la industria del café",
        fecha_autorizacion=dt.date(2019, 3, 15),
    )
    immex.ligados.add(prosec)
    periodo = timezone.localdate().year - 1
    TipoCambio.objects.update_or_create(
        anio=periodo, defaults={"pesos_por_dolar": Decimal("19.2000")}
    )
    return persona, immex, prosec, periodo


def test_reporte_anual_immex_prosec(
    servidor, page, captura, moral, programas_moral, carpeta_browser
):
    from raoce.models import ReporteAnual

    cred, cer, key = moral
    persona, immex, prosec, periodo = programas_moral

    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)

    # Trámites → SE → Reporte Anual de Operaciones de Comercio Exterior
    page.goto(f"{servidor}/tramites/dependencia/SE/")
    page.get_by_role("button", name="Reporte Anual de Operaciones de Comercio Exterior").click()
    page.get_by_role("link", name="Reporte anual de programa de la SE persona moral").click()
    page.wait_for_load_state()

    # Solicitante (read-only)
    tabs = page.get_by_role("list", name="Apartados de la solicitud")
    expect(tabs).to_contain_text("Programas presentados por reporte anual")
    expect(page.get_by_role("region", name="Datos generales del solicitante")).to_contain_text(
        cred.rfc
    )
    expect(page.get_by_role("region", name="Domicilios de planta")).to_contain_text(
        "Industrias, Fábricas y Talleres"
    )
    captura(page, "raoce solicitante")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()

    # Programas presentados por reporte anual
    expect(page.locator("#periodo-inicio")).to_have_text(f"01-{periodo}")
    expect(page.locator("#periodo-fin")).to_have_text(f"12-{periodo}")
    tabla = page.get_by_role("table")
    expect(tabla).to_contain_text("83-2019")
    expect(tabla).to_contain_text("2019-8664")
    page.get_by_label("Seleccionar IMMEX-PROSEC 83-2019,2019-8664").check()
    expect(page.locator("#sel-tipo")).to_have_text("IMMEX-PROSEC")
    expect(page.locator("#sel-folio")).to_have_text("83-2019,2019-8664")
    expect(page.locator("#sel-estatus")).to_have_text("Vigente - Activo")
    captura(page, "raoce programas")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()

    # Datos de reporte anual: (c) is not enabled; saldo and % computed while typing
    expect(
        page.get_by_role("heading", name=re.compile("Reporte anual balanza comercial"))
    ).to_be_visible()
    expect(page.get_by_label("Total importaciones (c)")).to_be_disabled()
    page.get_by_label("Ventas totales (a)").fill("12,500.5")
    page.get_by_label("Total exportaciones (b)").fill("10000")
    expect(page.locator("#saldo")).to_have_text("10,000.000")
    expect(page.locator("#porcentaje")).to_have_text("80.00")
    page.get_by_label("Total exportaciones (b)").fill("2500.25")
    expect(page.locator("#saldo")).to_have_text("2,500.250")
    expect(page.locator("#porcentaje")).to_have_text("20.00")
    captura(page, "raoce datos")
    # exports above total sales: a clear error, nothing lost
    page.get_by_label("Total exportaciones (b)").fill("20000")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()
    expect(page.locator("#resumen-errores")).to_contain_text(
        "no puede ser mayor que las ventas totales"
    )
    captura(page, "raoce exportaciones mayores")
    page.get_by_label("Total exportaciones (b)").fill("10000")
    expect(page.locator("#porcentaje")).to_have_text("80.00")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()

    # Paso 2 Firmar
    pasos = page.get_by_role("list", name="Etapas de la solicitud")
    expect(pasos.locator("[aria-current=step]")).to_have_text("Paso 2 Firmar solicitud")
    resumen = page.get_by_role("region", name="Datos que se firmarán")
    expect(resumen).to_contain_text("12,500.500 miles de pesos")
    expect(resumen).to_contain_text("80.00 %")
    expect(resumen).to_contain_text("IMMEX-PROSEC")
    captura(page, "raoce firmar")
    firmar(page, cer, key, cred.password)

    folio = page.locator("#folio")
    expect(folio).to_have_text(re.compile(r"^\d{25}$"))
    numero = folio.inner_text()
    assert numero[2:11] == "015001002"
    captura(page, "raoce registrada")

    reporte = ReporteAnual.objects.get(solicitud__folio=numero)
    assert reporte.ventas_totales == Decimal("12500.5")
    assert reporte.total_exportaciones == Decimal("10000")
    assert reporte.total_importaciones is None
    assert set(reporte.programas.values_list("numero", flat=True)) == {"83-2019", "2019-8664"}

    docs = page.locator("ul.list-group li.list-group-item")
    acuse = descargar(
        page,
        docs.filter(has_text="Acuse").get_by_role("link", name="Descargar PDF"),
        carpeta_browser / "raoce-acuse.pdf",
    )
    texto = texto_pdf(acuse)
    assert "ACUSE DE RECEPCIÓN DE TRÁMITE" in texto, texto
    assert numero in _sin_espacios(texto) and cred.rfc in texto
    assert "12,500.500 miles de pesos" in texto and "80.00 %" in texto, texto
    assert "83-2019" in texto and "2019-8664" in texto, texto
    assert "Página 1 de 1" in texto, texto  # the QR and verification block on the same page
    pdf_a_png(acuse, carpeta_browser)

    # a signed report cannot be modified: the wizard answers with the acuse
    page.goto(f"{servidor}/tramites/solicitud/{reporte.solicitud.numero_temporal}/paso/datos/")
    expect(page.locator("#folio")).to_have_text(numero)
    assert not [p for p in page.problemas if "pageerror" in p], page.problemas
