"""The acuse de recepción drawn with ReportLab (issue 8).

Every signing issues an acuse, so on deadline day it is the PDF the worker renders most.
WeasyPrint laid it out at ≈ 7× a minimal WeasyPrint page, almost all of it text layout;
ReportLab places the same text at a fraction of that. Certificados, oficios and
resoluciones (rarer, longer, with procedure-specific templates) stay on WeasyPrint.

The page mirrors ``templates/acuses/pdf/base.html`` + ``documento.css``: same letterhead,
sections, tables, sellos block, verification box with a QR code and footer, in DejaVu
Sans / DejaVu Sans Mono (Debian's ``fonts-dejavu-core``, the fonts the WeasyPrint PDFs use).
"""

from __future__ import annotations

import io
import subprocess
import threading
from html import escape
from pathlib import Path

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Preformatted,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

#: DejaVu faces: ReportLab name → file name in fonts-dejavu-core.
FUENTES = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSansMono": "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold": "DejaVuSansMono-Bold.ttf",
}
DIRECTORIOS_FUENTES = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)

GUINDA = colors.HexColor("#691c32")
GRIS_BORDE = colors.HexColor("#bbbbbb")
GRIS_TEXTO = colors.HexColor("#555555")
FONDO_TH = colors.HexColor("#f3eef0")
FONDO_SELLO = colors.HexColor("#fafafa")

MARGEN_IZQ = MARGEN_DER = 14 * mm
MARGEN_SUP, MARGEN_INF = 10 * mm, 13 * mm
ANCHO = A4[0] - MARGEN_IZQ - MARGEN_DER

TITULO_LINEAS = "Resumen de la solicitud"
NOTAS = (
    "Los datos personales recabados a través de este trámite son confidenciales; se protegen, "
    "incorporan y tratan en los sistemas de datos personales de la Ventanilla Digital conforme "
    "a la legislación aplicable en materia de transparencia, acceso a la información y "
    "protección de datos personales, y sólo podrán transmitirse a las autoridades competentes "
    "en materia de comercio exterior, al titular de la información o a terceros en los términos "
    "de las disposiciones jurídicas aplicables.",
    "Acuse de recibo que se emite con fundamento en los artículos 4 y 69-M, fracción V, de la "
    "Ley Federal de Procedimiento Administrativo.",
)

_registro = threading.Lock()
_registradas = False


def _archivo_fuente(nombre: str) -> Path:
    for directorio in DIRECTORIOS_FUENTES:
        ruta = directorio / nombre
        if ruta.is_file():
            return ruta
    # elsewhere (another distribution): ask Fontconfig, as WeasyPrint does
    patron = nombre.removesuffix(".ttf").replace("-", ":style=")
    try:
        salida = subprocess.run(
            ["fc-match", "-f", "%{file}", patron], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        salida = ""
    if salida.endswith(nombre):
        return Path(salida)
    raise RuntimeError(f"Falta la fuente {nombre} (paquete fonts-dejavu-core)")


def registrar_fuentes() -> None:
    """Load the four DejaVu faces into ReportLab, once per process."""
    global _registradas
    if _registradas:
        return
    with _registro:
        if not _registradas:
            for nombre, archivo in FUENTES.items():
                pdfmetrics.registerFont(TTFont(nombre, str(_archivo_fuente(archivo))))
            pdfmetrics.registerFontFamily(
                "DejaVuSans",
                normal="DejaVuSans",
                bold="DejaVuSans-Bold",
                italic="DejaVuSans",
                boldItalic="DejaVuSans-Bold",
            )
            _registradas = True


def _estilos() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="DejaVuSans", fontSize=8.5, leading=10.5)
    return {
        "base": base,
        "parrafo": ParagraphStyle(
            "parrafo", parent=base, alignment=TA_JUSTIFY, spaceBefore=1.6 * mm, spaceAfter=1.6 * mm
        ),
        "gob": ParagraphStyle(
            "gob",
            parent=base,
            fontName="DejaVuSans-Bold",
            fontSize=10,
            leading=12,
            textColor=GUINDA,
        ),
        "dep": ParagraphStyle(
            "dep", parent=base, fontSize=9, leading=11, textColor=colors.HexColor("#333333")
        ),
        "vu": ParagraphStyle(
            "vu", parent=base, fontSize=7.5, leading=9.3, alignment=TA_RIGHT, textColor=GRIS_TEXTO
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName="DejaVuSans-Bold",
            fontSize=13,
            leading=16,
            alignment=TA_CENTER,
            spaceBefore=1.5 * mm,
            spaceAfter=2 * mm,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName="DejaVuSans-Bold",
            fontSize=9.5,
            leading=11.5,
            textColor=colors.white,
        ),
        "th": ParagraphStyle("th", parent=base, fontName="DejaVuSans-Bold"),
        "destacado": ParagraphStyle(
            "destacado", parent=base, fontName="DejaVuSans-Bold", fontSize=10.5, leading=12.5
        ),
        "etiqueta": ParagraphStyle(
            "etiqueta",
            parent=base,
            fontName="DejaVuSans-Bold",
            fontSize=8,
            leading=10,
            spaceBefore=1.4 * mm,
            spaceAfter=0.4 * mm,
        ),
        "sello": ParagraphStyle("sello", fontName="DejaVuSansMono", fontSize=6.6, leading=7.8),
        "url": ParagraphStyle("url", fontName="DejaVuSansMono", fontSize=7, leading=8.5),
        "codigo": ParagraphStyle(
            "codigo", parent=base, fontName="DejaVuSansMono-Bold", fontSize=11, leading=13
        ),
        "nota": ParagraphStyle(
            "nota",
            parent=base,
            fontSize=7.2,
            leading=9,
            textColor=colors.HexColor("#444444"),
            alignment=TA_JUSTIFY,
            spaceBefore=1.6 * mm,
        ),
    }


