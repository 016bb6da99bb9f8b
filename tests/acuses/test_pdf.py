"""PDF rendering with the real WeasyPrint; text extracted with pypdf."""

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from acuses import pdf
from acuses.models import Documento
from acuses.services import emitir_documento


def texto_pdf(contenido: bytes) -> str:
    reader = PdfReader(io.BytesIO(contenido))
    return "\n".join(page.extract_text() for page in reader.pages)


def compacto(texto: str) -> str:
    """Text without whitespace: wrapped sellos come back split over several lines."""
    return re.sub(r"\s+", "", texto)


@pytest.fixture
def acuse(solicitud_factory, django_capture_on_commit_callbacks):
    solicitud = solicitud_factory()
    with django_capture_on_commit_callbacks(execute=False):
        return emitir_documento(
            solicitud=solicitud,
            tipo=Documento.Tipo.ACUSE,
            titulo="Acuse de recepción de trámite",
            folio=solicitud.folio,
            cadena_original=solicitud.cadena_original,
            sello_solicitante=solicitud.sello_solicitante,
            sello_ventanilla=solicitud.sello_ventanilla,
            contexto={"lineas": [{"etiqueta": "Monto a expedir", "valor": "1,000.000 kg"}]},
        )


def test_acuse_contiene_los_datos_del_diseno(acuse):
    contenido = pdf.renderizar_pdf(acuse)
    assert contenido.startswith(b"%PDF")
    texto = texto_pdf(contenido)
    for esperado in (
        "ACUSE DE RECEPCIÓN DE TRÁMITE",
        "Secretaría de Economía",
        "ESCUELA KEMPER URGATE SA DE CV",
        "EKU9003173C9",
        acuse.folio,
        acuse.solicitud.numero_temporal,
        "120202",
        acuse.solicitud.tramite.nombre,
        "Cadena original",
        "Sello digital del solicitante",
        "Sello digital de la Ventanilla",
        "30001000000500003416",
        acuse.codigo_verificacion,
        "Monto a expedir",
    ):
        assert compacto(esperado) in compacto(texto), esperado
    # 16:45 UTC on 2 March 2026 is 10:45 in Mexico City (UTC-6, no DST since 2022).
    assert "02/03/2026 10:45" in texto
    plano = compacto(texto)
    assert compacto(acuse.sello_solicitante) in plano
    assert compacto(acuse.cadena_original) in plano
    assert "/acuses/verificar/?folio=" in plano


def test_certificado_con_descripcion_del_cupo(documento_factory, contexto_certificado):
    doc = documento_factory(
        tipo=Documento.Tipo.CERTIFICADO,
        titulo="Certificado de cupo",
        sello_solicitante="",
        plantilla="cupos/pdf/cupo.html",
        contexto={**contexto_certificado, "encabezado": "CERTIFICADO DE CUPO"},
    )
    texto = texto_pdf(pdf.renderizar_pdf(doc))
    for esperado in (
        "CERTIFICADO DE CUPO",
        "Importación",
        "Avena",
        "1004.00.99",
        "Sin tratado (OMC)",
        "1,234,567.500 kg",
        "31/12/2026",
        "SE-DGFCCE-0123/2026",
        "CC-2026-000001",
        "EKU9003173C9",
    ):
        assert esperado in texto, esperado
    assert "DOF30/12/2025" in compacto(texto)  # the fundamento wraps
    assert "Sello digital del solicitante" not in texto


def test_oficio_y_resolucion(documento_factory, contexto_certificado):
    oficio = documento_factory(
        tipo=Documento.Tipo.OFICIO,
        titulo="Oficio",
        plantilla="cupos/pdf/cupo.html",
        contexto={**contexto_certificado, "encabezado": "OFICIO DE ASIGNACIÓN DE CUPO"},
    )
    assert "OFICIO DE ASIGNACIÓN DE CUPO" in texto_pdf(pdf.renderizar_pdf(oficio))
    resolucion = documento_factory(
        tipo=Documento.Tipo.RESOLUCION,
        titulo="Resolución de la solicitud",
        contexto={
            "resultado": "Aprobada parcialmente",
            "texto": "Primer párrafo.\n\nSegundo párrafo.",
        },
    )
    texto = texto_pdf(pdf.renderizar_pdf(resolucion))
    assert "Aprobada parcialmente" in texto
    assert "Segundo párrafo." in texto


