"""Issue 9 journeys in Chromium; every page goes through ``captura`` (axe + 375 px, items 12
and 14):

- item 7: a closed trámite is not offered and leaves no draft;
- item 8: the RAOCE demo follows the (simulated) date, and the guide's main case is filed;
- item 9: "Regresar / Modificar" from the signing page keeps what was captured;
- item 10: the bandeja's "Concluidas" tab with the state the user cares about;
- item 11: the public verification of a partly cancelled certificate shows its montos;
- item 13: the Spanish 404 page in the portal layout, and /cupos/ and /raoce/ answering."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    cerrar_sesion,
    descargar,
    en_bandeja,
    firmar_y_folio,
    ingresar_con_fiel,
    menu_tramites,
    texto_del_acuse,
    texto_pdf,
)
from tests.browser.test_cancelacion import abrir_cancelacion, expedir_certificado
from tests.browser.test_cupos import capturar_asignacion
from tests.raoce.test_demo import _nada_en_el_futuro

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_404_en_espanol_y_secciones_existentes(servidor, page, captura, moral):
    cred, cer, key = moral
    respuesta = page.goto(f"{servidor}/no-existe-esta-pagina/")
    assert respuesta.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "es-MX")
    expect(page.locator("main")).to_be_visible()
    assert "Not Found" not in page.content()
    captura(page, "pagina no encontrada")

    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    for ruta in ("/cupos/", "/raoce/"):
        respuesta = page.goto(f"{servidor}{ruta}")
        assert respuesta.status != 404, ruta
        captura(page, f"seccion {ruta}")


def test_tramite_cerrado_en_catalogo_sin_borrador(servidor, page, captura, moral, settings):
    """Item 7: lácteos windows closed on 5 Dec → not available, reason + opening date."""
    import datetime as dt

    from django.urls import reverse

    from tests.cupos.test_disponibilidad import ASIGNACION_PM, lacteos_sin_a
    from tramites.models import Solicitud

    lacteos_sin_a()
    settings.CUPOS_FECHA_SIMULADA = dt.date(2026, 12, 5)
    cred, cer, key = moral
    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    inicio = reverse("tramites:iniciar", args=[ASIGNACION_PM])
    page.goto(servidor + reverse("tramites:dependencia", args=["SE"]))
    expect(page.locator("main")).to_contain_text("Disponible a partir del 04/01/2027")
    assert page.locator(f'a[href="{inicio}"]').count() == 0
    captura(page, "catalogo tramite cerrado")
    page.goto(servidor + inicio)
    # Back in the catálogo (with one dependencia, /tramites/ already lists its trámites).
    assert page.url.endswith(reverse("tramites:catalogo"))
    expect(page.locator("main")).to_contain_text("Disponible a partir del 04/01/2027")
    captura(page, "inicio directo regresa al catalogo")
    assert not Solicitud.objects.exists()


# -- item 8: the RAOCE demo consistent with the (simulated) date ------------------------------


def _cargar_demo(fiel_dir) -> str:
    """``manage.py cargar_demo`` as ``make run`` runs it; returns what it printed."""
    import io

    from django.core.management import call_command

    salida = io.StringIO()
    call_command("cargar_demo", "--fiel-dir", str(fiel_dir), stdout=salida)
    return salida.getvalue()


def _mis_programas(page, captura, descripcion):
    """Menu "Mis programas" → the table of the solicitante's programs."""
    page.get_by_role("navigation", name="Menú principal").get_by_role(
        "link", name="Mis programas"
    ).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Mis programas de comercio exterior")).to_be_visible()
    captura(page, descripcion)
    return lambda numero: page.get_by_role("row").filter(has_text=numero)


def _historial(page, captura, fila, numero, motivo, descripcion):
    """ "Historial" of the program ``numero`` from Mis programas; shows ``motivo``."""
    fila(numero).get_by_role("link", name=re.compile("^Historial")).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(motivo)
    captura(page, descripcion)


