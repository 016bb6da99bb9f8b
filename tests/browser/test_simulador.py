"""Issue 10 item 3 in Chromium: on the demo data (last year's lácteos B asignaciones, issue 9),
the dictaminador opens a B solicitud, goes to the proportional simulator, reads θ, monto a
asignar and the limiting factor per company, and downloads the CSV (read with csv)."""

import csv
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import descargar, ingresar_sin_fiel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def solicitud_b(_catalogo):
    """The demo data and a B solicitud of the first demo persona moral, en dictamen."""
    from django.utils import timezone

    from cupos import demo
    from cupos.models import Cupo
    from tests.cupos.factories import solicitud_asignacion_firmada
    from tests.soporte.personas import crear_usuario
    from vucem.models import Persona, Rol

    demo.cargar()
    lacteos = Cupo.objects.get(clave=f"lacteos-{timezone.localdate().year}")
    persona = Persona.objects.get(rfc="LBA100315MX4")
    capturador = crear_usuario(Rol.CAPTURISTA_GUBERNAMENTAL, "capturista.simulador")
    return solicitud_asignacion_firmada(
        persona,
        lacteos.subcupos.get(clave="B"),
        recibida=timezone.now(),
        usuario=capturador,
        monto_solicitado=Decimal("30000000"),
        consumo_total_auditado=Decimal("60815559"),
    )


@pytest.fixture
def dictaminador(transactional_db):
    from tests.soporte.personas import crear_usuario
    from vucem.models import Rol

    password = "Simulador.Navegador.2026"
    user = crear_usuario(Rol.DICTAMINADOR, "dictaminador.simulador", password=password)
    return user, password


def test_simulador_desde_el_dictamen(
    servidor, page, captura, carpeta_browser, solicitud_b, dictaminador
):
    user, password = dictaminador
    ingresar_sin_fiel(page, servidor, user.username, password)
    page.goto(f"{servidor}/cupos/dictamen/{solicitud_b.folio}/")
    page.get_by_role("link", name=re.compile("Simulador de participación proporcional")).click()
    page.wait_for_load_state()
    expect(
        page.get_by_role("heading", name="Simulador de participación proporcional")
    ).to_be_visible()
    tabla = page.locator("#sim-tabla")
    fila = tabla.get_by_role("row", name=re.compile("LBA100315MX4"))
    expect(fila).to_contain_text("0.697")
    expect(fila).to_contain_text("14,776,400")
    expect(fila).to_contain_text(solicitud_b.folio)
    otra = tabla.get_by_role("row", name=re.compile("QDJ071022KAA"))
    expect(otra).to_contain_text("0.263*")
    expect(otra).to_contain_text("Sin solicitud")
    expect(page.locator("#sim-rho")).to_contain_text("21,200,000")
    captura(page, "simulador proporcional")
    archivo = descargar(
        page,
        page.get_by_role("link", name="Descargar CSV"),
        carpeta_browser / "simulador.csv",
    )
    filas = list(csv.DictReader(archivo.open(encoding="utf-8-sig", newline="")))
    por_rfc = {f["rfc"]: f for f in filas}
    assert por_rfc["LBA100315MX4"]["theta"] == "0.697"
    assert por_rfc["LBA100315MX4"]["folio"] == solicitud_b.folio
    assert por_rfc["PES981109LM2"]["monto_a_asignar"] == "42400"
    assert sum(Decimal(f["monto_a_asignar"]) for f in filas) == Decimal("21200000")
    # usable at 375 px: the page itself does not scroll sideways (the table scrolls inside)
    page.set_viewport_size({"width": 375, "height": 800})
    ancho = page.evaluate("document.documentElement.scrollWidth")
    assert ancho <= 375, ancho
    assert not [p for p in page.problemas if "pageerror" in p], page.problemas
