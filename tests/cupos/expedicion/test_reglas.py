"""Named catalog/expedición rules, the saldo ledger, the back-office and the demo data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from cupos import reglas, saldos
from cupos.expedicion import reglas as reglas_exp
from cupos.models import Asignacion, Criterio, Cupo, Mecanismo, Subcupo
from tests.cupos.factories import CertificadoCupoFactory, asignacion_con_saldo, cupo_con_subcupo
from tramites.reglas import ReglaError
from vucem.models import Rol, User

pytestmark = pytest.mark.django_db


def _falla(codigo, fn, *args, **kwargs):
    with pytest.raises(ReglaError) as exc:
        fn(*args, **kwargs)
    assert exc.value.codigo == codigo
    return exc.value


def test_los_mensajes_son_los_docstrings():
    assert reglas.CUP001.mensaje() == "Los subcupos no pueden exceder el monto del cupo."
    assert reglas_exp.EXP005.mensaje() == "La asignación ya no está vigente."
    assert "99" in reglas_exp.EXP007.mensaje(maximo=99)


def test_cup001_subcupos_no_exceden_el_cupo(cupo):
    c, sub = cupo
    reglas.CUP001().validar(c)  # 21,200 t of 44,200 t
    extra = Subcupo(cupo=c, clave="X", monto=Decimal("23000001"))
    e = _falla("CUP001", reglas.CUP001().validar, c, subcupos=[sub, extra])
    assert "Los subcupos no pueden exceder el monto del cupo." in e.mensaje


def test_cup002_vigencia_y_cup003_fracciones():
    c = Cupo(vigencia_inicio=dt.date(2026, 2, 1), vigencia_fin=dt.date(2026, 1, 31))
    _falla("CUP002", reglas.CUP002().validar, c)
    for mala in (["1004.0099"], ["1004.00.9"], [], "1004.00.99", ["1004.00.99", "abc"]):
        _falla("CUP003", reglas.CUP003().validar, Cupo(fracciones_arancelarias=mala))
    reglas.CUP003().validar(Cupo(fracciones_arancelarias=["1004.00.99", "1901.90.05"]))


def test_cup004_ventana(cupo):
    c, _ = cupo
    reglas.CUP004().validar(Subcupo(cupo=c, ventana={}))
    reglas.CUP004().validar(
        Subcupo(cupo=c, ventana={"tipo": "dias_habiles_desde_primer_habil", "mes": 1, "dias": 15})
    )
    for mala in (
        {"tipo": "otra"},
        {"mes": 1},
        {"tipo": "entre_fechas", "dia_inicio": 1, "mes_inicio": 5, "dia_fin": 1, "mes_fin": 2},
    ):
        _falla("CUP004", reglas.CUP004().validar, Subcupo(cupo=c, ventana=mala))


def test_cup005_y_cup006_montos_y_decimales():
    _falla(
        "CUP005", reglas.CUP005().validar, Cupo(monto_total=Decimal("0")), campos=["monto_total"]
    )
    _falla(
        "CUP006",
        reglas.CUP006().validar,
        Cupo(monto_total=Decimal("1.5")),
        unidad="pza",
        campos=["monto_total"],
    )
    _falla(
        "CUP006",
        reglas.CUP006().validar,
        Cupo(monto_total=Decimal("1.0001")),
        unidad="kg",
        campos=["monto_total"],
    )
    reglas.CUP006().validar(
        Cupo(monto_total=Decimal("1.500")), unidad="usd", campos=["monto_total"]
    )


def test_cup007_residual_y_cup008_maximo(cupo):
    c, b = cupo
    d = Subcupo(cupo=c, clave="D", criterio=Criterio.BOLSA_RESIDUAL, monto=None)
    _falla("CUP007", reglas.CUP007().validar, d, residual_de=[])
    reglas.CUP007().validar(d, residual_de=[b])
    d.monto = Decimal("10")
    _falla("CUP007", reglas.CUP007().validar, d, residual_de=[b])
    normal = Subcupo(cupo=c, clave="E", criterio=Criterio.PROPORCIONAL, monto=None)
    _falla("CUP007", reglas.CUP007().validar, normal, residual_de=[])
    otro_cupo, otro_b = cupo_con_subcupo(clave="otro")
    d.monto = None
    _falla("CUP007", reglas.CUP007().validar, d, residual_de=[otro_b])
    sub = Subcupo(cupo=c, monto=Decimal("100"), maximo_por_beneficiario=Decimal("101"))
    _falla("CUP008", reglas.CUP008().validar, sub)


def test_reglas_de_expedicion():
    _falla("EXP002", reglas_exp.EXP002().validar, Decimal("0"))
    _falla("EXP003", reglas_exp.EXP003().validar, Decimal("0.0001"), unidad="kg")
    reglas_exp.EXP003().validar(Decimal("0.001"), unidad="kg")
    e = _falla(
        "EXP004", reglas_exp.EXP004().validar, Decimal("11"), disponible=Decimal("10"), unidad="kg"
    )
    assert "Saldo insuficiente" in e.mensaje and "10 kg" in e.mensaje
    _falla("EXP006", reglas_exp.EXP006().validar, [])
    _falla("EXP007", reglas_exp.EXP007().validar, 100)


def test_libro_de_saldo(moral, cupo, fisica):
    a = asignacion_con_saldo(moral, cupo[1], Decimal("1000"))
    assert saldos.totales(a) == {
        "aprobado": Decimal("1000"),
        "expedido": 0,
        "cancelado": 0,
        "disponible": Decimal("1000"),
    }
    cert = CertificadoCupoFactory(
        asignacion=a,
        folio="F-01",
        monto_expedido=Decimal("300"),
        vigencia_inicio=dt.date.today(),
        vigencia_fin=dt.date.today(),
    )
    saldos.registrar_expedicion(cert)
    with transaction.atomic():
        saldos.registrar_devolucion(cert, Decimal("50"))
        with pytest.raises(ValueError):
            saldos.registrar_devolucion(cert, Decimal("251"))
    t = saldos.totales(a)
    assert t == {
        "aprobado": Decimal("1000"),
        "expedido": Decimal("300"),
        "cancelado": Decimal("50"),
        "disponible": Decimal("750"),
    }
    por_cupo = saldos.totales_por_cupo([cupo[0]])[cupo[0].pk]
    assert por_cupo == {
        "asignado": Decimal("1000"),
        "expedido": Decimal("300"),
        "cancelado": Decimal("50"),
    }


# ------------------------------------------------------------------ demo data


def test_demo_cupos_y_asignaciones_idempotente(capsys):
    import io

    from cupos import demo

    salida = io.StringIO()
    primeras = demo.cargar(salida)
    segundas = demo.cargar(io.StringIO())
    assert [a.pk for a in primeras] == [a.pk for a in segundas]
    anio = dt.date.today().year
    avena = Cupo.objects.get(clave=f"avena-{anio}")
    assert avena.monto_total == Decimal("140000000") and avena.fracciones_arancelarias == [
        "1004.00.99"
    ]
    assert (
        avena.fecha_dof == dt.date(2005, 4, 7) and avena.mecanismo == Mecanismo.ASIGNACION_DIRECTA
    )
    assert avena.subcupos.get().criterio == Criterio.CONSUMO_AUDITADO
    lacteos = Cupo.objects.get(clave=f"lacteos-{anio}")
    subs = {s.clave: s for s in lacteos.subcupos.all()}
    assert {k: s.monto for k, s in subs.items()} == {
        "A": Decimal("15000000"),
        "B": Decimal("21200000"),
        "C": Decimal("8000000"),
        "D": None,
    }
    assert set(subs["D"].residual_de.all()) == {subs["B"], subs["C"]}
    assert (
        subs["C"].maximo_por_beneficiario == subs["D"].maximo_por_beneficiario == Decimal("1400000")
    )
    assert subs["B"].ventana == {"tipo": "dias_habiles_desde_primer_habil", "mes": 1, "dias": 15}
    assert Cupo.objects.filter(regimen="exportacion").exists()
    lba = Asignacion.objects.get(beneficiario__rfc="LBA100315MX4", anio=anio)
    assert lba.subcupo == subs["B"] and lba.monto_asignado == Decimal("500000")
    assert saldos.disponible(lba) == Decimal("500000")
    assert Asignacion.objects.filter(beneficiario__rfc="PEGJ800101AB6").exists()
    assert f"{lba.numero_oficio}/{anio}" in salida.getvalue()
    for c in Cupo.objects.all():
        reglas.validar_cupo(c)


# ------------------------------------------------------------------ back-office


def _staff(client, rol, superuser=False):
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from vucem.roles import asegurar_grupos

    asegurar_grupos(Group, Permission, ContentType, apps_registry=apps)  # as cargar_demo does
    u = User.objects.create_user(
        username=f"staff.{rol}", password="x", is_staff=True, is_superuser=superuser
    )
    u.groups.add(Group.objects.get(name=rol))
    client.force_login(u)
    return u


def _datos_cupo(**cambios):
    datos = {
        "clave": "cupo-nuevo",
        "nombre": "Cupo nuevo",
        "producto": "Frijol",
        "subproducto": "",
        "fracciones_arancelarias": "0713.33.99",
        "regimen": "importacion",
        "tratado": "Unilateral",
        "mecanismo": "asignacion_directa",
        "monto_total": "1000",
        "unidad": "kg",
        "anio": "2026",
        "vigencia_inicio": "2026-01-01",
        "vigencia_fin": "2026-12-31",
        "fundamento": "Acuerdo",
        "fecha_dof": "",
        "representacion_federal": "",
        "activo": "on",
        "subcupos-TOTAL_FORMS": "1",
        "subcupos-INITIAL_FORMS": "0",
        "subcupos-MIN_NUM_FORMS": "0",
        "subcupos-MAX_NUM_FORMS": "1000",
        "subcupos-0-clave": "A",
        "subcupos-0-orden": "1",
        "subcupos-0-beneficiario": "Todos",
        "subcupos-0-monto": "1000",
        "subcupos-0-maximo_por_beneficiario": "",
        "subcupos-0-mecanismo": "asignacion_directa",
        "subcupos-0-criterio": "monto_fijo",
        "subcupos-0-ventana": "",
        "subcupos-0-parametros": "{}",
    }
    datos.update(cambios)
    return datos


def test_nivel_central_edita_el_catalogo_con_reglas(client):
    _staff(client, Rol.NIVEL_CENTRAL)
    url = reverse("admin:cupos_cupo_add")
    r = client.post(url, _datos_cupo(**{"subcupos-0-monto": "1001"}))
    assert r.status_code == 200 and "CUP001" in r.content.decode()
    r = client.post(url, _datos_cupo(fracciones_arancelarias="0713.3399"))
    assert "CUP003" in r.content.decode()
    r = client.post(url, _datos_cupo(vigencia_fin="2025-12-31"))
    assert "CUP002" in r.content.decode()
    r = client.post(url, _datos_cupo(**{"subcupos-0-ventana": '{"tipo": "nada"}'}))
    assert "CUP004" in r.content.decode()
    assert not Cupo.objects.filter(clave="cupo-nuevo").exists()
    r = client.post(url, _datos_cupo())
    assert r.status_code == 302, r.content.decode()[:3000]
    c = Cupo.objects.get(clave="cupo-nuevo")
    assert c.fracciones_arancelarias == ["0713.33.99"] and c.subcupos.get().monto == Decimal("1000")


def test_dictaminador_solo_ve_el_catalogo(client, cupo):
    _staff(client, Rol.DICTAMINADOR)
    assert client.get(reverse("admin:cupos_cupo_add")).status_code == 403
    r = client.post(reverse("admin:cupos_cupo_change", args=[cupo[0].pk]), _datos_cupo())
    assert r.status_code == 403
    cupo[0].refresh_from_db()
    assert cupo[0].clave == "lacteos-prueba"


def test_asignacion_y_certificado_son_de_solo_lectura(client, asignacion):
    _staff(client, Rol.NIVEL_CENTRAL, superuser=True)
    r = client.get(reverse("admin:cupos_asignacion_change", args=[asignacion.pk]))
    html = r.content.decode()
    assert r.status_code == 200 and "Disponible" in html and "500000" in html.replace(",", "")
    assert client.get(reverse("admin:cupos_asignacion_add")).status_code == 403
    assert client.get(reverse("admin:cupos_asignacion_changelist")).status_code == 200
    assert client.get(reverse("admin:cupos_certificadocupo_changelist")).status_code == 200
    assert client.get(reverse("admin:cupos_cupo_changelist") + "?q=1901").status_code == 200


def test_historial_de_asignacion_y_certificado_en_el_admin(client, asignacion, moral):
    """Both pages show the shared audit trail (tramites.admin.AuditoriaInline)."""
    from tramites.services import registrar_auditoria

    _staff(client, Rol.NIVEL_CENTRAL, superuser=True)
    registrar_auditoria(
        asignacion, anterior="", nuevo="vigente", motivo="Alta de prueba del oficio"
    )
    cert = CertificadoCupoFactory(
        asignacion=asignacion,
        folio="F-HIST",
        monto_expedido=Decimal("10"),
        vigencia_inicio=dt.date.today(),
        vigencia_fin=dt.date.today(),
    )
    registrar_auditoria(cert, anterior="vigente", nuevo="vencido", motivo="Venció en la prueba")
    for url, motivo in (
        (
            reverse("admin:cupos_asignacion_change", args=[asignacion.pk]),
            "Alta de prueba del oficio",
        ),
        (reverse("admin:cupos_certificadocupo_change", args=[cert.pk]), "Venció en la prueba"),
    ):
        html = client.get(url).content.decode()
        assert "Historial (auditoría)" in html and motivo in html
