"""Benchmarks (``make bench``; pytest-benchmark).

In ``make test`` they run once each as plain tests (``--benchmark-disable`` in pyproject), so a
broken benchmark shows up in CI too. A module still being written skips its benchmark with the
reason; a module that exists but fails to import is an error.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import statistics
import time
from decimal import Decimal

import pytest

pytestmark = pytest.mark.bench


def mediana(fn, repeticiones: int = 15) -> float:
    """Median seconds of ``fn()`` (after one warm-up call), for the baselines."""
    fn()
    tiempos = []
    for _ in range(repeticiones):
        inicio = time.perf_counter()
        fn()
        tiempos.append(time.perf_counter() - inicio)
    return statistics.median(tiempos)


def razon(nombre: str, benchmark, fn, base, etiqueta_base: str) -> None:
    """Print the benchmark's median next to a baseline measured now, in this run (issue 8:
    a number alone says little on a shared machine; a ratio measured together does)."""
    medido = mediana(fn)
    referencia = mediana(base)
    print(
        f"\n[bench] {nombre}: {medido * 1000:.3f} ms; {etiqueta_base}: "
        f"{referencia * 1000:.3f} ms; razón {medido / referencia:.1f}x"
    )


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
    razon(
        "participación proporcional (semilla 004)",
        benchmark,
        lambda: mecanismos.participacion_proporcional(RHO_SEMILLA_004, FILAS_SEMILLA_004, 3),
        lambda: _proporcional_ingenuo(RHO_SEMILLA_004, FILAS_SEMILLA_004),
        "la fórmula sin redondeos ni límites",
    )


def _proporcional_ingenuo(rho, filas):
    """Baseline: θ = a/Σa and min(θ·ρ, consumo, solicitado), no rounding rules."""
    total = sum(a for _, a, _, _ in filas)
    return [min(rho * a / total, c, s) for _, a, c, s in filas]


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
    razon(
        "participación proporcional (1,000 empresas)",
        benchmark,
        lambda: mecanismos.participacion_proporcional(RHO_SEMILLA_004, filas, 3),
        lambda: _proporcional_ingenuo(RHO_SEMILLA_004, filas),
        "la fórmula sin redondeos ni límites",
    )


@pytest.mark.django_db
def test_dias_habiles_entre_un_anio(benchmark):
    calendario = _modulo("tramites.calendario")
    inicio, fin = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    # One short-lived Calendario per call, as a page that counts once would build.
    dias = benchmark(lambda: calendario.Calendario().dias_habiles_entre(inicio, fin))
    assert 240 <= dias <= 255
    razon(
        "días hábiles de un año",
        benchmark,
        lambda: calendario.Calendario().dias_habiles_entre(inicio, fin),
        lambda: sum(
            (inicio + dt.timedelta(days=i)).weekday() < 5 for i in range((fin - inicio).days)
        ),
        "contar lunes a viernes sin festivos",
    )


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

    from django.db.models import F

    from tramites.models import Contador

    def incrementar():
        with transaction.atomic():
            Contador.objects.filter(pk=Contador.objects.order_by("pk").first().pk).update(
                valor=F("valor") + 1
            )

    razon("nuevo folio", benchmark, generar, incrementar, "un UPDATE de un contador")


def medianas_alternadas(funciones: dict, repeticiones: int = 11) -> dict:
    """Median seconds of each function, measured in turns (one call of each per round, after
    two warm-up calls: the first render loads fonts), so a busy machine weighs on all alike."""
    for fn in funciones.values():
        fn()
        fn()
    tiempos = {nombre: [] for nombre in funciones}
    for _ in range(repeticiones):
        for nombre, fn in funciones.items():
            inicio = time.perf_counter()
            fn()
            tiempos[nombre].append(time.perf_counter() - inicio)
    return {nombre: statistics.median(t) for nombre, t in tiempos.items()}


def test_pdf_del_acuse(benchmark):
    """Issue 8: the acuse's PDF next to a minimal WeasyPrint page (a one-line HTML page with
    the default styles), same process: rendering alone (the acuse is drawn by ReportLab, QR
    included; target ≤ 3×) and with the PAdES seal."""
    import base64

    import weasyprint

    from acuses import pdf
    from acuses.models import Documento

    sello = base64.b64encode(bytes(range(256))).decode()
    folio = "0201200020220260101000001"
    doc = Documento(
        tipo="acuse",
        titulo="Acuse de recepción de trámite",
        folio=folio,
        cadena_original="|120202|123456789|EKU9003173C9|ESCUELA KEMPER URGATE SA DE CV|"
        "2026-03-02T10:45:00-0600 ABCD1234|2026|000001|1000.000||",
        sello_solicitante=sello,
        sello_ventanilla=sello,
        contexto={
            "tramite": {"vucem_id": 120202, "nombre": "Expedición de certificados de cupo"},
            "nombre": "ESCUELA KEMPER URGATE SA DE CV",
            "rfc": "EKU9003173C9",
            "folio": folio,
            "numero_temporal": "123456789",
            "fecha_recepcion": "2026-03-02T16:45:00+00:00",
            "numero_certificado": "30001000000500003416",
            "lineas": [{"etiqueta": "Monto a expedir", "valor": "1,000 kg"}],
        },
    )
    contenido = benchmark(pdf.renderizar_pdf, doc)
    assert contenido.startswith(b"%PDF")
    m = medianas_alternadas(
        {
            "minima": lambda: weasyprint.HTML(string="<p>Acuse</p>").write_pdf(),
            "render": lambda: pdf.componer_pdf(doc),
            "sellado": lambda: pdf.renderizar_pdf(doc),
        }
    )
    print(
        f"\n[bench] PDF del acuse: {m['render'] * 1000:.1f} ms (ReportLab, con su QR), "
        f"{m['sellado'] * 1000:.1f} ms con el sello PAdES; página mínima de WeasyPrint: "
        f"{m['minima'] * 1000:.1f} ms; razón {m['render'] / m['minima']:.1f}x sin sello, "
        f"{m['sellado'] / m['minima']:.1f}x con sello"
    )
