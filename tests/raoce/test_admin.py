"""Back-office of RAOCE: pages load, audited Suspender/Reactivar, read-only reports, rates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from raoce.models import BienProducido, EstatusPrograma, TipoCambio
from tests.raoce.conftest import crear_reporte, firmar
from tests.soporte.personas import crear_usuario, entrar_como_staff
from tramites.models import Notificacion
from tramites.services import historial
from vucem.models import Rol

V, S = EstatusPrograma.VIGENTE, EstatusPrograma.SUSPENDIDO
pytestmark = pytest.mark.django_db


@pytest.fixture
def central(client):
    user = crear_usuario(Rol.NIVEL_CENTRAL)
    entrar_como_staff(client, user, Rol.NIVEL_CENTRAL)
    return user


@pytest.fixture
def dictaminador_cliente(client):
    user = crear_usuario(Rol.DICTAMINADOR)
    entrar_como_staff(client, user, Rol.DICTAMINADOR)
    return user


def test_paginas_cargan(
    client, central, lacteos, immex, prosec_ligado, prosec_solo, avenas, tipos_cambio
):
    reporte = crear_reporte(
        avenas, [prosec_solo], periodo=2023, ventas=100, exportaciones=10, importaciones=5
    )
    BienProducido.objects.create(
        reporte=reporte,
        clave_sector="XXII",
        fraccion_arancelaria="09011201",
        unidad_medida="Kilogramo",
        volumen=Decimal("30000"),
    )
    firmar(reporte, en=dt.date(2024, 4, 20), efectos=True)
    paginas = [
        reverse("admin:raoce_programa_changelist"),
        reverse("admin:raoce_programa_changelist") + "?q=" + lacteos.rfc,
        reverse("admin:raoce_programa_changelist")
        + "?tipo__exact=PROSEC&estatus__exact=vigente_activo",
        reverse("admin:raoce_programa_change", args=[immex.pk]),
        reverse("admin:raoce_programa_add"),
        reverse("admin:raoce_reporteanual_changelist"),
        reverse("admin:raoce_reporteanual_change", args=[reporte.pk]),
        reverse("admin:raoce_tipocambio_changelist"),
        reverse("admin:raoce_tipocambio_add"),
        reverse("admin:raoce_tipocambio_change", args=[tipos_cambio[2023].pk]),
    ]
    for url in paginas:
        r = client.get(url)
        assert r.status_code == 200, url
    html = client.get(
        reverse("admin:raoce_reporteanual_change", args=[reporte.pk])
    ).content.decode()
    assert "09011201" in html and "Kilogramo" in html
    html = client.get(reverse("admin:raoce_programa_changelist") + "?q=2019-8664").content.decode()
    assert "2019-8664" in html and "83-2019" not in html


def test_suspender_y_reactivar_con_motivo_auditado(client, central, immex, prosec_ligado):
    url = reverse("admin:raoce_programa_changelist")
    # Step 1: the action asks for the motivo.
    r = client.post(
        url, {"action": "suspender", ACTION_CHECKBOX_NAME: [immex.pk, prosec_ligado.pk]}
    )
    assert r.status_code == 200
    assert "Motivo" in r.content.decode() and "83-2019" in r.content.decode()
    # Without motivo nothing changes.
    r = client.post(
        url, {"action": "suspender", "confirmar": "1", ACTION_CHECKBOX_NAME: [immex.pk]}
    )
    assert r.status_code == 200
    immex.refresh_from_db()
    assert immex.estatus == V
    # Step 2: with motivo.
    r = client.post(
        url,
        {
            "action": "suspender",
            "confirmar": "1",
            "motivo": "Requerimiento de la autoridad (prueba)",
            ACTION_CHECKBOX_NAME: [immex.pk],
        },
    )
    assert r.status_code == 302
    immex.refresh_from_db()
    assert immex.estatus == S and immex.periodo_suspension is None
    registro = list(historial(immex))[-1]
    assert (registro.estado_anterior, registro.estado_nuevo, registro.usuario) == (V, S, central)
    assert registro.motivo == "Requerimiento de la autoridad (prueba)"
    assert Notificacion.objects.filter(
        persona=immex.persona, cuerpo__contains="Requerimiento"
    ).exists()
    # The audit trail is shown read-only on the program's page.
    html = client.get(reverse("admin:raoce_programa_change", args=[immex.pk])).content.decode()
    assert "Requerimiento de la autoridad (prueba)" in html
    # Reactivar only touches suspended programs.
    r = client.post(
        url,
        {
            "action": "reactivar",
            "confirmar": "1",
            "motivo": "Se atendió el requerimiento",
            ACTION_CHECKBOX_NAME: [immex.pk, prosec_ligado.pk],
        },
        follow=True,
    )
    immex.refresh_from_db()
    assert immex.estatus == V
    assert [h.estado_nuevo for h in historial(prosec_ligado)] == []
    assert "Sin cambio" in r.content.decode()


def test_el_estatus_no_se_edita_en_el_formulario(client, central, immex):
    html = client.get(reverse("admin:raoce_programa_change", args=[immex.pk])).content.decode()
    assert 'name="estatus"' not in html


def test_alta_de_programa_auditada(client, central, lacteos):
    r = client.post(
        reverse("admin:raoce_programa_add"),
        {
            "persona": lacteos.pk,
            "tipo": "ALTEX",
            "numero": "ALTEX-2020-0001",
            "modalidad": "",
            "sector": "",
            "fecha_autorizacion": "2020-05-04",
            "exportacion_directa": "on",
            "tramites-registroauditoria-content_type-object_id-TOTAL_FORMS": "0",
            "tramites-registroauditoria-content_type-object_id-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    from raoce.models import Programa

    p = Programa.objects.get(numero="ALTEX-2020-0001")
    assert [(h.estado_anterior, h.estado_nuevo) for h in historial(p)] == [("", V)]


def test_tipo_de_cambio_editable_por_nivel_central_y_auditado(client, central, tipos_cambio):
    tc = tipos_cambio[2024]
    r = client.post(
        reverse("admin:raoce_tipocambio_change", args=[tc.pk]),
        {
            "pesos_por_dolar": "18.3275",
            "fuente": "Banco de México",
            "tramites-registroauditoria-content_type-object_id-TOTAL_FORMS": "0",
            "tramites-registroauditoria-content_type-object_id-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    tc.refresh_from_db()
    assert tc.pesos_por_dolar == Decimal("18.3275")
    assert [(h.estado_anterior, h.estado_nuevo) for h in historial(tc)] == [("18.3000", "18.3275")]


def test_dictaminador_solo_consulta(client, dictaminador_cliente, immex, tipos_cambio):
    r = client.get(reverse("admin:raoce_programa_changelist"))
    assert r.status_code == 200
    assert "suspender" not in r.content.decode()
    r = client.post(
        reverse("admin:raoce_programa_changelist"),
        {"action": "suspender", "confirmar": "1", "motivo": "x", ACTION_CHECKBOX_NAME: [immex.pk]},
    )
    immex.refresh_from_db()
    assert immex.estatus == V
    assert client.get(reverse("admin:raoce_tipocambio_add")).status_code == 403
    r = client.post(
        reverse("admin:raoce_tipocambio_change", args=[tipos_cambio[2023].pk]),
        {"pesos_por_dolar": "1"},
    )
    assert r.status_code == 403
    assert TipoCambio.objects.get(anio=2023).pesos_por_dolar == Decimal("17.7617")
    assert client.get(reverse("admin:raoce_reporteanual_add")).status_code == 403
