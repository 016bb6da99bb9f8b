"""PDF rendering of documents: the acuse de recepción with ReportLab (``acuses.pdf_acuse``,
the PDF every signing issues), every other tipo from its HTML template with WeasyPrint.

Everything printed comes from the :class:`~acuses.models.Documento` row (folio, código,
cadena, sellos) and its ``contexto`` JSON. ``emitir_documento`` snapshots the solicitud's
data into ``contexto`` when the document is issued, so a PDF rendered later (or again)
shows what was true at issue time. Values are JSON (strings, numbers, lists, dicts);
dates and datetimes as ISO 8601 strings (``"2026-12-31"``, ``"2026-03-02T10:15:00-06:00"``).

Keys common to every tipo (filled by ``emitir_documento`` from the solicitud when absent)::

    dependencia         "Secretaría de Economía"
    nombre              solicitante's name / razón social
    rfc                 solicitante's RFC
    tramite             {"vucem_id": 120402, "nombre": "Asignación directa de cupo ...",
                         "homoclave": "SE-03-011-1"}   # homoclave optional
    solicitante         optional {"nombre", "rfc"}: used when nombre/rfc are absent
    numero_temporal     "123456789"
    folio_tramite       25-digit folio of the solicitud
    fecha_recepcion     ISO datetime the solicitud was signed (received)
    numero_certificado  20-digit número de certificado of the signer's FIEL
    lineas              optional [{"etiqueta": "...", "valor": "..."}] extra rows shown in a table

Acuse de recepción (``tipo="acuse"``): only the common keys. ``lineas`` may summarise the
solicitud (e.g. ``{"etiqueta": "Cantidad solicitada", "valor": "1,000.000 kg"}``).

Certificado de cupo (``tipo="certificado"``) and Oficio de asignación (``tipo="oficio"``)::

    cupo = {
        "descripcion": "Cupo para importar avena ...",     # optional
        "regimen": "Importación",
        "producto": "Avena",
        "subproducto": "",                                  # optional
        "fracciones": ["1004.00.99"],                       # list or a comma-separated str
        "tratado": "Sin tratado (OMC)",                     # tratado o bloque comercial
        "unidad": "kg",
        "mecanismo": "Asignación directa",                  # optional
        "periodo": "2026",                                  # optional
    }
    beneficiario = {"nombre": "...", "rfc": "...", "domicilio": "..."}   # domicilio optional
    monto = "1000.000"            # decimal as string; printed "1,000.000 kg"
    unidad = "kg"                 # falls back to cupo.unidad
    vigencia_desde = "2026-03-02" # optional
    vigencia_hasta = "2026-12-31"
    numero_oficio = "SE-DGFCCE-0123/2026"  # oficio de asignación (both tipos)
    folio_certificado = "..."     # certificado only; defaults to Documento.folio
    fundamento = "Acuerdo ... publicado en el DOF el ..."
    texto = "..."                 # optional paragraph above the data
    lineas = [...]                # optional extra rows (e.g. monto asignado, saldo)

Resolución (``tipo="resolucion"``)::

    resultado = "Aprobada" | "Aprobada parcialmente" | "Rechazada"
    texto = "Paragraph(s) of the resolution; blank lines separate paragraphs."
    fundamento = "..."            # optional
    lineas = [...]                # optional

Every PDF ends with the seal block: cadena original, sello digital del solicitante (when
present), sello digital de la Ventanilla, número de certificado, QR code to the public
verification page, its URL and the código de verificación.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime

from firma.pades import firmar_pdf

ZONA_MX = ZoneInfo("America/Mexico_City")

#: Generic template of the WeasyPrint documents, used when the issuing procedure named none
#: (an acuse without a template of its own is drawn by ``acuses.pdf_acuse``).
PLANTILLA_GENERICA = "acuses/pdf/resolucion.html"
ENCABEZADO_ACUSE = "ACUSE DE RECEPCIÓN DE TRÁMITE"


def url_verificacion(documento) -> str:
    """Absolute URL of the public verification page, pre-filled with folio and código."""
    query = urlencode({"folio": documento.folio, "codigo": documento.codigo_verificacion})
    return f"{settings.SITE_URL.rstrip('/')}{reverse('acuses:verificar')}?{query}"


#: QR mask pattern. Any of the eight is valid (the reader learns it from the symbol's format
#: bits); letting segno score all eight to pick one was a third of the HTML's cost.
MASCARA_QR = 0


def qr_data_uri(texto: str) -> str:
    """PNG data URI of a QR code (segno) for ``texto``."""
    return segno.make(texto, error="m", mask=MASCARA_QR).png_data_uri(scale=5, border=2)


def fecha_hora_mx(valor) -> str:
    """DD/MM/YYYY HH:MM in America/Mexico_City (accepts datetime or ISO string)."""
    if not valor:
        return ""
    if isinstance(valor, str):
        parsed = parse_datetime(valor)
        if parsed is None:
            return fecha_mx(valor)
        valor = parsed
    if isinstance(valor, dt.datetime):
        if valor.tzinfo is None:
            valor = valor.replace(tzinfo=dt.UTC)
        return valor.astimezone(ZONA_MX).strftime("%d/%m/%Y %H:%M")
    return fecha_mx(valor)


def momento_mx(valor) -> dict:
    """``{"fecha": "DD/MM/YYYY", "hora": "HH:MM:SS"}`` in America/Mexico_City (empty strings
    when ``valor`` is empty or not a moment): the acuse's reception paragraph."""
    if isinstance(valor, str):
        valor = parse_datetime(valor)
    if not isinstance(valor, dt.datetime):
        return {"fecha": "", "hora": ""}
    if valor.tzinfo is None:
        valor = valor.replace(tzinfo=dt.UTC)
    local = valor.astimezone(ZONA_MX)
    return {"fecha": local.strftime("%d/%m/%Y"), "hora": local.strftime("%H:%M:%S")}


