"""Issue 9 items 4, 10 and 11 in Chromium at 375 px: an avena certificate in the name of a
comercializadora cannot go on without the joint letter (inline error on the file field),
goes on with it, is signed in the browser; the bandeja shows it under "Concluidas" as
"Certificados expedidos", and the public verification of the certificate shows its montos."""

import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from tests.browser.conftest import firmar, ingresar_con_fiel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RFC_COM, NOMBRE_COM = "GRA060503KXA", "GRANOS Y ACOPIO DEL NORTE SA DE CV"


def sin_scroll_horizontal(page) -> None:
    ancho = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    anchos = page.evaluate(
        """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
    assert ancho[0] <= ancho[1], (ancho, anchos)


@pytest.fixture
def avena(moral):
    from django.utils import timezone

    from tests.cupos.factories import asignacion_con_saldo, cupo_avena
    from vucem.models import Persona

    _, sub = cupo_avena(timezone.localdate().year)
    persona = Persona.objects.get(rfc=moral[0].rfc)
    return asignacion_con_saldo(persona, sub, Decimal("900000"), numero="000041")


def test_certificado_a_nombre_de_comercializadora(servidor, page, captura, tmp_path, moral, avena):
    cred, cer, key = moral
    page.set_viewport_size({"width": 375, "height": 800})
    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    page.goto(f"{servidor}/tramites/dependencia/SE/")
    page.get_by_role("button", name="Cupos de Importación y Exportación").click()
    page.get_by_role(
        "link", name="Expedición de Certificados de Cupo Asignación Directa persona moral"
    ).click()
    page.get_by_role("button", name="Continuar").click()
    page.get_by_label("Año del oficio de asignación").fill(str(avena.anio))
    page.get_by_label("Número de oficio de asignación").fill(avena.numero_oficio)
    page.get_by_role("button", name="Buscar").click()
    page.get_by_label(re.compile(r"^Monto a expedir")).fill("1,000")
    page.get_by_role("button", name="Agregar").click()
    expect(page.get_by_text("Se agregó el monto a expedir.")).to_be_visible()

    titular = page.get_by_role("region", name="Titular de los certificados")
    titular.get_by_label("Del beneficiario y/o una comercializadora").check()
    titular.get_by_label("RFC de la comercializadora").fill(RFC_COM)
    titular.get_by_label("Denominación o razón social de la comercializadora").fill(NOMBRE_COM)
    titular.get_by_role("button", name="Guardar titular").click()
    page.get_by_role("button", name="Continuar").click()

    # No letter: the step stays, the error is on the file field itself.
    carta = page.get_by_label(re.compile(r"^Escrito conjunto \(carta conjunta\)"))
    expect(carta).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err_carta_conjunta")).to_contain_text(
        "Adjunte el escrito conjunto (carta conjunta)"
    )
    sin_scroll_horizontal(page)
    captura(page, "carta conjunta requerida 375")

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    w.write(buf)
    archivo = tmp_path / "carta-conjunta.pdf"
    archivo.write_bytes(buf.getvalue())
    carta.set_input_files(str(archivo))
    page.get_by_role("button", name="Guardar titular").click()
    expect(page.locator("#ayuda_carta_conjunta")).to_contain_text("carta-conjunta.pdf")
    page.get_by_role("button", name="Continuar").click()
    expect(page.locator("main")).to_contain_text(NOMBRE_COM)
    sin_scroll_horizontal(page)
    captura(page, "firmar con comercializadora 375")
    firmar(page, cer, key, cred.password)
    expect(page.locator("#folio")).to_have_text(re.compile(r"^\d{25}$"))
    folio = page.locator("#folio").inner_text()

    # Bandeja: not pending any more; under "Concluidas" as "Certificados expedidos".
    page.goto(f"{servidor}/")
    expect(page.get_by_role("region", name="Solicitudes en trámite")).not_to_contain_text(folio)
    page.get_by_role("link", name=re.compile(r"^Concluidas")).click()
    fila = page.get_by_role("row").filter(has_text=folio)
    expect(fila).to_contain_text("Certificados expedidos")
    captura(page, "bandeja concluidas 375")
    sin_scroll_horizontal(page)

    # Public verification of the certificate: montos and saldo.
    from cupos.models import CertificadoCupo

    cert = CertificadoCupo.objects.get(solicitud__folio=folio)
    page.goto(
        f"{servidor}/acuses/verificar/?folio={cert.folio}"
        f"&codigo={cert.documento.codigo_verificacion}"
    )
    resultado = page.get_by_role("region", name="Resultado")
    expect(resultado).to_contain_text("Monto amparado")
    expect(resultado).to_contain_text("1,000 kg")
    expect(resultado).to_contain_text("Saldo del certificado")
    captura(page, "verificacion certificado 375")
