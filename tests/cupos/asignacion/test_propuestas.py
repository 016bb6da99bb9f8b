"""Proposal per mechanism (cupos.asignacion) with the seeds' numbers, over real solicitudes."""

import datetime as dt
from decimal import Decimal as D

import pytest

from cupos import ventanas
from cupos.asignacion import dictamen, registro, saldo
from tests.cupos.factories import (
    AsignacionFactory,
    anio_anterior_con_asignaciones,
    solicitud_asignacion_firmada,
)

from .conftest import aware, crear_persona

pytestmark = pytest.mark.django_db

# Seed 004, subcupo B: empresa, asignado año anterior, consumo total auditado, solicitado → propuesta
SEMILLA_B = [
    ("AAA010101AA1", D("18500000"), D("60815559"), D("30000000"), D("14776400"), "0.697"),
    ("BBB010101BB2", D("1000000"), D("202000"), D("1000000"), D("202000"), "0.038"),
    ("CCC010101CC3", D("7000000"), D("80783000"), D("5000000"), D("5000000"), "0.263"),
    ("DDD010101DD4", D("50000"), D("18112000"), D("10000000"), D("42400"), "0.002"),
]


def _personas_con_b_anterior(cupo):
    """The seed's four companies, with their previous-year B asignaciones in our records
    (issue 9: θ comes from the records, not from what an applicant declares)."""
    personas = [crear_persona(rfc, f"EMPRESA {i + 1}") for i, (rfc, *_) in enumerate(SEMILLA_B)]
    anio_anterior_con_asignaciones(
        cupo, [(p, anterior) for p, (_, anterior, *_) in zip(personas, SEMILLA_B, strict=True)]
    )
    return personas


def _asignar(s, subcupo, monto, numero):
    return AsignacionFactory(
        subcupo=subcupo,
        beneficiario=s.solicitante,
        solicitud=s,
        anio=2024,
        numero_oficio=numero,
        monto_asignado=monto,
        vigencia_inicio=dt.date(2024, 1, 30),
        vigencia_fin=dt.date(2024, 12, 31),
        saldo=False,
    )


def test_proporcional_reproduce_la_semilla_004(lacteos, capturador):
    cupo, subs = lacteos
    personas = _personas_con_b_anterior(cupo)
    solicitudes = []
    for i, (_, _, consumo, solicitado, _, _) in enumerate(SEMILLA_B):
        solicitudes.append(
            solicitud_asignacion_firmada(
                personas[i],
                subs["B"],
                recibida=aware(2024, 1, 3 + i, 10),
                usuario=capturador,
                monto_solicitado=solicitado,
                consumo_total_auditado=consumo,
            )
        )
    propuestas = registro.calcular_propuestas(subs["B"])
    for s, (*_, esperado, theta) in zip(solicitudes, SEMILLA_B, strict=True):
        assert propuestas[s.pk].monto == esperado
        assert propuestas[s.pk].datos["theta"] == theta
    assert sum(p.monto for p in propuestas.values()) == D("20020800")
    # one at a time (as the dictamen does) gives the same numbers
    for s, (*_, esperado, _) in zip(solicitudes, SEMILLA_B, strict=True):
        assert registro.propuesta_de(s.asignacion_detalle).monto == esperado
    # legal limit: min(θ·ρ, consumo) — company 3 may get up to 5,575,600 if it asked more
    assert propuestas[solicitudes[2].pk].limite_legal == D("5575600")
    assert any("θ = 0.263" in linea for linea in propuestas[solicitudes[2].pk].explicacion)


def test_proporcional_theta_sobre_todas_las_del_anio_incluso_resueltas(lacteos, capturador):
    cupo, subs = lacteos
    personas = _personas_con_b_anterior(cupo)
    s = []
    for i, (_, _, consumo, solicitado, _, _) in enumerate(SEMILLA_B):
        estado = "resuelta" if i == 0 else "en_dictamen"
        s.append(
            solicitud_asignacion_firmada(
                personas[i],
                subs["B"],
                recibida=aware(2024, 1, 3 + i, 10),
                usuario=capturador,
                estado=estado,
                monto_solicitado=solicitado,
                consumo_total_auditado=consumo,
            )
        )
    _asignar(s[0], subs["B"], D("14776400"), "000001")
    propuestas = registro.calcular_propuestas(subs["B"])
    assert s[0].pk not in propuestas  # only pending ones are proposed
    assert [propuestas[x.pk].monto for x in s[1:]] == [D("202000"), D("5000000"), D("42400")]
    assert saldo.saldo_subcupo(subs["B"]) == D("21200000") - D("14776400")