def _abrir_raoce_en_catalogo(page):
    """Bandeja → "Solicitudes nuevas" → SE → the RAOCE instrument; returns the trámite's item."""
    page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Inicio").click()
    page.locator("main").get_by_role("link", name="Solicitudes nuevas").click()
    page.wait_for_load_state()
    tarjeta_se = page.locator("main").get_by_role("link", name=re.compile("Secretaría de Economía"))
    if "/dependencia/" not in page.url and tarjeta_se.count():
        tarjeta_se.click()
        page.wait_for_load_state()
    page.get_by_role("button", name="Reporte Anual de Operaciones de Comercio Exterior").click()
    abierto = page.locator(".accordion-collapse.show")  # not while Bootstrap animates it
    item = abierto.locator("li").filter(has_text="Reporte anual de programa de la SE persona moral")
    expect(item).to_be_visible()
    return item


def test_demo_raoce_acorde_con_la_fecha(
    servidor, page, captura, settings, tmp_path, secretos_fiel, carpeta_browser
):
    """Item 8. The newcomer's path of the README: a demo loaded on a date past the RAOCE
    cycle (5 December) shows the IMMEX + PROSEC of LACTEOS cancelled on their own dates (as
    the daily job leaves them) and the catalog says why the report cannot be filed; after
    ``RAOCE_FECHA_SIMULADA=AAAA-05-15 make run`` (the demo reloaded on that date) they are
    vigentes, no automatic change is dated after 15 May, and the guide's main case (IMMEX
    with its linked PROSEC) is filed and signed with the demo e.firma."""
    import datetime as dt

    from django.utils import timezone

    from firma.demo import PASSWORD_DEMO
    from raoce import demo, trabajos
    from raoce.models import EstatusPrograma, Programa, ReporteAnual

    anio = timezone.localdate().year
    fiel_dir = tmp_path / "fiel-demo"
    # make run with DJANGO_DEBUG=True: the demo CA of FIEL_DEMO_DIR is trusted
    settings.FIEL_DEMO_DIR = str(fiel_dir)
    settings.FIEL_CONFIAR_AC_DEMO = True

    # 1. Loaded on 5 December: what the daily job leaves.
    settings.RAOCE_FECHA_SIMULADA = dt.date(anio, 12, 5)
    texto = _cargar_demo(fiel_dir)
    assert f"IMMEX 83-2019 INDUSTRIAL · Cancelado desde el 01/09/{anio}" in texto, texto
    assert f"RAOCE_FECHA_SIMULADA={anio}-05-15 make run" in texto, texto
    _nada_en_el_futuro(dt.date(anio, 12, 5), texto)
    cer = fiel_dir / "personas" / f"{demo.LACTEOS}.cer"
    key = fiel_dir / "personas" / f"{demo.LACTEOS}.key"
    secretos_fiel.append((key.read_bytes(), PASSWORD_DEMO))

    ingresar_con_fiel(page, servidor, cer, key, PASSWORD_DEMO)
    en_bandeja(page, demo.LACTEOS)
    fila = _mis_programas(page, captura, "programas en diciembre cancelados")
    expect(fila("83-2019")).to_contain_text("Cancelado")
    expect(fila("83-2019")).to_contain_text(f"01/09/{anio}")
    expect(fila("2019-8664")).to_contain_text("Cancelado")
    expect(fila("2019-8664")).to_contain_text(f"01/07/{anio}")
    _historial(
        page, captura, fila, "83-2019", f"No presentó el RAOCE {anio - 1}", "historial cancelado"
    )

    item = _abrir_raoce_en_catalogo(page)
    expect(item).to_contain_text("No disponible por ahora")
    expect(item).to_contain_text(f"IMMEX 83-2019: Cancelado automáticamente el 01/09/{anio}")
    expect(item.get_by_role("link")).to_have_count(0)
    captura(page, "catalogo raoce no disponible en diciembre")

    # 2. RAOCE_FECHA_SIMULADA=AAAA-05-15 make run: the demo is loaded again on that date.
    settings.RAOCE_FECHA_SIMULADA = dt.date(anio, 5, 15)
    texto = _cargar_demo(fiel_dir)
    assert "IMMEX 83-2019 vuelve a vigente" in texto, texto
    assert f"RAOCE {anio - 1}: {demo.LACTEOS} puede presentarlo hoy." in texto, texto
    _nada_en_el_futuro(dt.date(anio, 5, 15), texto)
    # the reload resets the demo users (as `make run` does), so the user logs in again
    ingresar_con_fiel(page, servidor, cer, key, PASSWORD_DEMO)
    en_bandeja(page, demo.LACTEOS)
    fila = _mis_programas(page, captura, "programas el 15 de mayo vigentes")
    for numero in ("83-2019", "2019-8664"):
        expect(fila(numero)).to_contain_text("Vigente")
        expect(fila(numero)).not_to_contain_text("Cancelado")
    motivo = f"estatus acorde con la fecha 15/05/{anio}"
    _historial(page, captura, fila, "83-2019", motivo, "historial vuelve a vigente")

    item = _abrir_raoce_en_catalogo(page)
    expect(item).not_to_contain_text("No disponible")
    captura(page, "catalogo raoce disponible el 15 de mayo")
    item.get_by_role("link", name="Reporte anual de programa de la SE persona moral").click()
    page.wait_for_load_state()
    expect(page.get_by_role("region", name="Datos generales del solicitante")).to_contain_text(
        demo.LACTEOS
    )
    captura(page, "raoce solicitante")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()

    page.get_by_label("Seleccionar IMMEX-PROSEC 83-2019,2019-8664").check()
    expect(page.locator("#sel-estatus")).to_have_text("Vigente - Activo")
    captura(page, "raoce programas immex prosec")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()

    page.get_by_label("Ventas totales (a)").fill("12,500.5")
    page.get_by_label("Total exportaciones (b)").fill("10000")
    expect(page.locator("#porcentaje")).to_have_text("80.00")
    captura(page, "raoce datos")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()

    resumen = page.get_by_role("region", name="Datos que se firmarán")
    expect(resumen).to_contain_text("IMMEX-PROSEC")
    captura(page, "raoce firmar")
    numero = firmar_y_folio(page, cer, key, PASSWORD_DEMO)
    captura(page, "raoce registrada")

    texto = texto_del_acuse(page, carpeta_browser / "raoce-demo-acuse.pdf")
    assert numero in re.sub(r"\s+", "", texto) and demo.LACTEOS in texto, texto
    assert "83-2019" in texto and "2019-8664" in texto, texto

    reporte = ReporteAnual.objects.get(solicitud__folio=numero)
    assert reporte.periodo == anio - 1
    assert set(reporte.programas.values_list("numero", flat=True)) == {"83-2019", "2019-8664"}
    trabajos.aplicar_plazos()  # the daily job, on the simulated date, leaves them vigentes
    assert set(
        Programa.objects.filter(numero__in=["83-2019", "2019-8664"]).values_list(
            "estatus", flat=True
        )
    ) == {EstatusPrograma.VIGENTE}
    assert not [p for p in page.problemas if "pageerror" in p], page.problemas


