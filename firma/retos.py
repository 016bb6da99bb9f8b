"""Challenges the browser signs: the login nonce and the cadena original of a draft.

A challenge (``reto``) is issued by the server, kept in the user's session under a purpose
(``"ingreso"`` or ``"solicitud:<pk>"``, so it is bound to the session and the draft), expires
after ``FIEL_RETO_VIGENCIA`` seconds and is consumed by the first POST that presents a signature
(single use). A signature presented twice is refused as reused (``firma_reutilizada``), also
from another session: its SHA-256 is remembered in the cache for the challenge's lifetime.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .errores import FielError

SESSION_RETOS = "firma_retos"


@dataclass(frozen=True)
class Reto:
    proposito: str
    cadena: str
    emitido: float
    datos: dict

    @property
    def cadena_b64(self) -> str:
        """The exact bytes to sign (UTF-8 of ``cadena``), base64, for the page's script."""
        return base64.b64encode(self.cadena.encode("utf-8")).decode("ascii")


def vigencia() -> int:
    return int(getattr(settings, "FIEL_RETO_VIGENCIA", 900))


def nuevo_nonce() -> str:
    """A random login challenge (not secret)."""
    return f"VENTANILLA-INGRESO|{secrets.token_urlsafe(32)}|{int(time.time())}"


def emitir(session, proposito: str, cadena: str, datos: dict | None = None) -> Reto:
    """Issue (and remember in ``session``) the challenge for ``proposito``; replaces any
    previous one for the same purpose."""
    reto = Reto(proposito, cadena, time.time(), dict(datos or {}))
    retos = dict(session.get(SESSION_RETOS) or {})
    retos[proposito] = {"cadena": cadena, "emitido": reto.emitido, "datos": reto.datos}
    session[SESSION_RETOS] = retos
    return reto


def pendiente(session, proposito: str) -> Reto | None:
    guardado = (session.get(SESSION_RETOS) or {}).get(proposito)
    if not guardado:
        return None
    return Reto(proposito, guardado["cadena"], guardado["emitido"], guardado.get("datos") or {})


def _clave_uso(firma_b64: str) -> str:
    compacta = "".join((firma_b64 or "").split())
    return "firma:usada:" + hashlib.sha256(compacta.encode("ascii", "replace")).hexdigest()


def consumir(session, proposito: str, firma_b64: str) -> Reto:
    """Take the pending challenge for ``proposito`` out of the session (single use).

    Raises :class:`FielError`: ``firma_reutilizada`` when this signature was presented
    before, ``reto_caducado`` when there is no pending challenge or it expired.
    """
    retos = dict(session.get(SESSION_RETOS) or {})
    guardado = retos.pop(proposito, None)
    session[SESSION_RETOS] = retos
    if not cache.add(_clave_uso(firma_b64), 1, timeout=vigencia() * 2):
        raise FielError("firma_reutilizada")
    if not guardado or time.time() - float(guardado["emitido"]) > vigencia():
        raise FielError("reto_caducado")
    return Reto(proposito, guardado["cadena"], guardado["emitido"], guardado.get("datos") or {})
