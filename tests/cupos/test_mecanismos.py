"""Allocation mechanisms (DESIGN §4), table-driven with the seeds' numbers."""

import datetime as dt
from decimal import Decimal as D

import pytest

from cupos.mecanismos import (
    MAXIMO_LICONSA,
    FilaProporcional,
    MecanismoError,
    SolicitudPrimeroEnTiempo,
    bolsa_residual,
    consumo_auditado,
    cumple_ejercicio_minimo,
    monto_fijo,
    participacion_proporcional,
    primero_en_tiempo,
)

# -- seed 004, table of subcupo B ------------------------------------------------------------

RHO_B = D("21200000")
SEMILLA_004 = [
    # empresa, asignado año anterior, consumo auditado, solicitado
    ("1", D("18500000.00"), D("60815559.00"), D("30000000.00")),
    ("2", D("1000000.00"), D("202000.00"), D("1000000.00")),
    ("3", D("7000000.00"), D("80783000.00"), D("5000000.00")),
    ("4", D("50000.00"), D("18112000.00"), D("10000000.00")),
]
ESPERADO_004 = [
    # θ, monto a asignar, monto asignado, limitado por
    (D("0.697"), D("14776400"), D("14776400"), "monto_a_asignar"),
    (D("0.038"), D("805600"), D("202000"), "consumo_auditado"),
    (D("0.263"), D("5575600"), D("5000000"), "monto_solicitado"),
    (D("0.002"), D("42400"), D("42400"), "monto_a_asignar"),
]


def test_proporcional_reproduce_la_semilla_004():
    r = participacion_proporcional(RHO_B, SEMILLA_004, precision=3)
    assert len(r.filas) == 4
    for fila, (theta, a_asignar, asignado, por) in zip(r.filas, ESPERADO_004, strict=True):
        assert fila.theta == theta
        assert str(fila.theta) == str(theta)  # exactly three decimals
        assert fila.monto_a_asignar == a_asignar
        assert fila.monto_asignado == asignado
        assert fila.limitado_por == por
    assert r.total_asignado_anio_anterior == D("26550000")
    assert r.total_theta == D("1.000")
    assert r.total_monto_a_asignar == RHO_B
    assert r.total_monto_asignado == D("20020800")
    assert r.no_asignado == D("1179200")


def test_proporcional_semilla_004_ajusta_la_tercera_theta():
    """7,000,000 / 26,550,000 = 0.26365… rounds half-up to 0.264 and Σθ would be 1.001; the row
    with the largest rounding-up error (row 3) gives back 0.001, as in the seed."""
    r = participacion_proporcional(RHO_B, SEMILLA_004)
    assert [f.theta_ajustada for f in r.filas] == [False, False, True, False]
    assert r.filas[2].theta_exacta > D("0.2635")


def test_proporcional_precision_2_da_la_primera_tabla_de_la_semilla():
    r = participacion_proporcional(RHO_B, SEMILLA_004, precision=2)
    assert [f.theta for f in r.filas] == [D("0.70"), D("0.04"), D("0.26"), D("0.00")]
    assert r.total_theta == D("1.00")


def test_proporcional_montos_con_la_precision_de_la_unidad():
    """ρ with decimals: θ·ρ has 4 decimals (0.697 × 21,200,000.5 = 14,776,400.3485); the
    montos are rounded DOWN to the unit's 3 decimals, so the total never exceeds ρ."""
    rho = D("21200000.5")
    r = participacion_proporcional(rho, SEMILLA_004)
    assert r.precision_monto == 3
    assert [f.monto_a_asignar for f in r.filas] == [
        D("14776400.348"),
        D("805600.019"),
        D("5575600.131"),
        D("42400.001"),
    ]
    assert [f.monto_asignado for f in r.filas] == [
        D("14776400.348"),
        D("202000"),
        D("5000000"),
        D("42400.001"),
    ]
    for f in r.filas:
        assert f.monto_a_asignar.as_tuple().exponent >= -3
        assert f.monto_asignado.as_tuple().exponent >= -3
    assert r.total_monto_asignado == D("20020800.349")  # not 20,020,800.3495
    assert r.total_monto_a_asignar <= rho and r.total_monto_asignado <= rho
    assert r.no_asignado == rho - r.total_monto_asignado


