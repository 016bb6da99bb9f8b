"""Container healthcheck: ``python -m vucem.sonda`` exits 0 when ``/salud/`` answers 200.

It asks the local gunicorn (``SONDA_URL``, default http://127.0.0.1:8000/salud/) with a Host
header the site accepts (the first usable name of DJANGO_ALLOWED_HOSTS, so it works when that
lists only the real domain) and ``X-Forwarded-Proto: https`` (what the TLS proxy sends, so
the HTTPS redirect does not apply). Standard library only: it runs before Django is set up.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def host_aceptado(allowed_hosts: str) -> str:
    """A concrete host name out of DJANGO_ALLOWED_HOSTS (``.dominio`` -> ``dominio``; ``*``
    or nothing -> ``localhost``)."""
    for nombre in (h.strip() for h in allowed_hosts.split(",")):
        nombre = nombre.lstrip(".")
        if nombre and nombre != "*":
            return nombre
    return "localhost"


def sondear(url: str, host: str, timeout: float = 5.0) -> tuple[int, str]:
    peticion = urllib.request.Request(
        url, headers={"Host": host, "X-Forwarded-Proto": "https", "Accept": "text/plain"}
    )
    try:
        with urllib.request.urlopen(peticion, timeout=timeout) as respuesta:  # noqa: S310
            return respuesta.status, respuesta.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def main() -> int:
    url = os.environ.get("SONDA_URL", "http://127.0.0.1:8000/salud/")
    host = host_aceptado(os.environ.get("DJANGO_ALLOWED_HOSTS", ""))
    try:
        estado, texto = sondear(url, host)
    except OSError as exc:
        print(f"sonda: {url} no responde: {exc}", file=sys.stderr)
        return 1
    if estado != 200:
        print(f"sonda: {url} respondió {estado}:\n{texto}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
