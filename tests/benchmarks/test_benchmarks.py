"""Benchmarks (``make bench``; pytest-benchmark).

In ``make test`` they run once each as plain tests (``--benchmark-disable`` in pyproject), so a
broken benchmark shows up in CI too. A module still being written skips its benchmark with the
reason; a module that exists but fails to import is an error.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from decimal import Decimal

import pytest

pytestmark = pytest.mark.bench


def _modulo(nombre: str):
    """Import ``nombre``; skip (with the reason) only when the module does not exist yet."""
    if importlib.util.find_spec(nombre) is None:
        pytest.skip(f"El módulo {nombre} todavía no existe")
    return importlib.import_module(nombre)


# Seed 004, beneficiaries B: ρ = 21,200 t (in kg) and the seed's four companies.
RHO_SEMILLA_004 = Decimal("21200000")
FILAS_SEMILLA_004 = [
    ("1", Decimal("18500000"), Decimal("60815559.00"), Decimal("30000000.00")),
    ("2", Decimal("1000000"), Decimal("202000.00"), Decimal("1000000.00")),
    ("3", Decimal("7000000"), Decimal("80783000.00"), Decimal("5000000.00")),
    ("4", Decimal("50000"), Decimal("18112000.00"), Decimal("10000000.00")),
]


def test_participacion_proporcional_semilla(benchmark):
    mecanismos = _modulo("cupos.mecanismos")
    resultado = benchmark(
        mecanismos.participacion_proporcional, RHO_SEMILLA_004, FILAS_SEMILLA_004, 3
    )
    assert [f.monto_asignado for f in resultado.filas] == [
        Decimal("14776400"),
        Decimal("202000"),
        Decimal("5000000"),
        Decimal("42400"),
    ]
    assert resultado.total_monto_asignado == Decimal("20020800")


def test_participacion_proporcional_mil_empresas(benchmark):
    """A large subcupo: 1,000 companies with uneven histories (the rounding loop matters)."""
    mecanismos = _modulo("cupos.mecanismos")
    filas = [
        (f"E{j:04d}", Decimal(1000 + (j * 7919) % 250_000), Decimal("1e9"), Decimal("1e9"))
        for j in range(1000)
    ]
    resultado = benchmark(mecanismos.participacion_proporcional, RHO_SEMILLA_004, filas, 3)
    assert resultado.total_monto_a_asignar <= RHO_SEMILLA_004
    assert resultado.total_monto_asignado <= RHO_SEMILLA_004


@pytest.mark.django_db
def test_dias_habiles_entre_un_anio(benchmark):
    calendario = _modulo("tramites.calendario")
    inicio, fin = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    dias = benchmark(calendario.dias_habiles_entre, inicio, fin)
    assert 240 <= dias <= 255


@pytest.mark.django_db(transaction=False)
def test_nuevo_folio(benchmark):
    """Folio generation: a counter row locked and incremented per call (DESIGN §3)."""
    from django.db import transaction

    from tramites.models import Dependencia, Instrumento, Tramite

    services = _modulo("tramites.services")
    dep, _ = Dependencia.objects.get_or_create(
        clave="SE", defaults={"codigo": "02", "nombre": "Secretaría de Economía"}
    )
    instrumento, _ = Instrumento.objects.get_or_create(
        dependencia=dep, slug="bench", defaults={"nombre": "Benchmarks"}
    )
    tramite, _ = Tramite.objects.get_or_create(
        vucem_id=150102,
        defaults={"instrumento": instrumento, "clave": "bench", "nombre": "Reporte anual (bench)"},
    )
    momento = dt.datetime(2024, 5, 2, 12, 0, tzinfo=dt.UTC)

    def generar():
        with transaction.atomic():
            return services.nuevo_folio(tramite, momento)

    folio = benchmark(generar)
    assert len(folio) == 25 and folio.isdigit()
    assert folio.startswith("02015001002" + "2024")