def test_proporcional_montos_en_piezas_y_entradas_con_mas_decimales():
    filas = [("A", "1", "333.3339", "1000"), ("B", "2", "1000", "1000")]
    r = participacion_proporcional(D("1000"), filas, precision=3, precision_monto=0)
    # θ = 0.333 / 0.667: 333 / 667 pieces; the consumo's extra decimals are truncated too.
    assert [f.monto_a_asignar for f in r.filas] == [D("333"), D("667")]
    assert [f.monto_asignado for f in r.filas] == [D("333"), D("667")]
    r = participacion_proporcional(D("1000"), filas)  # kilograms
    assert r.filas[0].monto_asignado == D("333")
    assert r.filas[0].limitado_por == "monto_a_asignar"
    filas = [("A", "1", "100.0009", "1000"), ("B", "1", "1000", "1000")]
    r = participacion_proporcional(D("1000"), filas)
    assert r.filas[0].monto_asignado == D("100")  # 100.0009 kg → 100.000 kg
    assert r.filas[0].limitado_por == "consumo_auditado"


@pytest.mark.parametrize("precision_monto", [-1, 13, True, "3"])
def test_proporcional_precision_monto_invalida(precision_monto):
    with pytest.raises(MecanismoError) as e:
        participacion_proporcional(D("1"), SEMILLA_004, precision_monto=precision_monto)
    assert e.value.codigo == "precision_invalida"


@pytest.mark.parametrize(
    ("anteriores", "precision", "thetas", "ajustadas"),
    [
        # 0.15, 0.15, 0.70 → 0.2 + 0.2 + 0.7 = 1.1; equal errors → the first row gives back.
        (["15", "15", "70"], 1, ["0.1", "0.2", "0.7"], [True, False, False]),
        # 1/2 each at precision 0 → 1 + 1; tie → first row goes to 0.
        (["1", "1"], 0, ["0", "1"], [True, False]),
        # 0.125 ×2, 0.75 at precision 2 → 0.13 + 0.13 + 0.75 = 1.01.
        (["125", "125", "750"], 2, ["0.12", "0.13", "0.75"], [True, False, False]),
        # 0.0050 + 0.0050 + 0.99 at precision 2 → 0.01 + 0.01 + 0.99 = 1.01.
        (["5", "5", "990"], 2, ["0.00", "0.01", "0.99"], [True, False, False]),
        # Thirds round down: Σθ = 0.9 < 1, nothing to adjust and nothing added.
        (["1", "1", "1"], 1, ["0.3", "0.3", "0.3"], [False, False, False]),
        # 0.3448 → 0.34 and 0.6552 → 0.66: Σθ = 1.00, no adjustment.
        (["3448", "6552"], 2, ["0.34", "0.66"], [False, False]),
    ],
)
def test_proporcional_nunca_excede_rho(anteriores, precision, thetas, ajustadas):
    rho = D("1000")
    filas = [(f"E{i}", a, "1000000", "1000000") for i, a in enumerate(anteriores)]
    r = participacion_proporcional(rho, filas, precision=precision)
    assert [f.theta for f in r.filas] == [D(t) for t in thetas]
    assert [f.theta_ajustada for f in r.filas] == ajustadas
    assert r.total_theta <= 1
    assert r.total_monto_a_asignar <= rho
    assert r.total_monto_asignado <= rho


def test_proporcional_ajuste_elige_el_mayor_error_no_el_primero():
    # 0.2350 → 0.24 (+0.0050), 0.2360 → 0.24 (+0.0040), 0.5290 → 0.53 (+0.0010): Σ = 1.01.
    filas = [("A", "2360", "1e9", "1e9"), ("B", "2350", "1e9", "1e9"), ("C", "5290", "1e9", "1e9")]
    r = participacion_proporcional(D("10000"), filas, precision=2)
    assert [f.theta for f in r.filas] == [D("0.24"), D("0.23"), D("0.53")]
    assert r.total_monto_a_asignar == D("10000")


