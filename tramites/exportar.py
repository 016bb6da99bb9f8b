"""Downloads of staff lists as CSV (Python's csv, UTF-8 with BOM so Excel reads the accents)
and XLSX (openpyxl). A list is ``encabezados`` plus rows of plain values: ``str``, ``int``,
``Decimal`` (kept exact in the CSV, numeric in Excel), ``date``/``datetime`` or ``None``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from vucem.roles import es_personal_de_dictamen

TIPO_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Text a spreadsheet would run as a formula (CSV/formula injection) gets a leading quote.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def puede_exportar(user) -> bool:
    """Exports are for the back-office (dictaminadores and nivel central)."""
    return es_personal_de_dictamen(user)


def _texto(valor) -> str:
    if valor is None:
        return ""
    if isinstance(valor, dt.datetime):
        return (
            timezone.localtime(valor).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(valor)
            else valor.strftime("%d/%m/%Y %H:%M")
        )
    if isinstance(valor, dt.date):
        return valor.strftime("%d/%m/%Y")
    if isinstance(valor, Decimal | int | float):
        return str(valor)
    texto = str(valor)
    return "'" + texto if texto.startswith(_FORMULA) else texto


def _celda(valor):
    if isinstance(valor, dt.datetime) and timezone.is_aware(valor):
        return timezone.localtime(valor).replace(tzinfo=None)  # Excel has no time zones
    if valor is None or isinstance(valor, Decimal | int | float | dt.date):
        return valor
    return _texto(valor)


def respuesta_csv(nombre: str, encabezados, filas) -> HttpResponse:
    salida = io.StringIO()
    salida.write("\ufeff")
    escritor = csv.writer(salida)
    escritor.writerow(encabezados)
    for fila in filas:
        escritor.writerow([_texto(v) for v in fila])
    r = HttpResponse(salida.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    r["Content-Disposition"] = content_disposition_header(True, f"{nombre}.csv")
    return r


def respuesta_xlsx(nombre: str, encabezados, filas, *, hoja: str = "Datos") -> HttpResponse:
    libro = Workbook(write_only=True)
    ws = libro.create_sheet(hoja[:31])
    negritas = Font(bold=True)
    titulos = []
    for texto in encabezados:
        celda = WriteOnlyCell(ws, value=texto)
        celda.font = negritas
        titulos.append(celda)
    ws.append(titulos)
    for fila in filas:
        ws.append([_celda(v) for v in fila])
    salida = io.BytesIO()
    libro.save(salida)
    r = HttpResponse(salida.getvalue(), content_type=TIPO_XLSX)
    r["Content-Disposition"] = content_disposition_header(True, f"{nombre}.xlsx")
    return r


def exportar(formato: str, nombre: str, encabezados, filas, *, hoja: str = "Datos"):
    """The list as ``formato`` ("csv" or "xlsx"); any other format is a 404."""
    if formato == "csv":
        r = respuesta_csv(nombre, encabezados, filas)
    elif formato == "xlsx":
        r = respuesta_xlsx(nombre, encabezados, filas, hoja=hoja)
    else:
        raise Http404("Formato de exportación no disponible.")
    r["X-Content-Type-Options"] = "nosniff"
    r["Cache-Control"] = "no-store"
    return r
