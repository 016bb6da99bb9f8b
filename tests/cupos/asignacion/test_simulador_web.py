"""Issue 10, item 3: the proportional simulator in the browser for the dictaminador (per
subcupo, before resolving; paginated; CSV read back with the csv module); staff only."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cupos import ventanas
from cupos.asignacion import dictamen, registro, vistas_simulador
from tests.cupos.factories import anio_anterior_con_asignaciones, solicitud_asignacion_firmada
from vucem.models import Rol, User

from .conftest import aware, crear_persona, dictaminador_user, entrar, usuario_solicitante
from .test_antecedentes import SEMILLA

pytestmark = pytest.mark.django_db


@pytest.fixture
def escenario(lacteos, capturador, monkeypatch):
    """Seed 004's four companies in last year's B; this year 1 and 3 applied (3 resolved),
    2 did not; one applicant is outside the base."""
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 1, 25, 10))
    cupo, subs = lacteos
    personas = [crear_persona(rfc, f"EMPRESA {i + 1}") for i, (rfc, *_) in enumerate(SEMILLA)]
    anio_anterior_con_asignaciones(
        cupo, [(p, fila[1]) for p, fila in zip(personas, SEMILLA, strict=True)]
    )
    sols = {}
    for i in (0, 2, 3):
        _, _, consumo, solicitado, _, _ = SEMILLA[i]
        sols[i] = solicitud_asignacion_firmada(
            personas[i],
            subs["B"],
            recibida=aware(2024, 1, 3 + i, 10),
            usuario=capturador,
            monto_solicitado=solicitado,
            consumo_total_auditado=consumo,
        )
    sols["fuera"] = solicitud_asignacion_firmada(
        crear_persona("EEE010101AA1", "NUEVA"),
        subs["B"],
        recibida=aware(2024, 1, 9, 10),
        usuario=capturador,
        monto_solicitado=D("1000"),
        consumo_total_auditado=D("1000"),
    )
    p = registro.propuesta_de(sols[3].asignacion_detalle)
    dictamen.aprobar(sols[3], usuario=dictaminador_user("otro.dictaminador"), monto=p.monto)
    return subs["B"], sols


def url(sub, csv_=False):
    return reverse(
        "cupos:dictamen_simulador_csv" if csv_ else "cupos:dictamen_simulador", args=[sub.pk]
    )


def test_simulador_en_el_navegador(cliente_dictaminador, escenario):
    sub, sols = escenario
    # linked from the dictamen page of a B solicitud
    detalle = cliente_dictaminador.get(reverse("cupos:dictamen_detalle", args=[sols[0].folio]))
    enlace = f"{url(sub)}?folio={sols[0].folio}"
    assert enlace in detalle.content.decode()
    r = cliente_dictaminador.get(enlace)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Simulador de participación proporcional" in html
    assert "Base: empresas asignadas en 2023" in html and "Fija desde el" in html
    assert reverse("cupos:dictamen_detalle", args=[sols[0].folio]) in html  # back link
    filas = {f.rfc: f for f in r.context["sim"].filas}
    assert list(filas) == ["AAA010101AA1", "CCC010101AA1", "BBB010101AA1", "DDD010101AA1"]
    uno, dos, tres, cuatro = (filas[rfc] for rfc, *_ in SEMILLA)
    assert (uno.theta, uno.monto_a_asignar, uno.propuesta) == (
        D("0.697"),
        D("14776400"),
        D("14776400"),
    )
    assert uno.limitado_por == "Participación (θ·ρ)" and uno.estado == "En dictamen"
    assert (dos.theta, dos.monto_a_asignar, dos.folio, dos.estado) == (
        D("0.038"),
        D("805600"),
        "",
        "Sin solicitud",
    )
    assert tres.propuesta == D("5000000") and tres.limitado_por == "Monto solicitado"
    assert cuatro.asignado == D("42400") and cuatro.estado == "Resuelta"
    assert cuatro.limitado_por == "Participación (θ·ρ)"
    (fuera,) = r.context["sim"].fuera_de_base
    assert fuera.rfc == "EEE010101AA1" and fuera.propuesta == 0
    assert fuera.limitado_por == "Sin antecedentes (θ = 0)"
    for texto in ("14,776,400", "805,600", "5,575,600", "42,400", "Sin solicitud", "0.263*"):
        assert texto in html, texto
    assert "Fuera de la base" in html and "21,200,000" in html


def test_simulador_csv(cliente_dictaminador, escenario):
    sub, sols = escenario
    r = cliente_dictaminador.get(url(sub, csv_=True))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"] and ".csv" in r["Content-Disposition"]
    filas = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [f["rfc"] for f in filas] == [
        "AAA010101AA1",
        "CCC010101AA1",
        "BBB010101AA1",
        "DDD010101AA1",
        "EEE010101AA1",
    ]
    por_rfc = {f["rfc"]: f for f in filas}
    assert {rfc: por_rfc[rfc]["theta"] for rfc, *_ in SEMILLA} == {
        rfc: theta for rfc, *_, theta in SEMILLA
    }
    assert [por_rfc[rfc]["monto_a_asignar"] for rfc, *_ in SEMILLA] == [
        "14776400",
        "805600",
        "5575600",
        "42400",
    ]
    assert por_rfc["AAA010101AA1"]["propuesta"] == "14776400"
    assert por_rfc["AAA010101AA1"]["folio"] == sols[0].folio
    assert por_rfc["BBB010101AA1"]["estado"] == "Sin solicitud"
    assert por_rfc["BBB010101AA1"]["propuesta"] == ""
    assert por_rfc["CCC010101AA1"]["limitado_por"] == "Monto solicitado"
    assert por_rfc["DDD010101AA1"]["monto_asignado"] == "42400"
    assert por_rfc["EEE010101AA1"]["theta"] == "0"
    assert sum(D(f["monto_a_asignar"]) for f in filas) == D("21200000")


def test_simulador_paginado(cliente_dictaminador, lacteos, monkeypatch):
    monkeypatch.setattr(vistas_simulador, "POR_PAGINA", 3)
    cupo, subs = lacteos
    anio_anterior_con_asignaciones(
        cupo, [(crear_persona(f"EMP{i:02d}", f"EMPRESA {i}"), D(1000 + i)) for i in range(7)]
    )
    r = cliente_dictaminador.get(url(subs["B"]))
    assert len(r.context["pagina"].object_list) == 3 and "Página 1 de 3" in r.content.decode()
    r = cliente_dictaminador.get(url(subs["B"]), {"pagina": "3"})
    assert [f.nombre for f in r.context["pagina"].object_list] == ["EMPRESA 0"]
    r = cliente_dictaminador.get(url(subs["B"]), {"pagina": "x" * 300})
    assert r.status_code == 200
    filas = list(
        csv.reader(
            io.StringIO(cliente_dictaminador.get(url(subs["B"], True)).content.decode("utf-8-sig"))
        )
    )
    assert len(filas) == 1 + 7  # the CSV has every row


def test_simulador_solo_para_el_personal_de_dictamen(client, lacteos):
    _, subs = lacteos
    persona = crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV")
    entrar(client, usuario_solicitante(persona), persona, Rol.SOLICITANTE_MORAL)
    for u in (url(subs["B"]), url(subs["B"], True)):
        assert client.get(u).status_code == 404
    client.logout()
    assert client.get(url(subs["B"])).status_code == 302  # to the login
    staff = User.objects.create_user(username="staff.sin.grupo", is_staff=True)
    client.force_login(staff)
    assert client.get(url(subs["B"], True)).status_code == 404
    central = dictaminador_user("central.prueba", grupo=Rol.NIVEL_CENTRAL)
    client.force_login(central)
    assert client.get(url(subs["B"])).status_code == 200
    # only proportional subcupos; unknown ids
    assert client.get(url(subs["C"])).status_code == 404
    assert client.get(reverse("cupos:dictamen_simulador", args=[999999])).status_code == 404
    assert Group.objects.filter(name=Rol.NIVEL_CENTRAL).exists()
