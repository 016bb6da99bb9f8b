"""Reception windows (seed 004, lácteos 2024) computed from the business-day calendar."""

import datetime as dt

import pytest

from cupos.ventanas import (
    VentanaCerradaError,
    VentanaError,
    VentanaRecepcion,
    mensaje_cerrada,
    periodo_recepcion,
)
from tramites.calendario import Calendario, a_fecha
from tramites.models import Dependencia, DiaInhabil

D = dt.date

A = VentanaRecepcion(tipo="desde_primer_habil_hasta_fecha", mes_inicio=1, dia_fin=30, mes_fin=11)
B = VentanaRecepcion(tipo="dias_habiles_desde_primer_habil", mes=1, dias=15)
C = VentanaRecepcion(tipo="desde_primer_habil_hasta_ultimo_habil", mes_inicio=1, mes_fin=7)
V_D = VentanaRecepcion(tipo="dias_habiles_desde_primer_habil", mes=9, dias=15)


# The window of ``momento``'s own year, checked as the services compose it.
def esta_abierta(ventana, momento) -> bool:
    fecha = a_fecha(momento)
    inicio, fin = periodo_recepcion(ventana, fecha.year)
    return inicio <= fecha <= fin


def validar_recepcion(ventana, momento) -> tuple[dt.date, dt.date]:
    fecha = a_fecha(momento)
    inicio, fin = periodo_recepcion(ventana, fecha.year)
    if not inicio <= fecha <= fin:
        raise VentanaCerradaError(mensaje_cerrada(inicio, fin), inicio, fin)
    return inicio, fin


@pytest.fixture
def se(db):
    dep, _ = Dependencia.objects.get_or_create(
        clave="SE", defaults={"codigo": "02", "nombre": "Secretaría de Economía"}
    )
    return dep


@pytest.mark.parametrize(
    ("ventana", "inicio", "fin"),
    [
        (A, D(2024, 1, 2), D(2024, 11, 30)),
        (B, D(2024, 1, 2), D(2024, 1, 22)),
        (C, D(2024, 1, 2), D(2024, 7, 31)),
        (V_D, D(2024, 9, 2), D(2024, 9, 23)),  # 16 Sep is a holiday
    ],
)
def test_ventanas_lacteos_2024(se, ventana, inicio, fin):
    assert ventana.periodo(2024) == (inicio, fin)
    assert periodo_recepcion(ventana.to_dict(), 2024) == (inicio, fin)


def test_ventanas_lacteos_2025(se):
    # 2025: 1 Jan Wednesday → 2 Jan Thursday; 3 Feb is Constitución but outside the window.
    assert B.periodo(2025) == (D(2025, 1, 2), D(2025, 1, 22))
    assert C.periodo(2025) == (D(2025, 1, 2), D(2025, 7, 31))
    assert V_D.periodo(2025) == (D(2025, 9, 1), D(2025, 9, 22))


def test_dia_inhabil_recorre_la_ventana(se):
    DiaInhabil.objects.create(dependencia=se, fecha=D(2024, 1, 15), descripcion="Acuerdo DOF")
    assert B.periodo(2024) == (D(2024, 1, 2), D(2024, 1, 23))
    # Another dependencia's calendar is unaffected.
    assert B.periodo(2024, dependencia="SADER") == (D(2024, 1, 2), D(2024, 1, 22))


def test_periodo_con_calendario_compartido(se, django_assert_num_queries):
    cal = Calendario("SE", desde=D(2024, 1, 1), hasta=D(2024, 12, 31))
    with django_assert_num_queries(0):
        assert [v.periodo(2024, calendario=cal)[1] for v in (A, B, C, V_D)] == [
            D(2024, 11, 30),
            D(2024, 1, 22),
            D(2024, 7, 31),
            D(2024, 9, 23),
        ]


def test_entre_fechas_y_29_de_febrero(db):
    v = VentanaRecepcion(tipo="entre_fechas", dia_inicio=1, mes_inicio=2, dia_fin=29, mes_fin=2)
    assert v.periodo(2024) == (D(2024, 2, 1), D(2024, 2, 29))
    assert v.periodo(2025) == (D(2025, 2, 1), D(2025, 2, 28))


