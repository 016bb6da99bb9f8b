"""Business-day calendar (DESIGN §5): weekends + MX statutory holidays + días inhábiles."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.soporte import calendario
from tramites.calendario import Calendario, a_fecha
from tramites.models import Dependencia, DiaInhabil

D = dt.date


@pytest.fixture
def se(db):
    dep, _ = Dependencia.objects.get_or_create(
        clave="SE", defaults={"codigo": "02", "nombre": "Secretaría de Economía"}
    )
    return dep


@pytest.fixture
def semana_santa_2024(se):
    DiaInhabil.objects.create(dependencia=se, fecha=D(2024, 3, 28), descripcion="Jueves Santo")
    DiaInhabil.objects.create(dependencia=se, fecha=D(2024, 3, 29), descripcion="Viernes Santo")
    return se


@pytest.mark.parametrize(
    ("fecha", "habil"),
    [
        (D(2024, 1, 1), False),  # Año Nuevo
        (D(2024, 1, 2), True),
        (D(2024, 1, 6), False),  # Saturday
        (D(2024, 1, 7), False),  # Sunday
        (D(2024, 2, 5), False),  # first Monday of February (Constitución)
        (D(2025, 2, 3), False),  # first Monday of February 2025
        (D(2024, 2, 6), True),
        (D(2024, 3, 18), False),  # third Monday of March (Benito Juárez)
        (D(2024, 5, 1), False),
        (D(2024, 9, 16), False),
        (D(2024, 10, 1), False),  # transmisión del Poder Ejecutivo 2024
        (D(2024, 11, 18), False),  # third Monday of November
        (D(2024, 12, 25), False),
        (D(2024, 3, 28), True),  # Jueves Santo: hábil unless the SE declares it
    ],
)
def test_es_dia_habil(se, fecha, habil):
    assert calendario.es_dia_habil(fecha) is habil


@pytest.mark.parametrize(
    ("year", "month", "esperado"),
    [
        (2024, 1, D(2024, 1, 2)),
        (2024, 9, D(2024, 9, 2)),
        (2024, 6, D(2024, 6, 3)),  # 1 Jun 2024 is a Saturday
        (2025, 2, D(2025, 2, 4)),  # 1–2 weekend, 3 Constitución
    ],
)
def test_primer_dia_habil(se, year, month, esperado):
    assert calendario.primer_dia_habil(year, month) == esperado


@pytest.mark.parametrize(
    ("year", "month", "esperado"),
    [
        # Seed 003 RAOCE deadlines for 2024.
        (2024, 4, D(2024, 4, 30)),
        (2024, 5, D(2024, 5, 31)),
        (2024, 6, D(2024, 6, 28)),  # 29–30 Jun weekend
        (2024, 8, D(2024, 8, 30)),  # 31 Aug Saturday
        (2024, 7, D(2024, 7, 31)),  # C lácteos window closes
        (2024, 12, D(2024, 12, 31)),
        (2024, 11, D(2024, 11, 29)),  # 30 Nov Saturday
    ],
)
def test_ultimo_dia_habil(se, year, month, esperado):
    assert calendario.ultimo_dia_habil(year, month) == esperado


def test_ventana_b_lacteos_2024_cierra_22_enero(se):
    """Seed 004: "quince días hábiles contados a partir del primer día hábil de enero"."""
    inicio = calendario.primer_dia_habil(2024, 1)
    assert inicio == D(2024, 1, 2)  # 1 Jan is a holiday
    assert calendario.n_dias_habiles_desde(inicio, 15) == D(2024, 1, 22)
    # Starting on the holiday itself gives the same day 1.
    assert calendario.n_dias_habiles_desde(D(2024, 1, 1), 15) == D(2024, 1, 22)
    assert calendario.n_dias_habiles_desde(D(2024, 1, 2), 1) == D(2024, 1, 2)


def test_ventana_d_lacteos_2024_salta_16_septiembre(se):
    inicio = calendario.primer_dia_habil(2024, 9)
    assert calendario.n_dias_habiles_desde(inicio, 15) == D(2024, 9, 23)


@pytest.mark.parametrize(
    ("fecha", "n", "esperado"),
    [
        (D(2024, 1, 2), 0, D(2024, 1, 2)),
        (D(2024, 1, 1), 0, D(2024, 1, 2)),  # n=0 on an inhábil → next hábil
        (D(2024, 1, 5), 1, D(2024, 1, 8)),  # Friday + 1 → Monday
        (D(2024, 2, 2), 1, D(2024, 2, 6)),  # over weekend + Constitución
        (D(2024, 12, 30), 3, D(2025, 1, 3)),  # crosses the year and Año Nuevo
        (D(2024, 1, 6), 1, D(2024, 1, 8)),  # from a Saturday
    ],
)
def test_sumar_dias_habiles(se, fecha, n, esperado):
    assert calendario.sumar_dias_habiles(fecha, n) == esperado


def test_sumar_dias_habiles_negativo(se):
    with pytest.raises(ValueError):
        calendario.sumar_dias_habiles(D(2024, 1, 2), -1)


def test_siguiente_dia_habil_es_estricto(se):
    assert calendario.siguiente_dia_habil(D(2024, 1, 2)) == D(2024, 1, 3)
    assert calendario.siguiente_dia_habil(D(2023, 12, 29)) == D(2024, 1, 2)


@pytest.mark.parametrize(
    ("inicio", "fin", "esperado"),
    [
        (D(2024, 1, 2), D(2024, 1, 2), 0),
        (D(2024, 1, 5), D(2024, 1, 2), 0),
        (D(2024, 1, 2), D(2024, 1, 3), 1),
        (D(2024, 1, 5), D(2024, 1, 8), 1),  # Fri → Mon
        (D(2023, 12, 31), D(2024, 1, 22), 15),  # the B window
        (D(2024, 2, 2), D(2024, 2, 6), 1),
    ],
)
def test_dias_habiles_entre(se, inicio, fin, esperado):
    assert calendario.dias_habiles_entre(inicio, fin) == esperado


def test_dias_habiles_entre_datetimes_en_hora_de_mexico(se):
    utc = dt.UTC
    # 03/01/2024 05:00 UTC is 02/01/2024 23:00 in Mexico City.
    inicio = dt.datetime(2024, 1, 3, 5, 0, tzinfo=utc)
    fin = dt.datetime(2024, 1, 4, 12, 0, tzinfo=ZoneInfo("America/Mexico_City"))
    assert calendario.dias_habiles_entre(inicio, fin) == 2
    assert a_fecha(inicio) == D(2024, 1, 2)


def test_vencimiento_plazo_siete_dias(se):
    """Seed 004: "siete días hábiles, contados a partir del día hábil siguiente a la fecha de
    recepción"."""
    # Received Tue 2 Jan 2024 → day 1 is Wed 3 Jan → day 7 is Thu 11 Jan.
    assert calendario.vencimiento_plazo(D(2024, 1, 2), 7) == D(2024, 1, 11)
    # Received on a Saturday: day 1 is Monday.
    assert calendario.vencimiento_plazo(D(2024, 1, 6), 7) == D(2024, 1, 16)
    # An aware datetime late at night in Mexico City counts for that local day.
    recepcion = dt.datetime(2024, 1, 3, 5, 30, tzinfo=dt.UTC)  # 2 Jan 23:30 local
    assert calendario.vencimiento_plazo(recepcion, 7) == D(2024, 1, 11)


