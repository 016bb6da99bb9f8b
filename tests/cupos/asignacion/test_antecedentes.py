"""Issue 9, item 1: subcupo B's θ comes from last year's asignaciones in our records (or nivel
central's opening balances in a first year), is fixed once the window opens, and depends
neither on who applies, nor on the order of dictamen, nor on what an applicant declares."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cupos import ventanas
from cupos.asignacion import antecedentes, dictamen, registro, saldo
from cupos.models import Asignacion, BaseProporcional, SaldoApertura
from tests.cupos.factories import anio_anterior_con_asignaciones, solicitud_asignacion_firmada
from tramites.models import RegistroAuditoria
from tramites.reglas import ReglaError
from tramites.services import historial
from vucem.models import Rol, User

from .conftest import aware, crear_persona, dictaminador_user

pytestmark = pytest.mark.django_db

# Seed 004: rfc, asignado año anterior, consumo total auditado, solicitado, asignado, θ
SEMILLA = [
    ("AAA010101AA1", D("18500000"), D("60815559"), D("30000000"), D("14776400"), "0.697"),
    ("BBB010101AA1", D("1000000"), D("202000"), D("1000000"), D("202000"), "0.038"),
    ("CCC010101AA1", D("7000000"), D("80783000"), D("5000000"), D("5000000"), "0.263"),
    ("DDD010101AA1", D("50000"), D("18112000"), D("10000000"), D("42400"), "0.002"),
]


@pytest.fixture
def en_octubre(monkeypatch):
    """After B's 2024 window: its base is fixed on first read; approving is allowed."""
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 10, 1, 10))


@pytest.fixture
def empresas(lacteos):
    cupo, _ = lacteos
    personas = [crear_persona(rfc, f"EMPRESA {i + 1}") for i, (rfc, *_) in enumerate(SEMILLA)]
    anio_anterior_con_asignaciones(
        cupo, [(p, fila[1]) for p, fila in zip(personas, SEMILLA, strict=True)]
    )
    return personas


def solicitar(persona, sub, capturador, i, **extra):
    _, _, consumo, solicitado, _, _ = SEMILLA[i]
    datos = {"monto_solicitado": solicitado, "consumo_total_auditado": consumo, **extra}
    return solicitud_asignacion_firmada(
        persona, sub, recibida=aware(2024, 1, 3 + i, 10), usuario=capturador, **datos
    )


def test_solicitante_solo_recibe_su_participacion_no_todo_el_subcupo(
    lacteos, empresas, capturador, en_octubre
):
    """A lone applicant used to get θ = 1 and all 21,200,000 kg."""
    _, subs = lacteos
    s = solicitar(empresas[2], subs["B"], capturador, 2, monto_solicitado=D("21200000"))
    p = registro.propuesta_de(s.asignacion_detalle)
    assert p.datos["theta"] == "0.263" and p.datos["empresas_base"] == 4
    assert p.monto == D("5575600") and p.datos["limitado_por"] == "monto_a_asignar"
    assert any("Base: 4 empresas asignadas en 2023" in linea for linea in p.explicacion)


@pytest.mark.parametrize("orden", [(0, 1, 2, 3), (3, 2, 1, 0), (2, 0, 3, 1)])
def test_el_orden_del_dictamen_no_cambia_el_resultado(
    lacteos, empresas, capturador, en_octubre, orden
):
    _, subs = lacteos
    u = dictaminador_user()
    solicitudes = [solicitar(p, subs["B"], capturador, i) for i, p in enumerate(empresas)]
    for i in orden:
        s = solicitudes[i]
        p = registro.propuesta_de(s.asignacion_detalle)
        assert p.monto == SEMILLA[i][4], (orden, i)
        dictamen.aprobar(s, usuario=u, monto=p.monto)
    asignado = {
        a.beneficiario.rfc: a.monto_asignado for a in Asignacion.objects.filter(subcupo=subs["B"])
    }
    assert asignado == {rfc: esperado for rfc, *_, esperado, _ in SEMILLA}
    assert saldo.saldo_subcupo(subs["B"]) == D("21200000") - D("20020800")