def test_proporcional_acepta_dataclasses_y_diccionarios():
    filas = [
        FilaProporcional("X", D("3"), D("100"), D("100")),
        {
            "empresa": "Y",
            "asignado_anio_anterior": "1",
            "consumo_auditado": "100",
            "monto_solicitado": "100",
        },
    ]
    r = participacion_proporcional(D("100"), filas, precision=2)
    assert [f.monto_asignado for f in r.filas] == [D("75"), D("25")]


@pytest.mark.parametrize(
    ("rho", "filas", "codigo"),
    [
        (D("100"), [("A", "0", "1", "1"), ("B", "0", "1", "1")], "sin_antecedentes"),
        (D("100"), [], "sin_filas"),
        (D("-1"), [("A", "1", "1", "1")], "monto_negativo"),
        (D("100"), [("A", "-5", "1", "1")], "monto_negativo"),
        (D("100"), [("A", "1", "uno", "1")], "numero_invalido"),
        (D("100"), [("A", 1.5, "1", "1")], "tipo_invalido"),
        (D("100"), [("", "1", "1", "1")], "dato_requerido"),
    ],
)
def test_proporcional_errores(rho, filas, codigo):
    with pytest.raises(MecanismoError) as e:
        participacion_proporcional(rho, filas)
    assert e.value.codigo == codigo
    assert e.value.mensaje


def test_proporcional_error_dice_la_empresa():
    with pytest.raises(MecanismoError, match="ACME: El campo «consumo auditado» no puede ser"):
        participacion_proporcional(D("1"), [("ACME", "1", "-1", "1")])


def test_proporcional_precision_invalida():
    with pytest.raises(MecanismoError) as e:
        participacion_proporcional(D("1"), SEMILLA_004, precision=-1)
    assert e.value.codigo == "precision_invalida"


# -- seed 002, avena: consumo auditado -------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "asignado", "limitado_por", "aplica"),
    [
        # General rule: min(solicitado, consumo auditado de 12 meses).
        (
            {"solicitado": "5000000", "consumo_auditado_12m": "8000000"},
            "5000000",
            "monto_solicitado",
            False,
        ),
        (
            {"solicitado": "9000000", "consumo_auditado_12m": "8000000"},
            "8000000",
            "consumo_auditado",
            False,
        ),
        # +25 % capacity applied to the consumption presented last time: 6,000,000 × 1.25.
        (
            {
                "solicitado": "9000000",
                "consumo_auditado_12m": "8000000",
                "capacidad_anterior": "400",
                "capacidad_actual": "500",
                "consumo_asignacion_anterior": "6000000",
            },
            "7500000",
            "incremento_capacidad",
            True,
        ),
        # ... and the request still caps it.
        (
            {
                "solicitado": "7000000",
                "consumo_auditado_12m": "8000000",
                "capacidad_anterior": "400",
                "capacidad_actual": "500",
                "consumo_asignacion_anterior": "6000000",
            },
            "7000000",
            "monto_solicitado",
            True,
        ),
        # No increase (same or lower capacity): the general rule applies.
        (
            {
                "solicitado": "9000000",
                "consumo_auditado_12m": "8000000",
                "capacidad_anterior": "500",
                "capacidad_actual": "500",
                "consumo_asignacion_anterior": "6000000",
            },
            "8000000",
            "consumo_auditado",
            False,
        ),
        # Non-terminating ratio rounds down to whole kilograms: 1,000,000 × 4/3.
        (
            {
                "solicitado": "9000000",
                "consumo_auditado_12m": "1",
                "capacidad_anterior": "3",
                "capacidad_actual": "4",
                "consumo_asignacion_anterior": "1000000",
            },
            "1333333",
            "incremento_capacidad",
            True,
        ),
    ],
)
def test_consumo_auditado(kwargs, asignado, limitado_por, aplica):
    solicitado = kwargs.pop("solicitado")
    consumo = kwargs.pop("consumo_auditado_12m")
    r = consumo_auditado(solicitado, consumo, **kwargs)
    assert r.asignado == D(asignado)
    assert r.limitado_por == limitado_por
    assert r.aplica_incremento is aplica


