"""Fixtures of the vucem tests; the role/login helpers are shared from tests.soporte.personas."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from tests.soporte.personas import *  # noqa: F401,F403

_n = itertools.count(1)


@pytest.fixture
def tramite(db):
    from tramites.models import Dependencia, Instrumento, Tramite

    dep, _ = Dependencia.objects.get_or_create(
        clave="SE", defaults={"codigo": "02", "nombre": "Secretaría de Economía"}
    )
    ins, _ = Instrumento.objects.get_or_create(
        dependencia=dep, slug="cupos", defaults={"nombre": "Cupos de Importación y Exportación"}
    )
    t, _ = Tramite.objects.get_or_create(
        vucem_id=120201,
        defaults={
            "instrumento": ins,
            "clave": "expedicion-directa",
            "nombre": "Expedición de certificados de cupo - Asignación directa PF",
        },
    )
    return t


@pytest.fixture
def crear_solicitud(tramite):
    """crear_solicitud(persona, user, estado="borrador", creada=..., vence=..., folio=...)"""
    from tramites.models import Solicitud

    def _crear(persona, capturada_por, estado="borrador", creada=None, vence="auto", folio=None):
        creada = creada or timezone.now()
        if vence == "auto":
            vence = creada + dt.timedelta(days=15) if estado == "borrador" else None
        n = next(_n)
        return Solicitud.objects.create(
            tramite=tramite,
            solicitante=persona,
            capturada_por=capturada_por,
            estado=estado,
            numero_temporal=f"{700000000 + n:09d}",
            folio=folio,
            creada=creada,
            vence=vence,
        )

    return _crear
