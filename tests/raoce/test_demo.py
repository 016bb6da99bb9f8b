"""The demo data of RAOCE (``raoce.demo.cargar``)."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from raoce import demo
from raoce.models import EstatusPrograma, Programa, TipoCambio
from raoce.reporte.programas import programas_a_reportar
from tests.soporte.personas import crear_persona
from tramites.services import historial

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quince_de_abril(settings):
    """Load the demo on 15 April (RAOCE_FECHA_SIMULADA): the cycle is open and no deadline
    has passed, whatever the real date (the demo now applies the daily job on load)."""
    settings.RAOCE_FECHA_SIMULADA = dt.date(timezone.localdate().year, 4, 15)


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


# -- issue 9 item 8: the demo is consistent with the (simulated) date ---------------------


def _cargar_demo(tmp_path) -> str:
    from django.core.management import call_command

    salida = io.StringIO()
    call_command("cargar_demo", "--fiel-dir", str(tmp_path / "fiel"), stdout=salida)
    return salida.getvalue()


def _nada_en_el_futuro(hoy: dt.date, texto: str) -> None:
    """No program holds an automatic suspension/cancellation dated after ``hoy``, and the
    printed states cite no such date."""
    for p in Programa.objects.all():
        cambio = demo.cambio_automatico(p)
        assert cambio is None or cambio[1] <= hoy, (p, cambio)
    for fecha in re.findall(r"desde el (\d\d/\d\d/\d{4})", texto):
        assert dt.datetime.strptime(fecha, "%d/%m/%Y").date() <= hoy, fecha


def test_demo_en_diciembre_queda_como_lo_deja_el_trabajo(db, tmp_path, settings):
    """A real date past the cycle (5 December): the demo programs are cancelled on their
    own dates, as the daily job does; running the job again changes nothing, and the
    catálogo says why the report cannot be filed."""
    from raoce import trabajos
    from raoce.reporte.disponibilidad import reporte_anual

    hoy = settings.RAOCE_FECHA_SIMULADA = dt.date(2026, 12, 5)
    texto = _cargar_demo(tmp_path)
    immex = Programa.objects.get(numero="83-2019")
    assert immex.estatus == EstatusPrograma.CANCELADO
    assert "IMMEX 83-2019 INDUSTRIAL · Cancelado desde el 01/09/2026" in texto
    assert "RAOCE_FECHA_SIMULADA=2026-05-15 make run" in texto
    _nada_en_el_futuro(hoy, texto)
    assert trabajos.aplicar_plazos(hoy) == {
        "anio": 2026,
        "periodo": 2025,
        "suspendidos": [],
        "cancelados": [],
    }
    assert not reporte_anual(immex.persona, hoy).disponible


def test_demo_con_fecha_simulada_permite_presentar_immex_prosec(
    client, tmp_path, settings, fiel, django_capture_on_commit_callbacks
):
    """The newcomer's path: a database first loaded on a real date after the cycle, then
    ``RAOCE_FECHA_SIMULADA=2026-05-15 make run``: the IMMEX + linked PROSEC of LACTEOS are
    vigentes, nothing is dated after 15/05/2026, the daily job leaves them so, and the
    guide's main case is filed end to end (folio, both programs covered)."""
    from django.urls import reverse

    from raoce import trabajos
    from raoce.models import ReporteAnual
    from tests.soporte.personas import entrar_como_solicitante
    from tramites.models import Solicitud
    from vucem.models import User

    settings.RAOCE_FECHA_SIMULADA = dt.date(2026, 12, 5)
    _cargar_demo(tmp_path)
    assert Programa.objects.get(numero="83-2019").estatus == EstatusPrograma.CANCELADO

    hoy = settings.RAOCE_FECHA_SIMULADA = dt.date(2026, 5, 15)
    texto = _cargar_demo(tmp_path)
    trabajos.aplicar_plazos()  # the beat job, on the simulated date
    immex = Programa.objects.get(numero="83-2019")
    prosec = Programa.objects.get(numero="2019-8664")
    assert immex.estatus == prosec.estatus == EstatusPrograma.VIGENTE
    assert "Cancelado" not in texto
    assert "IMMEX 83-2019 vuelve a vigente" in texto
    assert "RAOCE 2025: fecha límite 29/05/2026" in texto
    assert f"RAOCE 2025: {demo.LACTEOS} puede presentarlo hoy." in texto
    _nada_en_el_futuro(hoy, texto)
    ultimo = historial(immex).order_by("-fecha", "-pk").first()
    assert ultimo.estado_nuevo == EstatusPrograma.VIGENTE
    assert "estatus acorde con la fecha 15/05/2026" in ultimo.motivo
    # the AVENAS PROSEC alone was due 30 April: suspended on 1 May, as the job does
    assert Programa.objects.get(numero="2018-1234").estatus == EstatusPrograma.SUSPENDIDO

    # the guide's main case through the wizard, as the demo user of LACTEOS
    user = User.objects.get(username=demo.LACTEOS)
    entrar_como_solicitante(client, user)
    catalogo = client.get(reverse("tramites:dependencia", args=["SE"])).content.decode()
    inicio = reverse("tramites:iniciar", args=[150102])
    assert inicio in catalogo
    assert client.post(inicio).status_code == 302
    s = Solicitud.objects.get(solicitante=user.persona)
    paso = lambda slug: reverse("tramites:paso", args=[s.numero_temporal, slug])  # noqa: E731
    t = client.get(paso("programas")).content.decode()
    assert 'data-tipo="IMMEX-PROSEC"' in t and 'data-folio="83-2019,2019-8664"' in t
    assert client.post(paso("programas"), {"grupo": str(immex.pk)}).status_code == 302
    r = client.post(
        paso("datos"),
        {"accion": "continuar", "ventas_totales": "12,500.5", "total_exportaciones": "10000"},
    )
    firmar = reverse("tramites:firmar", args=[s.numero_temporal])
    assert r.status_code == 302 and r.url == firmar
    assert 'id="form-firma"' in client.get(firmar).content.decode()
    from tests.firmas import firmar_en

    with django_capture_on_commit_callbacks(execute=True):
        r = firmar_en(client, firmar, fiel(user.persona))
    assert r.status_code == 302, r.content.decode()[:2000]
    s.refresh_from_db()
    assert s.folio and len(s.folio) == 25
    reporte = ReporteAnual.objects.get(solicitud=s)
    assert reporte.periodo == 2025 and set(reporte.programas.all()) == {immex, prosec}
    # the job at the simulated date still leaves them vigentes
    trabajos.aplicar_plazos()
    immex.refresh_from_db()
    prosec.refresh_from_db()
    assert immex.estatus == prosec.estatus == EstatusPrograma.VIGENTE