def test_formatos():
    assert pdf.formatear_monto("1000.000", "kg") == "1,000.000 kg"
    assert pdf.formatear_monto(20020800) == "20,020,800"
    assert pdf.formatear_monto("n/a", "kg") == "n/a kg"
    assert pdf.fecha_mx("2026-12-31") == "31/12/2026"
    assert pdf.fecha_hora_mx("2026-07-01T00:30:00+00:00") == "30/06/2026 18:30"


def test_url_de_verificacion(documento_factory, settings):
    settings.SITE_URL = "https://ventanilla.example.mx/"
    doc = documento_factory()
    url = pdf.url_verificacion(doc)
    assert url == (
        f"https://ventanilla.example.mx/acuses/verificar/?folio={doc.folio}"
        f"&codigo={doc.codigo_verificacion}"
    )
    assert pdf.qr_data_uri(url).startswith("data:image/png;base64,")


def test_la_url_de_verificacion_sale_de_site_url(documento_factory, settings):
    """Issue 9 item 6: the QR and URL point at the configured base URL, not 127.0.0.1:8000."""
    settings.SITE_URL = "https://ventanilla.example.gob.mx/"
    doc = documento_factory()
    assert pdf.url_verificacion(doc).startswith(
        "https://ventanilla.example.gob.mx/acuses/verificar/?folio="
    )
    assert "ventanilla.example.gob.mx" in compacto(texto_pdf(pdf.renderizar_pdf(doc)))


def test_la_hoja_de_estilo_se_lee_una_vez_y_otra_vez_si_cambia(monkeypatch, tmp_path):
    """Issue 8: documento.css is parsed once per process, and again when the file changes."""
    import weasyprint

    hoja = tmp_path / "documento.css"
    hoja.write_text("p { color: red }")
    monkeypatch.setattr(pdf, "HOJA_DE_ESTILO", hoja)
    monkeypatch.setattr(pdf, "_hoja_parseada", {})
    lecturas = []
    real = weasyprint.CSS

    def espia(*a, **kw):
        lecturas.append(kw.get("filename"))
        return real(*a, **kw)

    monkeypatch.setattr(weasyprint, "CSS", espia)
    primera = pdf.hoja_de_estilo()
    assert pdf.hoja_de_estilo() is primera
    assert lecturas == [str(hoja)]
    hoja.write_text("p { color: blue; margin: 0 }")
    segunda = pdf.hoja_de_estilo()
    assert segunda is not primera and len(lecturas) == 2
    assert pdf.hoja_de_estilo() is segunda


def fuentes_pdf(contenido: bytes) -> set[str]:
    lector = PdfReader(io.BytesIO(contenido))
    return {
        str(f.get_object()["/BaseFont"])
        for pagina in lector.pages
        for f in pagina["/Resources"]["/Font"].values()
    }


def test_el_pdf_usa_la_hoja_de_estilo(documento_factory, contexto_certificado):
    """The stylesheet outside the template reaches WeasyPrint: A4 pages, the sellos in DejaVu
    Sans Mono, and the footer (folio from the template, page counter from the file)."""
    doc = documento_factory(
        tipo=Documento.Tipo.CERTIFICADO,
        titulo="Certificado de cupo",
        plantilla="cupos/pdf/cupo.html",
        contexto={**contexto_certificado, "encabezado": "CERTIFICADO DE CUPO"},
    )
    contenido = pdf.componer_pdf(doc)
    lector = PdfReader(io.BytesIO(contenido))
    assert [round(float(x)) for x in lector.pages[0].mediabox[2:]] == [595, 842]
    fuentes = fuentes_pdf(contenido)
    assert any(f.endswith("DejaVu-Sans-Mono") for f in fuentes), fuentes
    texto = texto_pdf(contenido)
    assert f"Folio {doc.folio}" in texto
    assert "Página 1 de" in texto


