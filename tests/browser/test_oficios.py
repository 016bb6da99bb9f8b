"""Issue 10 items 1 and 4 in Chromium: the dictaminadora opens the oficio she just issued
(it names her and her cargo); nivel central revokes it with a motivo and the public
verification page says «Revocado», since when and why."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from .conftest import cerrar_sesion, descargar, ingresar_sin_fiel, texto_pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def oficio(_catalogo):
    from django.utils import timezone

    from cupos import demo
    from cupos.asignacion import dictamen
    from tests.cupos.factories import solicitud_asignacion_firmada
    from tests.soporte.personas import crear_persona, crear_usuario
    from vucem.models import Rol

    cupos = demo.cargar_cupos(timezone.localdate().year)
    sub = cupos["avena"].subcupos.get(clave="UNICO")
    persona = crear_persona("moral", nombre="MOLINOS DE PRUEBA SA DE CV")
    s = solicitud_asignacion_firmada(
        persona,
        sub,
        recibida=timezone.now(),
        usuario=crear_usuario(Rol.CAPTURISTA_GUBERNAMENTAL),
        monto_solicitado=D("1000"),
        consumo_auditado_12m=D("5000"),
    )
    password = "Oficios.Navegador.2026"
    ana = crear_usuario(
        Rol.DICTAMINADOR,
        "ana.navegador",
        password=password,
        first_name="Ana",
        last_name="Torres",
        cargo="Directora de Cupos",
    )
    central = crear_usuario(Rol.NIVEL_CENTRAL, "central.navegador", password=password)
    r = dictamen.aprobar(s, usuario=ana, monto=D("1000"))
    return s, r.asignacion, ana, central, password


def test_abrir_y_revocar_el_oficio(page, servidor, captura, carpeta_browser, oficio):
    s, asignacion, ana, central, password = oficio
    numero = f"{asignacion.numero_oficio}/{asignacion.anio}"
    ingresar_sin_fiel(page, servidor, ana.username, password)
    page.goto(f"{servidor}/cupos/dictamen/{s.folio}/")
    resolucion = page.locator("section", has=page.get_by_role("heading", name="Resolución"))
    expect(resolucion).to_contain_text(f"Oficio de asignación {numero}")
    expect(resolucion.get_by_role("link", name="Revocar oficio")).to_have_count(0)
    captura(page, "dictamen con documentos")
    pdf = descargar(
        page,
        resolucion.get_by_role("link", name=f"Descargar Oficio de asignación {numero}"),
        carpeta_browser / "oficio.pdf",
    )
    texto = texto_pdf(pdf)
    assert "ANA TORRES" in texto and "Directora de Cupos" in texto
    cerrar_sesion(page)

    ingresar_sin_fiel(page, servidor, central.username, password)
    page.goto(f"{servidor}/cupos/dictamen/{s.folio}/")
    page.get_by_role("link", name="Revocar oficio…").click()
    page.get_by_role("button", name="Revocar oficio").click()
    motivo = page.get_by_label("Motivo de la revocación")
    expect(motivo).to_have_attribute("aria-invalid", "true")
    motivo.fill("El reporte de auditor presentado no corresponde al solicitante.")
    captura(page, "revocar oficio")
    page.get_by_role("button", name="Revocar oficio").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Se revocó el oficio {numero}")
    resolucion = page.locator("section", has=page.get_by_role("heading", name="Resolución"))
    expect(resolucion).to_contain_text("Revocada")
    href = resolucion.get_by_role(
        "link", name=f"Verificación pública de Oficio de asignación {numero}"
    ).get_attribute("href")
    page.goto(f"{servidor}{href}")
    resultado = page.locator("#resultado-titulo").locator("..")
    expect(resultado).to_contain_text("Revocado desde el")
    expect(resultado).to_contain_text("no corresponde al solicitante")
    captura(page, "verificacion revocado")