def _t(valor) -> str:
    """Data for Paragraph markup: ``&``, ``<`` and ``>`` escaped."""
    return escape(str(valor or ""), quote=False)


class CodigoQR(Flowable):
    """A QR code drawn as vector squares (one rectangle per run of dark modules)."""

    def __init__(self, texto: str, lado: float, mascara: int):
        super().__init__()
        self.qr = segno.make(texto, error="m", mask=mascara)
        self.lado = lado

    def wrap(self, *_):
        return self.lado, self.lado

    def draw(self):
        matriz = [list(fila) for fila in self.qr.matrix_iter(border=2)]
        modulo = self.lado / len(matriz)
        trazo = self.canv.beginPath()
        for y, fila in enumerate(matriz):
            alto = self.lado - (y + 1) * modulo
            x = 0
            while x < len(fila):
                if fila[x]:
                    inicio = x
                    while x < len(fila) and fila[x]:
                        x += 1
                    trazo.rect(inicio * modulo, alto, (x - inicio) * modulo, modulo)
                else:
                    x += 1
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(trazo, stroke=0, fill=1)


def _titulo_seccion(texto: str, e) -> Table:
    return Table(
        [[Paragraph(_t(texto.upper()), e["h2"])]],
        colWidths=[ANCHO],
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), GUINDA),
                ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.3 * mm),
            ]
        ),
        spaceBefore=2.2 * mm,
    )


def _tabla_datos(filas: list[tuple[str, object]], e) -> Table:
    datos = [
        [
            Paragraph(_t(etiqueta), e["th"]),
            celda if isinstance(celda, Flowable) else Paragraph(_t(celda), e["base"]),
        ]
        for etiqueta, celda in filas
    ]
    return Table(
        datos,
        colWidths=[ANCHO * 0.34, ANCHO * 0.66],
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, GRIS_BORDE),
                ("BACKGROUND", (0, 0), (0, -1), FONDO_TH),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
            ]
        ),
    )


def _sello(texto: str, e) -> Table:
    return Table(
        [[Preformatted(texto, e["sello"])]],
        colWidths=[ANCHO],
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, GRIS_BORDE),
                ("BACKGROUND", (0, 0), (-1, -1), FONDO_SELLO),
                ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 1.2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * mm),
            ]
        ),
    )


def _lienzo_con_pie(pie_izquierdo: str):
    """A canvas class that writes the footer once the page count is known."""

    class Lienzo(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._paginas = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._paginas.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._paginas)
            for numero, estado in enumerate(self._paginas, start=1):
                self.__dict__.update(estado)
                self.setFont("DejaVuSans", 7)
                self.setFillColor(GRIS_TEXTO)
                self.drawString(MARGEN_IZQ, 7 * mm, pie_izquierdo)
                self.drawRightString(A4[0] - MARGEN_DER, 7 * mm, f"Página {numero} de {total}")
                super().showPage()
            super().save()

    return Lienzo