def test_consumo_auditado_incremento_porcentual():
    r = consumo_auditado(
        D("1"),
        D("1"),
        capacidad_anterior=D("400"),
        capacidad_actual=D("500"),
        consumo_asignacion_anterior=D("6000000"),
    )
    assert r.incremento_capacidad == D("0.25")
    assert r.limite_por_capacidad == r.limite == D("7500000")


@pytest.mark.parametrize(
    ("kwargs", "codigo"),
    [
        ({"capacidad_anterior": D("1")}, "datos_incompletos"),
        (
            {
                "capacidad_anterior": D("0"),
                "capacidad_actual": D("1"),
                "consumo_asignacion_anterior": D("1"),
            },
            "capacidad_anterior_cero",
        ),
        (
            {
                "capacidad_anterior": D("1"),
                "capacidad_actual": D("-2"),
                "consumo_asignacion_anterior": D("1"),
            },
            "monto_negativo",
        ),
    ],
)
def test_consumo_auditado_errores(kwargs, codigo):
    with pytest.raises(MecanismoError) as e:
        consumo_auditado(D("1"), D("1"), **kwargs)
    assert e.value.codigo == codigo


def test_consumo_auditado_monto_negativo():
    with pytest.raises(MecanismoError, match="no puede ser negativo"):
        consumo_auditado(D("-1"), D("1"))


# -- seed 004, C and D: primero en tiempo ----------------------------------------------------

T0 = dt.datetime(2024, 1, 2, 9, 0, tzinfo=dt.UTC)


def _s(folio, minutos, solicitado, documento=None, beneficiario=None):
    return SolicitudPrimeroEnTiempo(
        folio=folio,
        recibida=T0 + dt.timedelta(minutes=minutos),
        monto_solicitado=D(solicitado),
        monto_documento=None if documento is None else D(documento),
        beneficiario=beneficiario,
    )


def test_primero_en_tiempo_orden_saldo_y_maximo():
    solicitudes = [
        _s("0003", 30, "2000000", "2000000"),  # third: capped by saldo
        _s("0001", 0, "2000000", "1800000"),  # first: capped by 1,400 t
        _s("0002", 10, "900000", "700000"),  # second: capped by factura
        _s("0004", 40, "100"),  # fourth: nothing left
    ]
    r = primero_en_tiempo(solicitudes, D("3000000"))
    filas = [(a.folio, a.orden, a.monto_asignado, a.limitado_por) for a in r.asignaciones]
    assert filas == [
        ("0001", 1, D("1400000"), "maximo"),
        ("0002", 2, D("700000"), "monto_documento"),
        ("0003", 3, D("900000"), "saldo"),
        ("0004", 4, D("0"), "saldo"),
    ]
    assert r.total_asignado == D("3000000")
    assert r.saldo_final == D("0")
    assert r.asignaciones[2].saldo_antes == D("900000")
    assert r.asignaciones[2].saldo_despues == D("0")


def test_primero_en_tiempo_empate_por_folio():
    solicitudes = [_s("0200", 0, "600"), _s("0100", 0, "600")]
    r = primero_en_tiempo(solicitudes, D("1000"))
    assert [(a.folio, a.monto_asignado) for a in r.asignaciones] == [
        ("0100", D("600")),
        ("0200", D("400")),
    ]
    # Same result whatever the input order.
    r2 = primero_en_tiempo(list(reversed(solicitudes)), D("1000"))
    assert r2.asignaciones == r.asignaciones


def test_primero_en_tiempo_maximo_acumulado_por_beneficiario():
    solicitudes = [
        _s("1", 0, "1000000", beneficiario="AAA010101AAA"),
        _s("2", 1, "1000000", beneficiario="AAA010101AAA"),
        _s("3", 2, "1000000", beneficiario="BBB010101BBB"),
    ]
    r = primero_en_tiempo(solicitudes, D("8000000"), asignado_previo={"BBB010101BBB": D("1000000")})
    assert [a.monto_asignado for a in r.asignaciones] == [D("1000000"), D("400000"), D("400000")]
    assert [a.limitado_por for a in r.asignaciones] == ["monto_solicitado", "maximo", "maximo"]