def fecha_mx(valor) -> str:
    """DD/MM/YYYY (accepts date, datetime or ISO string); unparseable strings pass through."""
    if not valor:
        return ""
    if isinstance(valor, str):
        parsed = parse_datetime(valor) or parse_date(valor)
        if parsed is None:
            return valor
        valor = parsed
    if isinstance(valor, dt.datetime):
        if valor.tzinfo is not None:
            valor = valor.astimezone(ZONA_MX)
        valor = valor.date()
    return valor.strftime("%d/%m/%Y")


def formatear_monto(valor, unidad: str = "") -> str:
    """``"1000.000"`` → ``"1,000.000 kg"`` (keeps the decimals given)."""
    if valor in (None, ""):
        return ""
    try:
        texto = format(Decimal(str(valor)), ",")
    except (InvalidOperation, ValueError):
        texto = str(valor)
    return f"{texto} {unidad}".strip()


def _fracciones(valor) -> str:
    if isinstance(valor, list | tuple):
        return ", ".join(str(v) for v in valor)
    return str(valor or "")


#: Characters per line of the sellos and cadenas (DejaVu Sans Mono 6.6 pt on A4).
ANCHO_SELLO = 100


def partir(texto: str, ancho: int = ANCHO_SELLO) -> str:
    """``texto`` in lines of ``ancho`` characters, for ``white-space: pre``: splitting here
    spares WeasyPrint the costly search for break points in one long word."""
    texto = texto or ""
    return "\n".join(texto[i : i + ancho] for i in range(0, len(texto), ancho))


def contexto_plantilla(documento) -> dict:
    """Template context for ``documento`` (also handy to test templates without WeasyPrint)."""
    ctx = dict(documento.contexto or {})
    tipo = documento.tipo
    cupo = dict(ctx.get("cupo") or {})
    cupo["fracciones_texto"] = _fracciones(cupo.get("fracciones"))
    unidad = ctx.get("unidad") or cupo.get("unidad") or ""
    tramite = ctx.get("tramite") or {}
    if isinstance(tramite, str):
        tramite = {"vucem_id": "", "nombre": tramite}
    solicitante = ctx.get("solicitante") if isinstance(ctx.get("solicitante"), dict) else {}
    ctx.setdefault("nombre", solicitante.get("nombre", ""))
    ctx.setdefault("rfc", solicitante.get("rfc", ""))
    url = url_verificacion(documento)
    return {
        "doc": documento,
        "c": ctx,
        "encabezado": ctx.get("encabezado")
        or (ENCABEZADO_ACUSE if tipo == "acuse" else documento.get_tipo_display().upper()),
        "dependencia": ctx.get("dependencia") or "Secretaría de Economía",
        "tramite": tramite,
        "cupo": cupo,
        "beneficiario": ctx.get("beneficiario") or {},
        "monto": formatear_monto(ctx.get("monto"), unidad),
        "unidad": unidad,
        "fecha_recepcion": fecha_hora_mx(ctx.get("fecha_recepcion")),
        "recepcion": momento_mx(ctx.get("fecha_recepcion")),
        "fecha_emision": fecha_hora_mx(documento.creado),
        "vigencia_desde": fecha_mx(ctx.get("vigencia_desde")),
        "vigencia_hasta": fecha_mx(ctx.get("vigencia_hasta")),
        "folio_certificado": ctx.get("folio_certificado") or documento.folio,
        "parrafos": [p.strip() for p in str(ctx.get("texto") or "").split("\n\n") if p.strip()],
        "lineas": [linea for linea in (ctx.get("lineas") or []) if isinstance(linea, dict)],
        "url_verificacion": url,
        "partido": {
            "cadena_original": partir(documento.cadena_original),
            "sello_solicitante": partir(documento.sello_solicitante),
            "sello_ventanilla": partir(documento.sello_ventanilla),
            "cadena_ventanilla": partir(documento.cadena_ventanilla),
            "url": partir(url, 80),
        },
    }