def test_beneficiario_del_anio_anterior_que_no_solicita_conserva_su_lugar_en_la_base(
    lacteos, empresas, capturador, en_octubre
):
    """Company 1 (θ 0.697) does not apply: the others keep the seed's θ and amounts, and its
    share is not handed to them (it stays in the subcupo, then the D pool)."""
    _, subs = lacteos
    otras = [solicitar(p, subs["B"], capturador, i) for i, p in enumerate(empresas) if i]
    propuestas = registro.calcular_propuestas(subs["B"])
    assert [propuestas[s.pk].monto for s in otras] == [D("202000"), D("5000000"), D("42400")]
    assert [propuestas[s.pk].datos["theta"] for s in otras] == ["0.038", "0.263", "0.002"]


def test_el_monto_declarado_por_el_solicitante_no_cuenta(lacteos, empresas, capturador, en_octubre):
    _, subs = lacteos
    s = solicitar(empresas[3], subs["B"], capturador, 3, asignado_anio_anterior=D("99000000"))
    assert registro.propuesta_de(s.asignacion_detalle).monto == D("42400")  # θ 0.002


def test_quien_no_estaba_en_la_base_recibe_cero(lacteos, empresas, capturador, en_octubre):
    _, subs = lacteos
    nueva = crear_persona("EEE010101AA1", "NUEVA", tipo="moral")
    s = solicitud_asignacion_firmada(
        nueva,
        subs["B"],
        recibida=aware(2024, 1, 5, 10),
        usuario=capturador,
        monto_solicitado=D("1000"),
        consumo_total_auditado=D("1000"),
        asignado_anio_anterior=D("5000000"),  # declared: ignored
    )
    p = registro.propuesta_de(s.asignacion_detalle)
    assert p.monto == 0 and p.limite_legal == 0
    assert any("no figura entre las empresas asignadas en 2023" in x for x in p.explicacion)


def test_la_base_queda_fija_al_abrir_la_ventana(lacteos, empresas, monkeypatch):
    cupo, subs = lacteos
    b = subs["B"]
    # Before B's window opens (2 Jan 2024) the base is preliminary and follows the records.
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2023, 12, 20, 10))
    assert not antecedentes.base_de(b).congelada
    assert not BaseProporcional.objects.exists()
    tardia = crear_persona("FFF010101AA1", "TARDIA")
    anio_anterior_con_asignaciones(cupo, [(tardia, D("26550000"))])
    assert antecedentes.base_de(b).de("FFF010101AA1").theta == D("0.500")
    Asignacion.objects.filter(beneficiario=tardia).update(estado=Asignacion.Estado.CANCELADA)
    assert antecedentes.base_de(b).de("FFF010101AA1") is None
    # The window opens: the first read fixes it (audited) …
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 1, 2, 9))
    base = antecedentes.base_de(b)
    assert base.congelada and [f.theta for f in base.filas] == [
        D("0.697"),
        D("0.263"),
        D("0.038"),
        D("0.002"),
    ]
    snap = BaseProporcional.objects.get(subcupo=b)
    (alta,) = historial(snap)
    assert alta.estado_nuevo == "congelada" and "4 empresas" in alta.motivo
    # … and later changes to last year's records do not move it.
    Asignacion.objects.filter(beneficiario=tardia).update(estado=Asignacion.Estado.VENCIDA)
    Asignacion.objects.filter(beneficiario=empresas[0]).update(estado=Asignacion.Estado.CANCELADA)
    otra = antecedentes.base_de(b, aware(2024, 3, 1, 9))
    assert otra.filas == base.filas and otra.congelada_en == base.congelada_en
    assert antecedentes.congelar_base(b).filas == base.filas  # idempotent
    assert BaseProporcional.objects.count() == 1


# ------------------------------------------------------------------ first year: opening balances


@pytest.fixture
def nivel_central(client):
    user = User.objects.create_user(username="central.prueba", password="x", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=Rol.NIVEL_CENTRAL)[0])
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="cupos", codename__endswith="saldoapertura"
        )
    )
    client.force_login(user)
    return user


def _capturar(client, sub, rfc, nombre, monto, documento="Oficio 000123/2023 de la DGCE"):
    return client.post(
        reverse("admin:cupos_saldoapertura_add"),
        {
            "subcupo": sub.pk,
            "rfc": rfc,
            "nombre": nombre,
            "monto_anio_anterior": monto,
            "documento": documento,
            "observaciones": "",
        },
    )


