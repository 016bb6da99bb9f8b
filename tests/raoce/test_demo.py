"""The demo data of RAOCE (``raoce.demo.cargar``)."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from raoce import demo
from raoce.models import EstatusPrograma, Programa, TipoCambio
from raoce.reporte.programas import programas_a_reportar
from tests.soporte.personas import crear_persona
from tramites.services import historial

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas_demo(db):
    from firma.demo import PERSONAS_DEMO

    return {
        p["rfc"]: crear_persona(p["tipo"], rfc=p["rfc"], nombre=p["nombre"]) for p in PERSONAS_DEMO
    }


def test_programas_y_tipos_de_cambio(personas_demo):
    salida = io.StringIO()
    demo.cargar(salida)
    demo.cargar(io.StringIO())  # idempotent
    texto = salida.getvalue()
    assert "IMMEX 83-2019 INDUSTRIAL" in texto and "ligado a PROSEC 2019-8664" in texto
    assert "valores de demostración" in texto
    immex = Programa.objects.get(numero="83-2019")
    prosec = Programa.objects.get(numero="2019-8664")
    assert immex.persona.rfc == demo.LACTEOS and prosec in immex.ligados.all()
    assert immex in prosec.ligados.all()  # symmetrical
    assert set(
        Programa.objects.filter(persona__rfc=demo.EXPORTADORA).values_list("tipo", flat=True)
    ) == {"ALTEX", "ECEX"}
    assert list(
        Programa.objects.filter(persona__rfc=demo.AVENAS).values_list("tipo", flat=True)
    ) == ["PROSEC"]
    assert Programa.objects.count() == 5
    for p in Programa.objects.all():
        assert p.estatus == EstatusPrograma.VIGENTE
        (alta,) = historial(p)
        assert alta.estado_nuevo == EstatusPrograma.VIGENTE
    anio = timezone.localdate().year
    assert sorted(TipoCambio.objects.values_list("anio", flat=True)) == [
        anio - 3,
        anio - 2,
        anio - 1,
    ]
    if anio == 2026:
        assert TipoCambio.objects.get(anio=2023).pesos_por_dolar == Decimal("17.7617")
    # The wizard sees them.
    lacteos = personas_demo[demo.LACTEOS]
    assert programas_a_reportar(lacteos, anio - 1) == [immex, prosec]


def test_estatus_existente_se_conserva(personas_demo):
    demo.cargar(io.StringIO())
    Programa.objects.filter(numero="83-2019").update(estatus=EstatusPrograma.SUSPENDIDO)
    demo.cargar(io.StringIO())
    assert Programa.objects.get(numero="83-2019").estatus == EstatusPrograma.SUSPENDIDO
