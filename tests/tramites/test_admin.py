"""Back-office: the solicitud page is read-only and shows its audit trail."""

import pytest
from django.urls import reverse

from tramites import services

pytestmark = pytest.mark.django_db


def test_solicitud_en_admin_con_historial_y_sin_guardar(
    admin_client, tramite_prueba, persona_moral, solicitante
):
    s = services.crear_borrador(
        tramite=tramite_prueba, solicitante=persona_moral, usuario=solicitante
    )
    services.descartar_borrador(s, usuario=solicitante)
    r = admin_client.get(reverse("admin:tramites_solicitud_change", args=[s.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert (
        "Historial (auditoría)" in html
        and "cancelada" in html
        and "Descartada por el usuario" in html
    )
    assert 'name="_save"' not in html
    r = admin_client.get(
        reverse("admin:tramites_solicitud_changelist") + "?estado__exact=cancelada"
    )
    assert s.numero_temporal in r.content.decode() and "solicitudes" in r.content.decode().lower()


def test_outbox_y_dias_inhabiles_en_admin(admin_client, persona_moral):
    services.notificar(persona=persona_moral, asunto="Aviso de prueba", cuerpo="x")
    assert (
        "Aviso de prueba"
        in admin_client.get(reverse("admin:tramites_notificacion_changelist")).content.decode()
    )
    assert admin_client.get(reverse("admin:tramites_diainhabil_add")).status_code == 200