@pytest.mark.parametrize(
    ("solicitado", "consumo", "capacidad", "esperado"),
    [
        # seed 002: ≤ consumo auditado de los últimos 12 meses
        (D("5000000"), D("3000000"), None, D("3000000")),
        (D("2000000"), D("3000000"), None, D("2000000")),
        # capacity +25 % applied to the previous audited consumption 2,800,000 → 3,500,000
        (D("5000000"), D("3000000"), (D("800"), D("1000"), D("2800000")), D("3500000")),
        # no increase: the general rule applies
        (D("5000000"), D("3000000"), (D("1000"), D("900"), D("2800000")), D("3000000")),
    ],
)
def test_consumo_auditado_avena(avena, capturador, solicitado, consumo, capacidad, esperado):
    _, sub = avena
    extra = {}
    if capacidad:
        extra = dict(
            capacidad_anterior=capacidad[0],
            capacidad_actual=capacidad[1],
            consumo_asignacion_anterior=capacidad[2],
        )
    s = solicitud_asignacion_firmada(
        crear_persona("AVE010101AA1", "MOLINOS DE AVENA"),
        sub,
        recibida=aware(2024, 3, 4, 9),
        usuario=capturador,
        monto_solicitado=solicitado,
        consumo_auditado_12m=consumo,
        **extra,
    )
    p = registro.propuesta_de(s.asignacion_detalle)
    assert p.monto == esperado
    assert p.explicacion


def test_consumo_auditado_descuenta_lo_ya_asignado_y_el_saldo(avena, capturador):
    _, sub = avena
    persona = crear_persona("AVE010101AA1", "MOLINOS DE AVENA")
    previa = solicitud_asignacion_firmada(
        persona,
        sub,
        recibida=aware(2024, 2, 1, 9),
        usuario=capturador,
        estado="resuelta",
        monto_solicitado=D("1000000"),
        consumo_auditado_12m=D("3000000"),
    )
    _asignar(previa, sub, D("1000000"), "000010")
    s = solicitud_asignacion_firmada(
        persona,
        sub,
        recibida=aware(2024, 3, 1, 9),
        usuario=capturador,
        monto_solicitado=D("5000000"),
        consumo_auditado_12m=D("3000000"),
    )
    assert registro.propuesta_de(s.asignacion_detalle).monto == D("2000000")
    sub.monto = D("1500000")  # saldo 500,000 left
    sub.save()
    p = registro.propuesta_de(s.asignacion_detalle)
    assert p.monto == D("500000") and p.saldo == D("500000")