def test_el_acuse_lo_dibuja_reportlab_sin_weasyprint(acuse, monkeypatch):
    """Issue 8: the acuse (the PDF of every signing) skips WeasyPrint; same page as the
    other documents: A4, DejaVu Sans and Sans Mono, footer with folio, código and pages."""
    import weasyprint

    def prohibido(*a, **kw):
        raise AssertionError("el acuse no pasa por WeasyPrint")

    monkeypatch.setattr(weasyprint, "HTML", prohibido)
    contenido = pdf.componer_pdf(acuse)
    lector = PdfReader(io.BytesIO(contenido))
    assert [round(float(x)) for x in lector.pages[0].mediabox[2:]] == [595, 842]
    assert lector.metadata.title == f"{acuse.titulo} {acuse.folio}"
    fuentes = fuentes_pdf(contenido)
    assert any(f.endswith("+DejaVuSansMono") for f in fuentes), fuentes
    assert any(f.endswith("+DejaVuSans-Bold") for f in fuentes), fuentes
    texto = texto_pdf(contenido)
    assert f"Folio {acuse.folio} · Código de verificación {acuse.codigo_verificacion}" in texto
    assert "Página 1 de 1" in texto
    assert "RESUMEN DE LA SOLICITUD" in texto and "Monto a expedir" in texto


def test_un_acuse_largo_numera_todas_sus_paginas(documento_factory):
    lineas = [{"etiqueta": f"Concepto {i}", "valor": f"Valor {i}"} for i in range(90)]
    contenido = pdf.componer_pdf(documento_factory(contexto={"lineas": lineas}))
    paginas = PdfReader(io.BytesIO(contenido)).pages
    assert len(paginas) >= 2
    for numero, pagina in enumerate(paginas, start=1):
        assert f"Página {numero} de {len(paginas)}" in pagina.extract_text()
    assert "Concepto 89" in texto_pdf(contenido)


def test_el_acuse_imprime_los_datos_tal_cual(documento_factory):
    """Names with markup characters print literally (ReportLab's paragraphs parse markup)."""
    doc = documento_factory(
        contexto={
            "nombre": "PEREZ & HIJOS <b>SA</b> DE CV",
            "lineas": [{"etiqueta": "Nota <i>", "valor": "a < b & c > d"}],
        }
    )
    texto = texto_pdf(pdf.componer_pdf(doc))
    assert "PEREZ & HIJOS <b>SA</b> DE CV" in texto
    assert "Nota <i>" in texto and "a < b & c > d" in texto


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="falta pdftoppm (poppler-utils)")
def test_el_qr_del_acuse_lleva_a_su_verificacion(acuse, tmp_path, settings):
    """The QR drawn in the acuse decodes (zxing-cpp, from the rendered page) to the public
    verification URL of that very document."""
    import zxingcpp
    from PIL import Image

    settings.SITE_URL = "https://ventanilla.example.gob.mx"
    (tmp_path / "acuse.pdf").write_bytes(pdf.renderizar_pdf(acuse))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "acuse.pdf", "pagina"],
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    leidos = [c.text for c in zxingcpp.read_barcodes(Image.open(tmp_path / "pagina.png"))]
    assert leidos == [pdf.url_verificacion(acuse)]
    assert leidos[0].startswith("https://ventanilla.example.gob.mx/acuses/verificar/?folio=")


def test_una_configuracion_de_fuentes_por_hilo():
    import threading

    propia = pdf.configuracion_fuentes()
    assert pdf.configuracion_fuentes() is propia
    otra = []
    hilo = threading.Thread(target=lambda: otra.append(pdf.configuracion_fuentes()))
    hilo.start()
    hilo.join()
    assert otra and otra[0] is not propia