def renderizar_html(documento) -> str:
    """The HTML WeasyPrint lays out: the procedure's template, or the generic one."""
    ctx = contexto_plantilla(documento)
    ctx["qr"] = qr_data_uri(ctx["url_verificacion"])
    return render_to_string(documento.plantilla or PLANTILLA_GENERICA, ctx)


def dibujado_con_reportlab(documento) -> bool:
    """The generic acuse (no template of the procedure's own) is drawn by ReportLab."""
    return documento.tipo == "acuse" and not documento.plantilla


#: The stylesheet of every PDF template; ``base.html`` keeps only the footer (it names the folio).
HOJA_DE_ESTILO = (
    Path(__file__).resolve().parent.parent / "templates" / "acuses" / "pdf" / "documento.css"
)

#: ``(path, mtime_ns, size)`` → parsed ``weasyprint.CSS``: one entry, replaced when the file
#: changes. Parsing it (tinycss2 + WeasyPrint's validation) on every PDF cost ~10 ms.
_hoja_parseada: dict = {}
_cerrojo_hoja = threading.Lock()
_por_hilo = threading.local()


def hoja_de_estilo():
    """The parsed stylesheet, from this process's cache while the file is unchanged."""
    import weasyprint

    estado = HOJA_DE_ESTILO.stat()
    clave = (str(HOJA_DE_ESTILO), estado.st_mtime_ns, estado.st_size)
    hoja = _hoja_parseada.get(clave)
    if hoja is None:
        with _cerrojo_hoja:
            hoja = _hoja_parseada.get(clave)
            if hoja is None:
                hoja = weasyprint.CSS(filename=str(HOJA_DE_ESTILO))
                _hoja_parseada.clear()
                _hoja_parseada[clave] = hoja
    return hoja


def configuracion_fuentes():
    """This thread's WeasyPrint FontConfiguration. A new one per PDF (WeasyPrint's default)
    re-reads Fontconfig's configuration and loads every face again; Pango objects are not
    shared between threads, hence one per thread (workers and gunicorn have one)."""
    from weasyprint.text.fonts import FontConfiguration

    fuentes = getattr(_por_hilo, "fuentes", None)
    if fuentes is None:
        fuentes = _por_hilo.fuentes = FontConfiguration()
    return fuentes


def componer_pdf(documento) -> bytes:
    """``documento`` as PDF bytes, before the seal: the generic acuse with ReportLab, the rest
    with WeasyPrint (both imported lazily: only the processes that render load them)."""
    if dibujado_con_reportlab(documento):
        from acuses.pdf_acuse import componer_acuse  # ReportLab: loaded where PDFs are drawn

        return componer_acuse(documento, contexto_plantilla(documento), MASCARA_QR)

    import weasyprint  # heavy (Pango, fonts): loaded by the processes that render, on first use

    html = weasyprint.HTML(string=renderizar_html(documento), base_url=str(settings.BASE_DIR))
    return html.write_pdf(stylesheets=[hoja_de_estilo()], font_config=configuracion_fuentes())


def renderizar_pdf(documento) -> bytes:
    """The PDF of ``documento``, sealed (PAdES) by the Ventanilla (issue 7)."""
    return firmar_pdf(componer_pdf(documento), razon=str(documento))
