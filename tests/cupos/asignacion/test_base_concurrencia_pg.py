"""The base of θ is fixed once even when many requests read it at the same moment (real
PostgreSQL): one snapshot, one audit record, the same θ for everyone, no error."""

from decimal import Decimal

import pytest

from cupos.asignacion import antecedentes
from cupos.models import BaseProporcional, ParticipacionAnterior
from tests.concurrencia import en_paralelo, solo_postgres
from tests.cupos.factories import anio_anterior_con_asignaciones, cupo_lacteos
from tramites.models import RegistroAuditoria

from .conftest import crear_persona

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HILOS = 12


def test_lecturas_simultaneas_congelan_una_sola_base():
    solo_postgres()
    cupo, subs = cupo_lacteos(2024)  # B's 2024 window has opened: the first read fixes it
    anio_anterior_con_asignaciones(
        cupo,
        [
            (crear_persona(f"EMP0101010{i}A", f"EMPRESA {i}"), Decimal(1000 * (i + 1)))
            for i in range(5)
        ],
    )
    b = subs["B"]
    resultados = en_paralelo([lambda: antecedentes.base_de(b) for _ in range(HILOS)])
    assert [estado for estado, _ in resultados] == ["ok"] * HILOS, resultados
    bases = [r for _, r in resultados]
    assert all(x.congelada for x in bases)
    assert len({(x.filas, x.congelada_en) for x in bases}) == 1
    assert BaseProporcional.objects.count() == 1
    assert ParticipacionAnterior.objects.count() == 5
    assert RegistroAuditoria.objects.filter(estado_nuevo="congelada").count() == 1