def componer_acuse(documento, ctx: dict, mascara_qr: int) -> bytes:
    """The acuse of ``documento`` as PDF bytes (before the PAdES seal). ``ctx`` is
    :func:`acuses.pdf.contexto_plantilla`'s context, the same the HTML templates get."""
    registrar_fuentes()
    e = _estilos()
    doc, c, tramite = ctx["doc"], ctx["c"], ctx["tramite"]
    partido = ctx["partido"]
    folio = c.get("folio_tramite") or doc.folio
    recepcion = ctx["recepcion"]

    def nombre_tramite(separador: str, nombre: str) -> str:
        """``150102<separador><nombre> (homoclave …)``, each part only when known."""
        numero = f"{tramite['vucem_id']}{separador}" if tramite.get("vucem_id") else ""
        homoclave = f" (homoclave {tramite['homoclave']})" if tramite.get("homoclave") else ""
        return f"{numero}{nombre}{homoclave}"

    nombre = str(tramite.get("nombre", ""))
    historia = [
        Table(
            [
                [
                    [
                        Paragraph("GOBIERNO DE MÉXICO", e["gob"]),
                        Paragraph(_t(ctx["dependencia"]), e["dep"]),
                    ],
                    Paragraph(
                        "Ventanilla Única de Comercio Exterior<br/>"
                        f"Emitido el {_t(ctx['fecha_emision'])} (hora de la Ciudad de México)",
                        e["vu"],
                    ),
                ]
            ],
            colWidths=[ANCHO * 0.5, ANCHO * 0.5],
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LINEBELOW", (0, 0), (-1, -1), 2.25, GUINDA),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
                ]
            ),
        ),
        Paragraph(_t(ctx["encabezado"]), e["h1"]),
        Paragraph(
            f"Estimado(a): <b>{_t(c.get('nombre'))}</b>, RFC <b>{_t(c.get('rfc'))}</b>",
            e["parrafo"],
        ),
        Paragraph(
            f"Siendo las <b>{_t(recepcion['hora'])}</b> horas del <b>{_t(recepcion['fecha'])}</b> "
            "(hora de la Ciudad de México), se tiene por recibida la solicitud número "
            f"{_t(c.get('numero_temporal'))} del trámite {_t(nombre_tramite(' ', f'«{nombre}»'))}, presentada ante la "
            f"{_t(ctx['dependencia'])} a través de la Ventanilla Digital Mexicana de Comercio "
            f"Exterior, con el folio de presentación <b>{_t(folio)}</b>.",
            e["parrafo"],
        ),
        Paragraph(
            "Su trámite se sujetará a las disposiciones jurídicas aplicables al trámite "
            "respectivo y al Decreto por el que se establece la Ventanilla Digital Mexicana de "
            "Comercio Exterior, publicado en el Diario Oficial de la Federación el 14 de enero "
            "de 2011.",
            e["parrafo"],
        ),
        _titulo_seccion("Datos del trámite", e),
        _tabla_datos(
            [
                ("Folio de presentación", Paragraph(_t(folio), e["destacado"])),
                (
                    "Fecha y hora de recepción",
                    f"{recepcion['fecha']} {recepcion['hora']} (hora de la Ciudad de México)",
                ),
                (
                    "Trámite",
                    nombre_tramite(" · ", nombre),
                ),
                ("Número de solicitud (temporal)", c.get("numero_temporal")),
            ],
            e,
        ),
    ]
    if ctx["lineas"]:
        historia += [
            _titulo_seccion(TITULO_LINEAS, e),
            _tabla_datos(
                [(linea.get("etiqueta"), linea.get("valor")) for linea in ctx["lineas"]], e
            ),
        ]
    historia += [Paragraph(_t(nota), e["nota"]) for nota in NOTAS]
    historia += [_titulo_seccion("Sellos digitales", e)]
    sellos = [("Cadena original", partido["cadena_original"])]
    if doc.sello_solicitante:
        sellos.append(("Sello digital del solicitante", partido["sello_solicitante"]))
    if doc.sello_ventanilla:
        sellos.append(("Sello digital de la Ventanilla", partido["sello_ventanilla"]))
    if doc.cadena_ventanilla:
        sellos.append(("Cadena sellada por la Ventanilla", partido["cadena_ventanilla"]))
    if c.get("numero_certificado"):
        sellos.append(("Número de certificado del firmante", str(c["numero_certificado"])))
    for etiqueta, texto in sellos:
        historia += [Paragraph(etiqueta, e["etiqueta"]), _sello(texto, e)]
    verificacion = [
        Paragraph("Verificación del documento", e["etiqueta"]),
        Paragraph("Consulte la autenticidad y el estado de este documento en:", e["base"]),
        Preformatted(partido["url"], e["url"]),
        Paragraph(
            f"Folio: <b>{_t(doc.folio)}</b>",
            ParagraphStyle("folio", parent=e["base"], spaceBefore=2 * mm),
        ),
        Paragraph(
            f"Código de verificación: <font name='DejaVuSansMono-Bold' size='11'>"
            f"{_t(doc.codigo_verificacion)}</font>",
            ParagraphStyle("cv", parent=e["base"], leading=13),
        ),
    ]
    historia.append(
        KeepTogether(
            Table(
                [[CodigoQR(ctx["url_verificacion"], 27 * mm, mascara_qr), verificacion]],
                colWidths=[32 * mm, ANCHO - 32 * mm],
                style=TableStyle(
                    [
                        ("BOX", (0, 0), (-1, -1), 0.6, GRIS_BORDE),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
                    ]
                ),
                spaceBefore=2 * mm,
            )
        )
    )
    salida = io.BytesIO()
    plantilla = SimpleDocTemplate(
        salida,
        pagesize=A4,
        leftMargin=MARGEN_IZQ,
        rightMargin=MARGEN_DER,
        topMargin=MARGEN_SUP,
        bottomMargin=MARGEN_INF,
        title=f"{doc.titulo} {doc.folio}",
        author="Ventanilla Única de Comercio Exterior",
        subject=str(ctx["encabezado"]),
        lang="es-MX",
    )
    plantilla.build(
        historia,
        canvasmaker=_lienzo_con_pie(
            f"Folio {doc.folio} · Código de verificación {doc.codigo_verificacion}"
        ),
    )
    return salida.getvalue()
