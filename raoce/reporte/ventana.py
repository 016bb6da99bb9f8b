"""The filing window of the annual report: which period is reported today and from when.

Today is :func:`raoce.plazos.hoy` (honours ``RAOCE_FECHA_SIMULADA``); callers read it
through :func:`hoy` of this module so a test can move the wizard's date alone.
"""

from __future__ import annotations

import datetime as dt

from .. import plazos
from . import reglas


def hoy() -> dt.date:
    """Today for the wizard (:func:`raoce.plazos.hoy`)."""
    return plazos.hoy()


def periodo_a_reportar(fecha: dt.date | None = None) -> int:
    """The report covers the previous calendar year (01-YYYY to 12-YYYY)."""
    return (fecha or hoy()).year - 1


def inicio_presentacion(anio: int) -> dt.date:
    """First day the reports of year ``anio - 1`` may be filed (1 April, seed 003), from
    the deadlines module."""
    return plazos.inicio_ciclo(anio)


def error_ventana(fecha: dt.date | None = None) -> str | None:
    """A message when the filing window of the current year is not open yet."""
    fecha = fecha or hoy()
    inicio = inicio_presentacion(fecha.year)
    if fecha < inicio:
        return reglas.VentanaCerrada.mensaje(periodo=fecha.year - 1, inicio=f"{inicio:%d/%m/%Y}")
    return None
