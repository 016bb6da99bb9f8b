"""Rate limits that survive an outage of their shared store.

``excede_limite`` asks django-ratelimit (on the default cache: Redis in production, shared by
every gunicorn worker and container). When that cache fails (Redis down or slow), the request
is not answered with a 500: the limit is counted in this process's memory instead, which is
weaker (per process) but still a limit, and the outage is logged.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django_ratelimit.core import is_ratelimited

log = logging.getLogger(__name__)

_respaldo = LocMemCache("vucem-limites-respaldo", {"MAX_ENTRIES": 10000})
_UNIDADES = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parsear(rate: str) -> tuple[int, int]:
    cuenta, _, periodo = rate.partition("/")
    numero = "".join(c for c in periodo if c.isdigit()) or "1"
    unidad = (periodo.lstrip("0123456789") or "m")[0].lower()
    return int(cuenta), int(numero) * _UNIDADES.get(unidad, 60)


def _excede_en_memoria(grupo: str, clave: str, rate: str) -> bool:
    limite, segundos = _parsear(rate)
    ventana = int(time.time() // segundos)
    llave = f"{grupo}:{clave}:{ventana}"
    if _respaldo.add(llave, 1, segundos + 5):
        cuenta = 1
    else:
        try:
            cuenta = _respaldo.incr(llave)
        except ValueError:  # expired between add and incr
            _respaldo.set(llave, 1, segundos + 5)
            cuenta = 1
    return cuenta > limite


def excede_limite(request, *, grupo: str, rate: str) -> bool:
    """Count this request against ``rate`` for its IP in ``grupo``; True when over."""
    try:
        return is_ratelimited(request, group=grupo, key="ip", rate=rate, increment=True)
    except Exception:  # noqa: BLE001 - the shared store failed: degrade, never a 500
        log.warning(
            "El almacén compartido de límites (%s) falló; se limita en memoria del proceso",
            type(caches["default"]).__name__,
            exc_info=True,
        )
        return _excede_en_memoria(grupo, request.META.get("REMOTE_ADDR", ""), rate)