# -- item 9: "Regresar / Modificar" from the signing page -------------------------------------

TRAMITE_ASIGNACION_PM = "Solicitud de asignación directa de cupo persona moral"


def test_regresar_a_modificar_desde_firmar(
    servidor, page, captura, carpeta_browser, moral, cupos_demo, reporte_pdf
):
    """Item 9. An avena asignación reaches "Firmar" with a typo in the cantidad solicitada
    (15,000 instead of 150,000); "Regresar / Modificar" goes back to the captured steps
    with everything kept (the attached PDF, the cupo, every field's value); the user fixes
    the cantidad and signs, and what was signed is the fixed one."""
    from cupos.models import SolicitudAsignacion

    cred, cer, key = moral
    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    capturar_asignacion(page, servidor, captura, reporte_pdf, "15,000", "180,000")  # typo

    # Firmar: the user sees the typo in the summary.
    pasos = page.get_by_role("list", name="Etapas de la solicitud")
    resumen = page.get_by_role("region", name="Datos que se firmarán")
    expect(resumen).to_contain_text("15,000 kilogramos")
    cantidad = page.get_by_label(re.compile(r"Cantidad solicitada"))
    consumo = page.get_by_label(re.compile(r"Consumo auditado de los últimos 12 meses"))

    # Regresar / Modificar → the last captured step, nothing lost.
    page.get_by_role("link", name="Regresar / Modificar").click()
    page.wait_for_load_state()
    expect(pasos.locator("[aria-current=step]")).to_have_text("Paso 1 Capturar solicitud")
    apartados = page.get_by_role("list", name="Apartados de la solicitud")
    expect(apartados.locator("[aria-current=page]")).to_have_text("Documentos")
    expect(page.get_by_role("table")).to_contain_text(reporte_pdf.name)
    captura(page, "regresa a documentos")

    # The Datos tab: every field keeps what was typed.
    apartados.get_by_role("link", name=re.compile(r"^Datos de la solicitud")).click()
    page.wait_for_load_state()
    expect(cantidad).to_have_value(re.compile(r"^15,?000(\.0+)?$"))
    expect(consumo).to_have_value(re.compile(r"^180,?000(\.0+)?$"))
    captura(page, "datos conservados")
    cantidad.fill("150,000")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()
    expect(page.get_by_role("table")).to_contain_text(reporte_pdf.name)  # still attached
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()

    expect(pasos.locator("[aria-current=step]")).to_have_text("Paso 2 Firmar solicitud")
    expect(resumen).to_contain_text("150,000 kilogramos")
    expect(resumen).to_contain_text("180,000 kilogramos")
    expect(resumen).to_contain_text(reporte_pdf.name)
    expect(resumen).to_contain_text("1004.00.99")  # the avena cupo chosen before
    expect(resumen).not_to_contain_text("15,000 kilogramos")
    expect(page.locator("#cadena-original")).to_contain_text("|kg|150000.000|180000.000|")
    captura(page, "firmar corregida")
    numero = firmar_y_folio(page, cer, key, cred.password)
    captura(page, "registrada")
    texto = texto_del_acuse(page, carpeta_browser / "asignacion-acuse.pdf")
    plano = re.sub(r"\s+", "", texto)
    assert numero in plano and cred.rfc in texto, texto
    # the acuse's cadena original carries the fixed cantidad (and the same consumo)
    assert "|kg|150000.000|180000.000|" in plano and "|kg|15000.000|" not in plano, texto

    sa = SolicitudAsignacion.objects.get(solicitud__folio=numero)
    assert sa.monto_solicitado == 150000 and sa.consumo_auditado_12m == 180000
    assert list(sa.solicitud.anexos.values_list("nombre_original", flat=True)) == [reporte_pdf.name]
    assert not [p for p in page.problemas if "pageerror" in p], page.problemas