def test_dia_inhabil_recorre_el_plazo(semana_santa_2024):
    recepcion = D(2024, 3, 25)  # Monday of Semana Santa
    assert calendario.vencimiento_plazo(recepcion, 7) == D(2024, 4, 5)
    assert not calendario.es_dia_habil(D(2024, 3, 29))
    assert calendario.motivo_inhabil(D(2024, 3, 29)) == "Viernes Santo"
    assert calendario.ultimo_dia_habil(2024, 3) == D(2024, 3, 27)


def test_dia_inhabil_es_por_dependencia(semana_santa_2024):
    otra = Dependencia.objects.create(clave="SADER", codigo="08", nombre="Agricultura")
    assert calendario.es_dia_habil(D(2024, 3, 29), dependencia=otra)
    assert calendario.es_dia_habil(D(2024, 3, 29), dependencia="SADER")
    assert not calendario.es_dia_habil(D(2024, 3, 29), dependencia=semana_santa_2024)
    assert calendario.vencimiento_plazo(D(2024, 3, 25), 7, dependencia="SADER") == D(2024, 4, 3)


def test_dependencia_inexistente_solo_fines_de_semana_y_festivos(db):
    assert calendario.es_dia_habil(D(2024, 1, 2), dependencia="XX")
    assert not calendario.es_dia_habil(D(2024, 1, 1), dependencia="XX")


def test_motivo_inhabil(se):
    assert calendario.motivo_inhabil(D(2024, 1, 2)) is None
    assert calendario.motivo_inhabil(D(2024, 1, 6)) == "Sábado"
    assert calendario.motivo_inhabil(D(2024, 1, 1)) == "Año Nuevo"