def test_primer_anio_saldos_de_apertura_capturados_por_nivel_central(
    client, nivel_central, lacteos, capturador, monkeypatch
):
    """No previous year in our records: nivel central captures each company's amount with its
    document (audited); the proposal uses it, never the applicant's declaration."""
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2023, 12, 15, 10))  # before the window
    _, subs = lacteos
    b = subs["B"]
    assert antecedentes.base_de(b).vacia
    r = _capturar(client, b, "AAA010101AA1", "EMPRESA 1", "18500000", documento="")
    assert r.status_code == 200 and "documento" in r.context["adminform"].form.errors
    r = _capturar(client, b, "AAA010101AA2", "EMPRESA X", "1000")
    assert "El RFC «AAA010101AA2» no es válido." in r.content.decode()
    r = _capturar(client, b, "BBB010101AA1", "EMPRESA X", "0")
    assert "El monto debe ser mayor que cero." in r.content.decode()
    for rfc, anterior, *_ in SEMILLA:
        r = _capturar(client, b, rfc, f"EMPRESA {rfc[:3]}", str(anterior))
        assert r.status_code == 302, r.context["adminform"].form.errors
    saldo_1 = SaldoApertura.objects.get(rfc="AAA010101AA1")
    assert saldo_1.capturado_por == nivel_central
    (alta,) = historial(saldo_1)
    assert alta.estado_nuevo == "capturado" and "Oficio 000123/2023" in alta.motivo
    assert alta.usuario == nivel_central

    persona = crear_persona("CCC010101AA1", "EMPRESA 3")
    s = solicitar(persona, b, capturador, 2, asignado_anio_anterior=D("26550000"))
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 1, 10, 10))  # window open
    p = registro.propuesta_de(s.asignacion_detalle)
    assert p.monto == D("5000000") and p.datos["theta"] == "0.263"
    base = antecedentes.base_de(b)
    assert base.congelada and base.origen == BaseProporcional.Origen.APERTURA
    assert "saldos de apertura" in p.explicacion[0]

    # fixed: no more captures, changes or removals
    r = _capturar(client, b, "EEE010101AA1", "TARDIA", "1000")
    assert r.status_code == 403 or "quedaron fijas" in r.content.decode()
    assert not SaldoApertura.objects.filter(rfc="EEE010101AA1").exists()
    url = reverse("admin:cupos_saldoapertura_change", args=[saldo_1.pk])
    client.post(
        url,
        {
            "subcupo": b.pk,
            "rfc": saldo_1.rfc,
            "nombre": "X",
            "monto_anio_anterior": "1",
            "documento": "d",
        },
    )
    saldo_1.refresh_from_db()
    assert saldo_1.monto_anio_anterior == D("18500000")


def test_saldo_de_apertura_rechazado_si_hay_registros_del_anio_anterior(lacteos, empresas):
    _, subs = lacteos
    with pytest.raises(ReglaError, match="sólo aplican al primer año de operación"):
        antecedentes.validar_saldo_apertura(subs["B"])
    with pytest.raises(ReglaError, match="participación proporcional"):
        antecedentes.validar_saldo_apertura(subs["C"])


def test_los_registros_del_anio_anterior_ganan_a_los_saldos_de_apertura(
    lacteos, empresas, en_octubre
):
    _, subs = lacteos
    SaldoApertura.objects.create(
        subcupo=subs["B"], rfc="EEE010101AA1", nombre="X", monto_anio_anterior=D("1"), documento="d"
    )
    base = antecedentes.base_de(subs["B"])
    assert base.origen == "registros" and base.de("EEE010101AA1") is None
    assert len(base.filas) == 4


def test_no_se_congela_una_base_vacia(lacteos, en_octubre):
    _, subs = lacteos
    assert antecedentes.base_de(subs["B"]).vacia
    assert not BaseProporcional.objects.exists()
    assert not RegistroAuditoria.objects.exists()


def test_dos_congelamientos_dan_la_misma_base(lacteos, empresas, en_octubre):
    _, subs = lacteos
    a = antecedentes.congelar_base(subs["B"])
    b = antecedentes.congelar_base(subs["B"])
    assert a == b and BaseProporcional.objects.count() == 1
    assert sum(f.theta for f in a.filas) <= 1 and a.total == D("26550000")


def test_la_fecha_del_oficio_anterior_no_importa_solo_el_cupo_anterior(lacteos, empresas):
    """Only asignaciones of the linked previous cupo count (not other cupos of that year)."""
    cupo, subs = lacteos
    base = antecedentes.calcular_base(subs["B"])
    assert base.anio_anterior == 2023 and cupo.anterior.anio == 2023
    assert {f.rfc for f in base.filas} == {rfc for rfc, *_ in SEMILLA}
    assert dt.date(2023, 1, 1) <= cupo.anterior.vigencia_inicio
