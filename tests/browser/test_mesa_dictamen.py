"""Issue 10 items 2 and 5 in Chromium: the dictaminador filters the queue, takes a solicitud
("Asignarme"), opens it, resolves it and opens the oficio; nivel central opens a cupo's
breakdown with its chart and downloads the consulta as Excel and CSV, opened in the test."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import descargar, en_bandeja, ingresar_sin_fiel, texto_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mesa.Dictamen.Navegador.2026"


@pytest.fixture
def avena(_catalogo):
    from django.utils import timezone

    from cupos import demo

    return demo.cargar_cupos(timezone.localdate().year)["avena"]


def _hace(n_habiles: int):
    """A reception with exactly ``n_habiles`` business days elapsed today."""
    from django.utils import timezone

    from tramites.calendario import Calendario

    cal = Calendario()
    hoy = timezone.localdate()
    dia = hoy if cal.es_dia_habil(hoy) else cal.dia_habil_anterior(hoy)
    for _ in range(n_habiles):
        dia = cal.dia_habil_anterior(dia)
    return timezone.make_aware(dt.datetime.combine(dia, dt.time(10)))


def test_dictaminador_filtra_se_asigna_resuelve_y_abre_el_oficio(
    servidor, page, captura, carpeta_browser, avena
):
    from cupos.models import Asignacion
    from tests.cupos.factories import solicitud_asignacion_firmada
    from tests.soporte.personas import crear_persona, crear_usuario
    from tramites.models import Solicitud
    from vucem.models import Rol

    sub = avena.subcupos.get()
    user = crear_usuario(Rol.DICTAMINADOR, "dictaminadora.mesa", password=PASSWORD)
    capturador = crear_usuario(Rol.CAPTURISTA_GUBERNAMENTAL)
    molinos = crear_persona("moral", nombre="MOLINOS DE AVENA SA DE CV")
    granos = crear_persona("moral", nombre="GRANOS DEL NORTE SA DE CV")
    vencida = solicitud_asignacion_firmada(
        molinos,
        sub,
        recibida=_hace(9),
        usuario=capturador,
        monto_solicitado=Decimal("120000"),
        consumo_auditado_12m=Decimal("150000"),
    )
    solicitud_asignacion_firmada(
        granos,
        sub,
        recibida=_hace(1),
        usuario=capturador,
        monto_solicitado=Decimal("80000"),
        consumo_auditado_12m=Decimal("90000"),
    )

    ingresar_sin_fiel(page, servidor, user.username, PASSWORD)
    en_bandeja(page)
    fila = page.get_by_role("row", name=re.compile(vencida.folio))
    expect(fila).to_contain_text("Vencido")  # the bandeja's "Vence" column
    captura(page, "bandeja con columna vence")

    page.goto(f"{servidor}/cupos/dictamen/")
    filas = page.locator("table tbody tr")
    expect(filas).to_have_count(2)
    page.get_by_label("Plazo").select_option(label="Vencido")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_load_state()
    expect(filas).to_have_count(1)
    expect(filas.first).to_contain_text(vencida.folio)
    expect(filas.first).to_contain_text("Vencido")
    captura(page, "cola filtrada vencidas")

    filas.first.get_by_role("button", name=re.compile("^Asignarme")).click()
    page.wait_for_load_state()
    expect(
        page.get_by_text(f"La solicitud {vencida.folio} quedó asignada a usted.")
    ).to_be_visible()
    expect(page.get_by_label("Plazo")).to_have_value("vencido")  # filters kept
    expect(filas.first).to_contain_text("Usted")
    assert Solicitud.objects.get(pk=vencida.pk).dictaminador_id == user.pk
    captura(page, "asignada a mi")

    filas.first.get_by_role("link", name=vencida.folio).click()
    page.wait_for_load_state()
    expect(page.locator("#monto-propuesto")).to_contain_text("120,000")
    captura(page, "detalle")
    page.get_by_role("button", name="Aprobar y emitir oficio").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text(re.compile(r"Solicitud aprobada\. Oficio de asignación"))
    ).to_be_visible()
    captura(page, "aprobada")
    asignacion = Asignacion.objects.get(solicitud=vencida)

    page.goto(f"{servidor}/cupos/dictamen/?ver=resueltas")
    fila = page.get_by_role("row", name=re.compile(vencida.folio))
    oficio = f"{asignacion.numero_oficio}/{asignacion.anio}"
    expect(fila).to_contain_text(oficio)
    captura(page, "resueltas")
    pdf = descargar(page, fila.get_by_role("link", name=oficio), carpeta_browser / "oficio.pdf")
    texto = texto_pdf(pdf)
    assert "OFICIO DE ASIGNACIÓN" in texto and asignacion.numero_oficio in texto, texto
    assert molinos.rfc in texto and "120,000" in texto
    assert not page.problemas, page.problemas


def test_nivel_central_consulta_con_grafica_y_exporta(
    servidor, page, captura, carpeta_browser, avena
):
    import openpyxl

    from tests.cupos.factories import asignacion_con_saldo, certificado_directo
    from tests.soporte.personas import crear_persona, crear_usuario
    from vucem.models import Rol

    sub = avena.subcupos.get()
    a = asignacion_con_saldo(crear_persona("moral"), sub, Decimal("500000"), numero="000201")
    asignacion_con_saldo(crear_persona("moral"), sub, Decimal("250000"), numero="000202")
    certificado_directo(a, Decimal("200000"))
    user = crear_usuario(Rol.NIVEL_CENTRAL, "central.mesa", password=PASSWORD)

    ingresar_sin_fiel(page, servidor, user.username, PASSWORD)
    en_bandeja(page)
    page.goto(f"{servidor}/cupos/consulta/")
    expect(page.get_by_role("heading", name="Consulta de cupos")).to_be_visible()
    page.get_by_role("link", name=avena.nombre).click()
    page.wait_for_load_state()
    grafica = page.get_by_role("img", name=re.compile("por subcupo"))
    expect(grafica).to_be_visible()
    expect(grafica.locator("rect[data-vu-barra]")).to_have_count(5)
    tabla = page.locator("#tabla-subcupos")
    expect(tabla).to_contain_text("750,000")  # asignado
    expect(tabla).to_contain_text("200,000")  # expedido
    expect(page.get_by_role("img", name=re.compile("por mes"))).to_be_visible()
    captura(page, "desglose con grafica")

    page.goto(f"{servidor}/cupos/consulta/?anio={avena.anio}")
    captura(page, "consulta filtrada")
    xlsx = descargar(
        page,
        page.get_by_role("link", name="Exportar Excel"),
        carpeta_browser / "consulta-cupos.xlsx",
    )
    filas = list(openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True))
    por_clave = {f[1]: dict(zip(filas[0], f, strict=True)) for f in filas[1:]}
    assert set(por_clave) == {c.clave for c in avena.__class__.objects.filter(anio=avena.anio)}
    fila = por_clave[avena.clave]
    assert Decimal(str(fila["Asignado"])) == Decimal("750000")
    assert Decimal(str(fila["Expedido"])) == Decimal("200000")
    assert Decimal(str(fila["Saldo disponible"])) == avena.monto_total - Decimal("750000")

    ruta = descargar(
        page, page.get_by_role("link", name="Exportar CSV"), carpeta_browser / "consulta.csv"
    )
    contenido = ruta.read_bytes()
    assert contenido.startswith(b"\xef\xbb\xbf")
    leidas = list(csv.DictReader(io.StringIO(contenido.decode("utf-8-sig"))))
    avena_csv = next(f for f in leidas if f["Clave"] == avena.clave)
    assert Decimal(avena_csv["Asignado"]) == Decimal("750000")
    assert not page.problemas, page.problemas