# -- items 10 and 11: the bandeja's Concluidas tab, and a partly cancelled certificate ---------


def _bandeja(page, vista: str):
    """Menu "Inicio" → the bandeja's tab ``vista`` ("Por atender y en trámite" / "Concluidas")."""
    page.get_by_role("navigation", name="Menú principal").get_by_role("link", name="Inicio").click()
    page.wait_for_load_state()
    pestanas = page.get_by_role("list", name="Vistas de la bandeja")
    pestanas.get_by_role("link", name=re.compile(f"^{vista}")).click()
    page.wait_for_load_state()
    expect(pestanas.locator("[aria-current=page]")).to_contain_text(vista)
    return pestanas


def test_concluidas_y_verificacion_de_certificado_cancelado_en_parte(
    servidor, page, captura, carpeta_browser, moral, asignacion_demo
):
    """Items 10 and 11. A certificate issued (expedición services, real signature) is no
    longer pending: the bandeja shows it under "Concluidas" as "Certificados expedidos". The
    solicitante cancels part of it through the cancelación wizard; the cancelación appears
    under "Concluidas" as "Cancelación aplicada". Logged out, anyone who types the folio and
    the código de verificación printed on the certificate's PDF reads that it is partly
    cancelled, with its monto amparado, cancelado and saldo."""
    from cupos.models import CertificadoCupo

    cred, cer, key = moral
    expedido, a_favor = Decimal("10000"), Decimal("2500")
    ingresar_con_fiel(page, servidor, cer, key, cred.password)
    en_bandeja(page, cred.rfc)
    cert = expedir_certificado(asignacion_demo, cred, expedido, Decimal("0"))
    folio_expedicion = cert.solicitud.folio

    # Item 10: pending → nothing; Concluidas → "Certificados expedidos".
    pestanas = _bandeja(page, "Por atender y en trámite")
    expect(page.get_by_role("region", name="Solicitudes en trámite")).not_to_contain_text(
        folio_expedicion
    )
    expect(pestanas.get_by_role("link", name=re.compile("^Concluidas"))).to_contain_text("1")
    captura(page, "bandeja por atender")
    _bandeja(page, "Concluidas")
    expect(page.get_by_role("heading", name="Solicitudes concluidas")).to_be_visible()
    fila = page.get_by_role("row").filter(has_text=folio_expedicion)
    expect(fila).to_contain_text("Certificados expedidos")
    expect(fila).not_to_contain_text("Firmada")
    captura(page, "bandeja concluidas expedicion")

    # The cancelación of part of the certificate, in the wizard.
    abrir_cancelacion(page, captura)
    captura(page, "cancelacion solicitante")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_load_state()
    page.get_by_label("Régimen aduanero").select_option(label="Importación")
    page.get_by_label("Mecanismo de asignación").select_option(label="Asignación directa")
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_load_state()
    cupo = asignacion_demo.subcupo.cupo
    captura(page, "cancelacion cupos")
    page.get_by_role("button", name=f"Seleccionar el cupo {cupo.nombre} {cupo.anio}").click()
    page.wait_for_load_state()
    page.get_by_label(cert.folio).check()
    page.get_by_label(re.compile(r"^Monto a favor")).fill(f"{a_favor:,}")
    page.get_by_role("button", name="Agregar").click()
    page.wait_for_load_state()
    expect(page.locator("#certificados-a-cancelar tbody")).to_contain_text(cert.folio)
    captura(page, "cancelacion certificado agregado")
    page.get_by_role("button", name="Siguiente").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(f"{a_favor:,} kg")
    captura(page, "cancelacion firmar")
    folio_cancelacion = firmar_y_folio(page, cer, key, cred.password)
    captura(page, "cancelacion registrada")

    pestanas = _bandeja(page, "Concluidas")
    expect(pestanas.get_by_role("link", name=re.compile("^Concluidas"))).to_contain_text("2")
    expect(page.get_by_role("row").filter(has_text=folio_cancelacion)).to_contain_text(
        "Cancelación aplicada"
    )
    expect(page.get_by_role("row").filter(has_text=folio_expedicion)).to_contain_text(
        "Certificados expedidos"
    )
    captura(page, "bandeja concluidas cancelacion")
    # at 375 px the state and the actions are on screen (the table stacks, item 14)
    page.set_viewport_size({"width": 375, "height": 812})
    for folio, estado in (
        (folio_cancelacion, "Cancelación aplicada"),
        (folio_expedicion, "Certificados expedidos"),
    ):
        fila = page.get_by_role("row").filter(has_text=folio)
        for parte in (fila.get_by_text(estado), fila.get_by_role("link", name=re.compile("^Ver"))):
            caja = parte.bounding_box()
            assert caja and caja["x"] >= 0 and caja["x"] + caja["width"] <= 375, (estado, caja)
    page.set_viewport_size({"width": 1280, "height": 900})
    _bandeja(page, "Por atender y en trámite")
    expect(page.get_by_role("region", name="Solicitudes en trámite")).not_to_contain_text(
        folio_cancelacion
    )

    # Item 11: the certificate's PDF gives its folio and código de verificación.
    menu_tramites(page, re.compile("Solicitudes subsecuentes"))
    captura(page, "acuses y resoluciones")
    pdf = descargar(
        page,
        page.get_by_role("row")
        .filter(has_text=cert.folio)
        .filter(has_text="Certificado")
        .get_by_role("link", name=re.compile("^Descargar")),
        carpeta_browser / "certificado.pdf",
    )
    texto = texto_pdf(pdf)
    codigo = re.search(r"Código de verificación:?\s*([A-Z0-9-]+)", texto)
    assert codigo, texto
    codigo = codigo.group(1)
    assert codigo == CertificadoCupo.objects.get(pk=cert.pk).documento.codigo_verificacion

    cerrar_sesion(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Verificar un documento").click()
    page.wait_for_load_state()
    page.get_by_label("Folio").fill(cert.folio)
    page.get_by_label("Código de verificación").fill(codigo)
    page.get_by_role("button", name="Verificar").click()
    page.wait_for_load_state()
    resultado = page.get_by_role("region", name="Resultado")

    def renglon(etiqueta):
        return resultado.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=etiqueta, exact=True)
        )

    expect(renglon("Estado")).to_contain_text("Vigente, cancelado parcialmente")
    expect(renglon("Monto amparado")).to_contain_text(f"{expedido:,} kg")
    expect(renglon("Monto cancelado")).to_contain_text(f"{a_favor:,} kg")
    expect(renglon("Saldo del certificado")).to_contain_text(f"{expedido - a_favor:,} kg")
    captura(page, "verificacion publica cancelado en parte")
    assert not [p for p in page.problemas if "pageerror" in p], page.problemas
