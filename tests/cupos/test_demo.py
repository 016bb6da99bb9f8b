"""The demo data of cupos (``cupos.demo.cargar``)."""

import io

import pytest

from cupos import demo
from tramites.services import historial

pytestmark = pytest.mark.django_db


def test_asignaciones_de_demostracion_quedan_auditadas_una_vez():
    asignaciones = demo.cargar(stdout=io.StringIO())
    assert asignaciones
    demo.cargar(stdout=io.StringIO())  # idempotent: no second record
    for a in asignaciones:
        (alta,) = historial(a)
        assert (alta.estado_anterior, alta.estado_nuevo) == ("", "vigente")
        assert a.numero_oficio in alta.motivo