def test_primero_en_tiempo_c_en_orden_de_recepcion_con_desempate_por_folio(lacteos, capturador):
    """C: min(solicitado, factura, saldo), at most 1,400 t; saldo 8,000 t."""
    _, subs = lacteos
    c = subs["C"]
    mismo_momento = aware(2024, 2, 5, 10)
    filas = [
        # rfc, recibida, folio, solicitado, factura, esperado
        (
            "CAA010101AA1",
            aware(2024, 2, 6, 9),
            "0201200300320240101000009",
            D("2000000"),
            D("1800000"),
            None,
        ),
        (
            "CBB010101BB2",
            mismo_momento,
            "0201200300320240101000002",
            D("3000000"),
            D("3000000"),
            D("1400000"),
        ),
        (
            "CCC010101CC3",
            mismo_momento,
            "0201200300320240101000001",
            D("900000"),
            D("800000"),
            D("800000"),
        ),
        (
            "CDD010101DD4",
            aware(2024, 2, 1, 9),
            "0201200300320240101000005",
            D("1400000"),
            D("1400000"),
            D("1400000"),
        ),
    ]
    previa = solicitud_asignacion_firmada(
        crear_persona("CEE010101EE5", "PREVIA"),
        c,
        recibida=aware(2024, 1, 20, 9),
        usuario=capturador,
        estado="resuelta",
        monto_solicitado=D("3500000"),
        monto_factura=D("3500000"),
    )
    _asignar(previa, c, D("3500000"), "000020")  # over the cap on purpose: saldo 4,500 t
    ss = [
        solicitud_asignacion_firmada(
            crear_persona(rfc, rfc),
            c,
            recibida=rec,
            folio=folio,
            usuario=capturador,
            monto_solicitado=sol,
            monto_factura=fac,
        )
        for rfc, rec, folio, sol, fac, _ in filas
    ]
    propuestas = registro.calcular_propuestas(c)
    # order: CDD (1 Feb) → CCC (folio …001) → CBB (folio …002) → CAA
    assert [propuestas[s.pk].datos["orden"] for s in ss] == [4, 3, 2, 1]
    assert propuestas[ss[3].pk].monto == D("1400000")
    assert propuestas[ss[2].pk].monto == D("800000")
    assert propuestas[ss[1].pk].monto == D("1400000")
    # saldo 4,500 − 3,600 = 900 t left for the last one (factura 1,800 t)
    assert propuestas[ss[0].pk].monto == D("900000")
    assert propuestas[ss[0].pk].datos["limitado_por"] == "saldo"
    assert propuestas[ss[0].pk].limite_legal == D("1400000")


@pytest.mark.parametrize(
    ("solicitado", "esperado"),
    [(D("12000000"), D("12000000")), (D("16000000"), D("15000000"))],
)
def test_monto_fijo_a_liconsa(lacteos, capturador, solicitado, esperado):
    _, subs = lacteos
    s = solicitud_asignacion_firmada(
        crear_persona("LIC950821M84", "LICONSA SA DE CV"),
        subs["A"],
        recibida=aware(2024, 3, 1, 9),
        usuario=capturador,
        monto_solicitado=solicitado,
    )
    p = registro.propuesta_de(s.asignacion_detalle)
    assert p.monto == esperado and p.limite_legal == D("15000000")


def _bolsa_con_b_y_c(subs, capturador):
    """B assigned 20,020,800 (seed) and C assigned 7,000,000 → pool 1,179,200 + 1,000,000."""
    b = solicitud_asignacion_firmada(
        crear_persona("BBB990101AA1", "B"),
        subs["B"],
        recibida=aware(2024, 1, 5, 9),
        usuario=capturador,
        estado="resuelta",
        monto_solicitado=D("20020800"),
        asignado_anio_anterior=D("1"),
        consumo_total_auditado=D("20020800"),
    )
    _asignar(b, subs["B"], D("20020800"), "000100")
    c = solicitud_asignacion_firmada(
        crear_persona("CCC990101AA1", "C"),
        subs["C"],
        recibida=aware(2024, 2, 5, 9),
        usuario=capturador,
        estado="resuelta",
        monto_solicitado=D("7000000"),
        monto_factura=D("7000000"),
    )
    _asignar(c, subs["C"], D("7000000"), "000101")


