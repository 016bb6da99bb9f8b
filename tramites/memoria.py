"""Per-process memory of data every user reads alike (issue 8), e.g. the días inhábiles or the
catalog of trámites: kept for the current local day while a version key in the shared cache
is unchanged. Saving or deleting a source row replaces the key (model signals), so every
process reads the database again on its next request; a change that sends no signal (a bulk
update, raw SQL) shows by the next day, or at once after :meth:`Memoria.invalidar`.

Within one request the version keys are read from the shared cache once, all together: a
page that asks several times (the catálogo's rules, each business-day calendar) pays one
round trip."""

from __future__ import annotations

import logging
import threading
import uuid

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

#: Every memory of this process, to reset them together (tests).
_todas: list[Memoria] = []

#: ``versiones``: version key -> token read during the current request of this thread
#: (``None`` outside a request: jobs and commands read the cache on every call).
_peticion = threading.local()


def _empezar_peticion(**kwargs) -> None:
    _peticion.versiones = {}


def _terminar_peticion(**kwargs) -> None:
    _peticion.versiones = None


request_started.connect(_empezar_peticion, dispatch_uid="tramites_memoria_empezar")
request_finished.connect(_terminar_peticion, dispatch_uid="tramites_memoria_terminar")


def _versiones_de_la_peticion() -> dict | None:
    return getattr(_peticion, "versiones", None)


class Memoria:
    def __init__(self, clave_version: str):
        self.clave_version = clave_version
        #: key -> (version token, local date, value)
        self._valores: dict = {}
        #: tokens this process set inside a transaction that may still roll back: what is
        #: read under them (possibly uncommitted rows) is never kept
        self._no_memorizar: set[str] = set()
        _todas.append(self)

    def version(self) -> str | None:
        """The current token (created when missing); ``None`` when the cache is down. Read
        once per request."""
        versiones = _versiones_de_la_peticion()
        if versiones is None:
            return self._leer_version()
        if self.clave_version not in versiones:
            # Every memory's key in one round trip: a page that reads one usually reads more.
            faltan = {m.clave_version for m in _todas} - versiones.keys()
            try:
                versiones.update(cache.get_many(sorted(faltan)))
            except Exception:  # cache down: each memory finds out on its own below
                pass
            if self.clave_version not in versiones:  # never set yet (or the cache is down)
                versiones[self.clave_version] = self._leer_version()
        return versiones[self.clave_version]

    def _leer_version(self) -> str | None:
        try:
            version = cache.get(self.clave_version)
            if version is None:
                cache.add(self.clave_version, uuid.uuid4().hex, None)
                version = cache.get(self.clave_version)
        except Exception:  # cache down: read the database every time (never fail a page)
            logger.warning("Caché no disponible para %s", self.clave_version)
            return None
        return version

    def obtener(self, clave, version: str | None):
        """The value kept for ``clave`` under ``version`` today, or ``None``."""
        guardado = self._valores.get(clave)
        if version is None or guardado is None:
            return None
        return guardado[2] if guardado[:2] == (version, timezone.localdate()) else None

    def guardar(self, clave, version: str | None, valor) -> None:
        """Keep ``valor`` (read after ``version`` was taken) unless that version may be of
        an uncommitted change."""
        if version is not None and version not in self._no_memorizar:
            self._valores[clave] = (version, timezone.localdate(), valor)

    def recordar(self, clave, calcular):
        """The value kept for ``clave`` today, else ``calcular()`` (read after the version is
        taken, and kept under it)."""
        version = self.version()
        valor = self.obtener(clave, version)
        if valor is None:
            valor = calcular()
            self.guardar(clave, version, valor)
        return valor

    def invalidar(self) -> None:
        """Forget this memory in every process. Inside a transaction the key is replaced now
        and again after the commit."""
        if transaction.get_connection().in_atomic_block:
            self._nueva_version(confirmada=False)
            transaction.on_commit(self._nueva_version)
        else:
            self._nueva_version()

    def _nueva_version(self, confirmada: bool = True) -> None:
        version = uuid.uuid4().hex
        if not confirmada:
            self._no_memorizar.add(version)
        self._valores.clear()
        versiones = _versiones_de_la_peticion()
        if versiones is not None:  # the rest of this request reads under the new token
            versiones[self.clave_version] = version
        try:
            cache.set(self.clave_version, version, None)
        except Exception:  # other processes notice by the next day at the latest
            logger.warning("No se pudo invalidar %s", self.clave_version)

    def olvidar(self) -> None:
        """Reset this process's memory and the shared version (tests)."""
        self._valores.clear()
        self._no_memorizar.clear()
        versiones = _versiones_de_la_peticion()
        if versiones is not None:
            versiones.pop(self.clave_version, None)
        try:
            cache.delete(self.clave_version)
        except Exception:
            logger.warning("Caché no disponible para %s", self.clave_version)


def olvidar_todas() -> None:
    """:meth:`Memoria.olvidar` of every memory (tests: each starts as a fresh process)."""
    for memoria in _todas:
        memoria.olvidar()
    _terminar_peticion()
