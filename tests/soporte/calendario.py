"""Module-level shortcuts over :class:`tramites.calendario.Calendario` for the calendar tests:
each call builds a short-lived calendar (one query per calendar year it touches). Production
code builds one ``Calendario`` and calls its methods."""

import datetime as dt

from tramites.calendario import DEPENDENCIA_DEFAULT, Calendario


def es_dia_habil(fecha, dependencia=DEPENDENCIA_DEFAULT) -> bool:
    return Calendario(dependencia).es_dia_habil(fecha)


def motivo_inhabil(fecha, dependencia=DEPENDENCIA_DEFAULT) -> str | None:
    return Calendario(dependencia).motivo_inhabil(fecha)


def siguiente_dia_habil(fecha, dependencia=DEPENDENCIA_DEFAULT) -> dt.date:
    return Calendario(dependencia).siguiente_dia_habil(fecha)


def primer_dia_habil(year: int, month: int, dependencia=DEPENDENCIA_DEFAULT) -> dt.date:
    return Calendario(dependencia).primer_dia_habil(year, month)


def ultimo_dia_habil(year: int, month: int, dependencia=DEPENDENCIA_DEFAULT) -> dt.date:
    return Calendario(dependencia).ultimo_dia_habil(year, month)


def sumar_dias_habiles(fecha, n: int, dependencia=DEPENDENCIA_DEFAULT) -> dt.date:
    return Calendario(dependencia).sumar_dias_habiles(fecha, n)


def dias_habiles_entre(inicio, fin, dependencia=DEPENDENCIA_DEFAULT) -> int:
    return Calendario(dependencia).dias_habiles_entre(inicio, fin)


def n_dias_habiles_desde(inicio, n: int, dependencia=DEPENDENCIA_DEFAULT) -> dt.date:
    return Calendario(dependencia).n_dias_habiles_desde(inicio, n)


def vencimiento_plazo(recepcion, n: int, dependencia=DEPENDENCIA_DEFAULT) -> dt.date:
    return Calendario(dependencia).vencimiento_plazo(recepcion, n)