def test_bolsa_residual_d_80_20_e_industriales_con_ejercicio_minimo(lacteos, capturador):
    _, subs = lacteos
    d = subs["D"]
    _bolsa_con_b_y_c(subs, capturador)
    # pool = 1,179,200 + 1,000,000 = 2,179,200 → industrial 1,743,360 / otros 435,840
    assert saldo.saldo_subcupo(d) == D("2179200")
    assert saldo.saldo_subcupo(d, industrial=True) == D("1743360.00")
    assert saldo.saldo_subcupo(d, industrial=False) == D("435840.00")
    ind1 = solicitud_asignacion_firmada(
        crear_persona("IND010101AA1", "IND 1"),
        d,
        recibida=aware(2024, 9, 2, 9),
        usuario=capturador,
        monto_solicitado=D("1500000"),
        monto_factura=D("1500000"),
        es_industrial=True,
        asignado_anio_anterior=D("1000000"),
        monto_ejercido_anterior=D("750000"),
    )
    ind_no_cumple = solicitud_asignacion_firmada(
        crear_persona("IND010101BB2", "IND 2"),
        d,
        recibida=aware(2024, 9, 2, 8),
        usuario=capturador,
        monto_solicitado=D("500000"),
        monto_factura=D("500000"),
        es_industrial=True,
        asignado_anio_anterior=D("1000000"),
        monto_ejercido_anterior=D("690000"),
    )
    ind2 = solicitud_asignacion_firmada(
        crear_persona("IND010101CC3", "IND 3"),
        d,
        recibida=aware(2024, 9, 3, 9),
        usuario=capturador,
        monto_solicitado=D("800000"),
        monto_factura=D("800000"),
        es_industrial=True,
        asignado_anio_anterior=D("100000"),
        monto_ejercido_anterior=D("70000"),
    )
    otro = solicitud_asignacion_firmada(
        crear_persona("OTR010101AA1", "OTRO"),
        d,
        recibida=aware(2024, 9, 2, 7),
        usuario=capturador,
        monto_solicitado=D("600000"),
        monto_factura=D("600000"),
    )
    p = registro.calcular_propuestas(d)
    # industrial: 1,400 t cap for the first, the rest of the 80 % to the next
    assert p[ind1.pk].monto == D("1400000")
    assert p[ind2.pk].monto == D("343360.00")
    assert p[ind_no_cumple.pk].monto == 0 and p[ind_no_cumple.pk].limite_legal == 0
    assert any("se requiere al menos el 70" in x for x in p[ind_no_cumple.pk].explicacion)
    # others: their 20 %
    assert p[otro.pk].monto == D("435840.00")


def test_ventana_subcupo_dentro_y_fuera(lacteos):
    _, subs = lacteos
    b = subs["B"]
    assert ventanas.ventana_subcupo(b, dt.date(2024, 1, 22)).abierta  # seed: B closes 22 Jan 2024
    fuera = ventanas.ventana_subcupo(b, dt.date(2024, 1, 23))
    assert not fuera.abierta
    assert fuera.mensaje == (
        "La recepción de solicitudes para este cupo está cerrada. Periodo: del 02/01/2024 al 22/01/2024."
    )
    assert ventanas.ventana_subcupo(subs["D"], aware(2024, 9, 2, 12)).abierta
    assert not ventanas.ventana_subcupo(subs["D"], aware(2024, 8, 30, 12)).abierta
    assert ventanas.ventana_subcupo(subs["C"], dt.date(2024, 7, 31)).abierta
    assert not ventanas.ventana_subcupo(subs["C"], dt.date(2024, 8, 1)).abierta
    with pytest.raises(ventanas.VentanaCerradaError):
        ventanas.validar_ventana(subs["A"], dt.date(2024, 12, 2))


def test_plazo_de_siete_dias_habiles(lacteos, capturador):
    _, subs = lacteos
    s = solicitud_asignacion_firmada(
        crear_persona("PLA010101AA1", "PLAZO"),
        subs["C"],
        recibida=aware(2024, 2, 1, 12),
        usuario=capturador,
        monto_solicitado=D("1"),
        monto_factura=D("1"),
    )
    # 5 Feb 2024 is a holiday (Constitución): business days after 1 Feb: 2, 6, 7, 8, 9, 12, 13
    plazo = dictamen.plazo_de(s, hoy=dt.date(2024, 2, 14))
    assert plazo.vencimiento == dt.date(2024, 2, 13)
    assert plazo.transcurridos == 8 and plazo.vencido
    assert not dictamen.plazo_de(s, hoy=dt.date(2024, 2, 13)).vencido


