"""Registry of the procedures' wizards, keyed by the catálogo's ``Tramite.clave``.

Each procedure registers its ``Asistente`` with ``@registrar`` (re-exported by
``tramites.wizard``); the engine looks it up here, so it needs no import of the wizards.
"""

from __future__ import annotations

from tramites.models import Tramite
from tramites.reglas import TramiteError

_registro: dict[str, type] = {}


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
