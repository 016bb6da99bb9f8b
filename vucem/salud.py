"""Health endpoint (django-health-check): ``GET /salud/`` answers 200 when every check passes
and 500 otherwise; ``?format=json`` or ``Accept: application/json`` for machines.

Checks: the database, the cache (Redis in production: rate limits), the Celery broker, the
file storage (PDFs), the Ventanilla's seal (certificate and key present) and the FIEL trust
store (at least one CA). The compose healthcheck (``python -m vucem.sonda``) calls it.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from firma.confianza import almacen_confianza
from vucem.celery import app


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (one quick attempt, no retries)."""

    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=3), repr=False
    )

    def run(self):
        if app.conf.task_always_eager:
            return  # tasks run in-process: there is no broker to reach
        try:
            with app.connection_for_write() as conexion:
                conexion.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as exc:  # noqa: BLE001 - any failure means "broker unavailable"
            raise ServiceUnavailable(f"Broker no disponible: {type(exc).__name__}") from exc


@dataclasses.dataclass
class SelloVentanilla(HealthCheck):
    """The certificate and private key of the "sello digital de la Ventanilla" exist."""

    def run(self):
        for nombre in ("VENTANILLA_SELLO_CER", "VENTANILLA_SELLO_KEY"):
            ruta = Path(getattr(settings, nombre, "") or "")
            if not ruta.is_file():
                raise ServiceUnavailable(f"{nombre} no apunta a un archivo existente")


@dataclasses.dataclass
class AlmacenConfianza(HealthCheck):
    """The FIEL trust store (the shipped SAT CAs, plus FIEL_CA_DIR) holds a CA certificate."""

    def run(self):
        if not almacen_confianza():
            raise ServiceUnavailable(
                "El almacén de confianza de la e.firma no tiene certificados de AC"
            )


CHECKS = (
    "health_check.checks.Database",
    "health_check.checks.Cache",
    Broker,
    "health_check.checks.Storage",
    SelloVentanilla,
    AlmacenConfianza,
)


class VistaSalud(HealthCheckView):
    """django-health-check's view, answering 503 (not 500) when a check fails: the site is
    up but cannot serve, and a 500 means a bug everywhere else in the portal."""

    async def get(self, request, *args, **kwargs):
        respuesta = await super().get(request, *args, **kwargs)
        if respuesta.status_code == 500:
            respuesta.status_code = 503
        return respuesta


vista = VistaSalud.as_view(checks=CHECKS)