def test_dictamen_de_b_con_las_propuestas_de_la_semilla_y_luego_la_bolsa_d(
    lacteos, capturador, monkeypatch
):
    """Approving the four seed-004 B solicitudes with their proposals assigns 20,020,800 kg and
    leaves 1,179,200 kg for the D pool; D then respects its 80 % / 20 % saldo."""
    from tests.cupos.asignacion.conftest import dictaminador_user
    from tramites.services import TramiteError

    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 10, 1, 10))
    cupo, subs = lacteos
    personas = _personas_con_b_anterior(cupo)
    u = dictaminador_user()
    ss = [
        solicitud_asignacion_firmada(
            personas[i],
            subs["B"],
            recibida=aware(2024, 1, 3 + i, 10),
            usuario=capturador,
            monto_solicitado=sol,
            consumo_total_auditado=cons,
        )
        for i, (_, _, cons, sol, _, _) in enumerate(SEMILLA_B)
    ]
    for s, (*_, esperado, _) in zip(ss, SEMILLA_B, strict=True):
        p = registro.propuesta_de(s.asignacion_detalle)
        assert p.monto == esperado
        dictamen.aprobar(s, usuario=u, monto=p.monto)
    assert saldo.asignado_en(subs["B"]) == D("20020800")
    assert saldo.saldo_subcupo(subs["B"]) == D("1179200")
    # no C assignments: pool = 1,179,200 + 8,000,000; others get 20 %
    assert saldo.saldo_subcupo(subs["D"], industrial=False) == D("1835840.00")
    d = solicitud_asignacion_firmada(
        crear_persona("OTR020202AA1", "OTRO"),
        subs["D"],
        recibida=aware(2024, 9, 2, 9),
        usuario=capturador,
        monto_solicitado=D("1400000"),
        monto_factura=D("1400000"),
    )
    with pytest.raises(TramiteError, match="excede el máximo permitido"):
        dictamen.aprobar(d, usuario=u, monto=D("1400001"))
    r = dictamen.aprobar(d, usuario=u, monto=D("1400000"))
    assert r.asignacion.monto_asignado == D("1400000")
    assert saldo.saldo_subcupo(subs["D"], industrial=False) == D("435840.00")
    assert saldo.saldo_subcupo(subs["D"], industrial=True) == D("7343360.00")


def test_no_se_aprueba_por_encima_del_saldo_del_subcupo(lacteos, capturador, monkeypatch):
    from tests.cupos.asignacion.conftest import dictaminador_user
    from tramites.services import TramiteError

    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 10, 1, 10))
    _, subs = lacteos
    c = subs["C"]
    c.monto = D("1000")
    c.save()
    u = dictaminador_user()
    s1 = solicitud_asignacion_firmada(
        crear_persona("SAL010101AA1", "UNO"),
        c,
        recibida=aware(2024, 2, 1, 9),
        usuario=capturador,
        monto_solicitado=D("800"),
        monto_factura=D("800"),
    )
    s2 = solicitud_asignacion_firmada(
        crear_persona("SAL010101BB2", "DOS"),
        c,
        recibida=aware(2024, 2, 1, 10),
        usuario=capturador,
        monto_solicitado=D("800"),
        monto_factura=D("800"),
    )
    assert registro.propuesta_de(s2.asignacion_detalle).monto == D("200")  # s1 goes first
    dictamen.aprobar(s1, usuario=u, monto=D("800"))
    with pytest.raises(TramiteError, match="excede"):
        dictamen.aprobar(s2, usuario=u, monto=D("201"))
    with pytest.raises(TramiteError, match="decimales"):
        dictamen.aprobar(s2, usuario=u, monto=D("100.0001"))
    with pytest.raises(TramiteError, match="mayor que cero"):
        dictamen.aprobar(s2, usuario=u, monto=D("0"))
    assert dictamen.aprobar(s2, usuario=u, monto=D("200")).asignacion.monto_asignado == D("200")
    assert saldo.saldo_subcupo(c) == 0


def test_no_se_asigna_despues_del_periodo_del_cupo(lacteos, capturador, monkeypatch):
    from tests.cupos.asignacion.conftest import dictaminador_user
    from tramites.services import TramiteError

    _, subs = lacteos
    s = solicitud_asignacion_firmada(
        crear_persona("LIC950821M84", "LICONSA SA DE CV"),
        subs["A"],
        recibida=aware(2024, 3, 1, 9),
        usuario=capturador,
        monto_solicitado=D("1000"),
    )
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2025, 1, 2, 10))
    with pytest.raises(TramiteError, match="El periodo del cupo 2024 terminó"):
        dictamen.aprobar(s, usuario=dictaminador_user(), monto=D("1000"))
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 3, 4, 10))
    a = dictamen.aprobar(s, usuario=dictaminador_user("otro.dict"), monto=D("1000")).asignacion
    assert (a.anio, a.vigencia_inicio, a.vigencia_fin) == (
        2024,
        dt.date(2024, 3, 4),
        dt.date(2024, 12, 31),
    )