def test_calendario_carga_el_rango_con_una_consulta(semana_santa_2024, django_assert_num_queries):
    with django_assert_num_queries(1):
        cal = Calendario("SE", desde=D(2024, 1, 1), hasta=D(2025, 6, 30))
    with django_assert_num_queries(0):
        assert cal.vencimiento_plazo(D(2024, 3, 25), 7) == D(2024, 4, 5)
        assert cal.dias_habiles_entre(D(2024, 1, 1), D(2025, 1, 1)) > 240
        assert cal.ultimo_dia_habil(2025, 5) == D(2025, 5, 30)


def test_calendario_sin_base_de_datos():
    cal = Calendario("SE", dias_inhabiles={D(2024, 3, 29): "Viernes Santo"})
    assert not cal.es_dia_habil(D(2024, 3, 29))
    assert cal.vencimiento_plazo(D(2024, 3, 25), 7) == D(2024, 4, 4)
    assert [d for d, _ in cal.dias_inhabiles(2024)][:2] == [D(2024, 1, 1), D(2024, 2, 5)]


# --- per-process memory of días inhábiles (issue 8) -----------------------------------------


def test_los_dias_inhabiles_se_recuerdan_y_un_cambio_se_nota_en_la_siguiente_lectura(
    se, django_assert_num_queries
):
    from tramites.calendario import olvidar_memoria

    olvidar_memoria()  # the fixture's Dependencia was saved in this (uncommitted) transaction
    with django_assert_num_queries(1):
        assert Calendario("SE").es_dia_habil(D(2024, 4, 1))
    with django_assert_num_queries(0):  # another page, same process and day: remembered
        assert Calendario("SE").es_dia_habil(D(2024, 4, 1))
    dia = DiaInhabil.objects.create(dependencia=se, fecha=D(2024, 4, 1), descripcion="Acuerdo")
    with django_assert_num_queries(1):
        assert Calendario("SE").motivo_inhabil(D(2024, 4, 1)) == "Acuerdo"
    dia.delete()
    assert Calendario("SE").es_dia_habil(D(2024, 4, 1))
    se.dias_inhabiles.create(fecha=D(2024, 4, 2), descripcion="Otro acuerdo")
    assert not Calendario(se).es_dia_habil(D(2024, 4, 2))


def test_lo_leido_en_una_transaccion_sin_confirmar_no_se_recuerda(
    se, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A change inside a transaction is read at once but not kept (it may roll back); once
    committed, the new version is remembered again."""
    from tramites.calendario import olvidar_memoria

    olvidar_memoria()
    with django_capture_on_commit_callbacks(execute=False):
        DiaInhabil.objects.create(dependencia=se, fecha=D(2024, 4, 1), descripcion="Acuerdo")
        for _ in range(2):
            with django_assert_num_queries(1):
                assert not Calendario("SE").es_dia_habil(D(2024, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        DiaInhabil.objects.filter(fecha=D(2024, 4, 1)).delete()  # bulk: no signal
        se.save()  # ... but the dependencia's does
    with django_assert_num_queries(1):
        assert Calendario("SE").es_dia_habil(D(2024, 4, 1))
    with django_assert_num_queries(0):
        assert Calendario("SE").es_dia_habil(D(2024, 4, 1))


def test_otro_proceso_o_otro_dia_vuelven_a_leer_los_dias_inhabiles(
    se, django_assert_num_queries, monkeypatch
):
    from django.core.cache import cache

    from tramites import calendario as modulo

    modulo.olvidar_memoria()
    Calendario("SE").es_dia_habil(D(2024, 4, 1))
    cache.set(modulo.CLAVE_VERSION, "cambiada-por-otro-proceso")
    with django_assert_num_queries(1):
        Calendario("SE").es_dia_habil(D(2024, 4, 1))
    manana = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(modulo.timezone, "localdate", lambda *a, **k: manana)
    with django_assert_num_queries(1):
        Calendario("SE").es_dia_habil(D(2024, 4, 1))


def test_sin_cache_el_calendario_lee_la_base_de_datos(se, django_assert_num_queries, monkeypatch):
    from tramites import memoria

    def caida(*a, **k):
        raise ConnectionError("Redis caído")

    monkeypatch.setattr(memoria.cache, "get", caida)
    monkeypatch.setattr(memoria.cache, "set", caida)
    DiaInhabil.objects.create(dependencia=se, fecha=D(2024, 4, 1), descripcion="Acuerdo")
    for _ in range(2):
        with django_assert_num_queries(1):
            assert not Calendario("SE").es_dia_habil(D(2024, 4, 1))