@pytest.mark.parametrize(
    ("momento", "abierta"),
    [
        (D(2024, 1, 1), False),
        (D(2024, 1, 2), True),
        (D(2024, 1, 22), True),
        (D(2024, 1, 23), False),
        # 22 Jan 23:30 in Mexico City is 23 Jan 05:30 UTC: still open.
        (dt.datetime(2024, 1, 23, 5, 30, tzinfo=dt.UTC), True),
        (dt.datetime(2024, 1, 23, 6, 30, tzinfo=dt.UTC), False),
    ],
)
def test_esta_abierta_b(se, momento, abierta):
    assert esta_abierta(B, momento) is abierta


def test_esta_abierta_a_sabado_30_noviembre(se):
    assert esta_abierta(A, D(2024, 11, 30))
    assert not esta_abierta(A, D(2024, 12, 2))


def test_mensaje_de_ventana_cerrada(se):
    with pytest.raises(VentanaCerradaError) as e:
        validar_recepcion(B, D(2024, 2, 1))
    assert e.value.mensaje == (
        "La recepción de solicitudes para este cupo está cerrada. "
        "Periodo: del 02/01/2024 al 22/01/2024."
    )
    assert (e.value.inicio, e.value.fin) == (D(2024, 1, 2), D(2024, 1, 22))
    assert validar_recepcion(V_D, D(2024, 9, 10)) == (D(2024, 9, 2), D(2024, 9, 23))
    assert mensaje_cerrada(D(2024, 9, 2), D(2024, 9, 23)).endswith("del 02/09/2024 al 23/09/2024.")


@pytest.mark.parametrize("ventana", [A, B, C, V_D])
def test_ida_y_vuelta_por_dict(ventana):
    datos = ventana.to_dict()
    assert datos["tipo"] == ventana.tipo
    assert None not in datos.values()
    assert VentanaRecepcion.from_dict(datos) == ventana


def test_to_dict_b():
    assert B.to_dict() == {"tipo": "dias_habiles_desde_primer_habil", "mes": 1, "dias": 15}


@pytest.mark.parametrize(
    ("ventana", "texto"),
    [
        (B, "Quince días hábiles contados a partir del primer día hábil de enero de cada año."),
        (
            V_D,
            "Quince días hábiles contados a partir del primer día hábil de septiembre de cada año.",
        ),
        (C, "Del primer día hábil de enero al último día hábil de julio de cada año."),
        (A, "A partir del primer día hábil de enero, hasta el 30 de noviembre de cada año."),
        (
            VentanaRecepcion(
                tipo="entre_fechas", dia_inicio=1, mes_inicio=3, dia_fin=15, mes_fin=4
            ),
            "Del 1 de marzo al 15 de abril de cada año.",
        ),
        (
            VentanaRecepcion(tipo="dias_habiles_desde_primer_habil", mes=1, dias=1),
            "Un día hábil contado a partir del primer día hábil de enero de cada año.",
        ),
    ],
)
def test_descripcion(ventana, texto):
    assert ventana.descripcion() == texto
    assert str(ventana) == texto


@pytest.mark.parametrize(
    ("datos", "codigo"),
    [
        ({"tipo": "cuando_sea"}, "tipo_desconocido"),
        ({"tipo": "dias_habiles_desde_primer_habil", "mes": 1}, "dato_requerido"),
        ({"tipo": "dias_habiles_desde_primer_habil", "mes": 13, "dias": 15}, "mes_invalido"),
        ({"tipo": "dias_habiles_desde_primer_habil", "mes": 1, "dias": 0}, "dias_invalidos"),
        ({"tipo": "dias_habiles_desde_primer_habil", "mes": 1, "dias": "15"}, "dato_requerido"),
        (
            {"tipo": "dias_habiles_desde_primer_habil", "mes": 1, "dias": 15, "mes_fin": 2},
            "campo_no_aplica",
        ),
        (
            {
                "tipo": "desde_primer_habil_hasta_fecha",
                "mes_inicio": 1,
                "dia_fin": 31,
                "mes_fin": 11,
            },
            "dia_invalido",
        ),
        (
            {"tipo": "desde_primer_habil_hasta_ultimo_habil", "mes_inicio": 7, "mes_fin": 1},
            "periodo_invertido",
        ),
        (
            {
                "tipo": "entre_fechas",
                "dia_inicio": 1,
                "mes_inicio": 1,
                "dia_fin": 2,
                "mes_fin": 1,
                "hora": 3,
            },
            "campo_desconocido",
        ),
        (["tipo"], "formato_invalido"),
    ],
)
def test_reglas_invalidas(datos, codigo):
    with pytest.raises(VentanaError) as e:
        VentanaRecepcion.from_dict(datos)
    assert e.value.codigo == codigo
    assert e.value.mensaje