def test_primero_en_tiempo_sin_maximo_y_con_diccionarios():
    solicitudes = [{"folio": "9", "recibida": T0, "monto_solicitado": "5000000"}]
    r = primero_en_tiempo(solicitudes, D("8000000"), maximo=None)
    assert r.asignaciones[0].monto_asignado == D("5000000")


@pytest.mark.parametrize(
    ("solicitudes", "saldo", "codigo"),
    [
        ([_s("1", 0, "1")], D("-1"), "monto_negativo"),
        ([_s("1", 0, "1"), _s("1", 1, "1")], D("10"), "folio_duplicado"),
        ([{"folio": "1", "recibida": None, "monto_solicitado": "1"}], D("10"), "dato_requerido"),
        ([{"folio": "1", "recibida": T0, "monto_solicitado": "-1"}], D("10"), "monto_negativo"),
        (
            [
                {"folio": "1", "recibida": T0, "monto_solicitado": "1"},
                {"folio": "2", "recibida": dt.datetime(2024, 1, 2), "monto_solicitado": "1"},
            ],
            D("10"),
            "fecha_invalida",
        ),
    ],
)
def test_primero_en_tiempo_errores(solicitudes, saldo, codigo):
    with pytest.raises(MecanismoError) as e:
        primero_en_tiempo(solicitudes, saldo)
    assert e.value.codigo == codigo


# -- seed 004, A: monto fijo -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("solicitado", "asignado", "por"),
    [
        ("10000000", "10000000", "monto_solicitado"),
        ("15000000", "15000000", "monto_solicitado"),
        ("20000000", "15000000", "maximo"),
    ],
)
def test_monto_fijo_liconsa(solicitado, asignado, por):
    r = monto_fijo(D(solicitado), MAXIMO_LICONSA)
    assert (r.asignado, r.limitado_por) == (D(asignado), por)


def test_monto_fijo_negativo():
    with pytest.raises(MecanismoError) as e:
        monto_fijo(D("-1"), MAXIMO_LICONSA)
    assert e.value.codigo == "monto_negativo"


# -- seed 004, D: bolsa residual and ejercicio mínimo ----------------------------------------


@pytest.mark.parametrize(
    ("b", "asig_b", "c", "asig_c", "bolsa", "industrial", "otros"),
    [
        # The seed's B table leaves 1,179,200 kg; suppose C assigned 6,500 t of 8,000 t.
        ("21200000", "20020800", "8000000", "6500000", "2679200", "2143360.00", "535840.00"),
        ("21200000", "21200000", "8000000", "8000000", "0", "0", "0"),
        # Odd kilograms still add up exactly.
        ("10", "7", "0", "0", "3", "2.40", "0.60"),
    ],
)
def test_bolsa_residual(b, asig_b, c, asig_c, bolsa, industrial, otros):
    r = bolsa_residual(D(b), D(asig_b), D(c), D(asig_c))
    assert r.bolsa == D(bolsa)
    assert r.industrial == D(industrial)
    assert r.otros == D(otros)
    assert r.industrial + r.otros == r.bolsa
    assert r.no_asignado_b + r.no_asignado_c == r.bolsa


def test_bolsa_residual_asignado_excede():
    with pytest.raises(MecanismoError) as e:
        bolsa_residual(D("10"), D("11"), D("0"), D("0"))
    assert e.value.codigo == "asignado_excede_monto"
    assert "subcupo B" in e.value.mensaje


@pytest.mark.parametrize(
    ("asignado", "ejercido", "cumple"),
    [
        ("1000000", "700000", True),  # exactly 70 %
        ("1000000", "699999", False),
        ("1000000", "1000000", True),
        ("1000000", "0", False),
    ],
)
def test_cumple_ejercicio_minimo(asignado, ejercido, cumple):
    r = cumple_ejercicio_minimo(D(asignado), D(ejercido))
    assert r.cumple is cumple
    assert bool(r) is cumple
    assert ("requiere al menos el 70 %" in r.mensaje) is not cumple


def test_cumple_ejercicio_minimo_sin_asignacion():
    with pytest.raises(MecanismoError) as e:
        cumple_ejercicio_minimo(D("0"), D("0"))
    assert e.value.codigo == "sin_asignacion_anterior"
