"""Registry of the procedures' wizards, keyed by the catálogo's ``Tramite.clave``.

Each procedure registers its ``Asistente`` with ``@registrar`` (re-exported by
``tramites.wizard``); the engine looks it up here, so it needs no import of the wizards.

A wizard may also declare whether a persona can start it today
(``Asistente.disponibilidad(persona, hoy)`` → :class:`Disponibilidad`): the catálogo shows
why not and from when, and no draft is created for a trámite that is not available.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tramites.models import Tramite
from tramites.reglas import TramiteError

_registro: dict[str, type] = {}

SIN_ASISTENTE = "Este trámite aún no está disponible en línea."


@dataclass(frozen=True)
class Disponibilidad:
    """Whether a persona can start a trámite now; if not, why (Spanish) and, when known,
    the date it opens for them (``abre_el``)."""

    disponible: bool
    motivo: str = ""
    abre_el: dt.date | None = None

    @property
    def abre_el_texto(self) -> str:
        return f"{self.abre_el:%d/%m/%Y}" if self.abre_el else ""

    @property
    def mensaje(self) -> str:
        """The motivo plus the opening date, as one sentence for a flash message."""
        if self.disponible:
            return ""
        partes = [self.motivo or "Este trámite no está disponible por ahora."]
        if self.abre_el:
            partes.append(f"Disponible a partir del {self.abre_el_texto}.")
        return " ".join(partes)


DISPONIBLE = Disponibilidad(True)


def registrar(cls: type) -> type:
    """Class decorator: make a wizard available for the trámites whose clave matches."""
    if not cls.clave:
        raise ValueError(f"{cls.__name__} has no clave")
    _registro[cls.clave] = cls
    return cls


def registrados() -> dict[str, type]:
    """Every registered wizard class by clave (a copy)."""
    return dict(_registro)


def tiene_asistente(tramite: Tramite) -> bool:
    return tramite.clave in _registro


def obtener_asistente(tramite: Tramite):
    """An instance of the wizard of ``tramite``; TramiteError when it has none."""
    try:
        return _registro[tramite.clave](tramite)
    except KeyError:
        raise TramiteError(
            f"El trámite {tramite.vucem_id} aún no está disponible en línea.", "sin_asistente"
        ) from None


def disponibilidad(tramite: Tramite, persona, hoy: dt.date | None = None) -> Disponibilidad:
    """Whether ``persona`` can start ``tramite`` (``hoy``: None = the trámite's own today,
    which may be a simulated date in demos)."""
    cls = _registro.get(tramite.clave)
    if cls is None:
        return Disponibilidad(False, SIN_ASISTENTE)
    return cls(tramite).disponibilidad(persona, hoy)
