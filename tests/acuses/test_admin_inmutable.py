"""Issue 10 item 1: no admin path changes an issued document (content, estado, file)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from acuses.models import Documento

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(
        "raiz", "raiz@example.com", "Clave.Segura.2026"
    )
    client.force_login(user)
    return client


def test_el_formulario_de_cambio_no_cambia_nada(admin_client, documento_factory):
    doc = documento_factory(contexto={"lineas": []})
    url = reverse("admin:acuses_documento_change", args=[doc.pk])
    r = admin_client.get(url)
    assert r.status_code == 200
    assert 'name="estado"' not in r.content.decode() and 'name="titulo"' not in r.content.decode()
    admin_client.post(
        url,
        {
            "estado": Documento.Estado.CANCELADO,
            "titulo": "Otro título",
            "folio": "1",
            "contexto": "{}",
            "cadena_original": "|x||",
        },
    )
    antes = (doc.estado, doc.titulo, doc.folio, doc.contexto, doc.cadena_original)
    doc.refresh_from_db()
    assert (doc.estado, doc.titulo, doc.folio, doc.contexto, doc.cadena_original) == antes


def test_no_se_agregan_ni_se_borran_documentos(admin_client, documento_factory):
    doc = documento_factory()
    assert admin_client.get(reverse("admin:acuses_documento_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:acuses_documento_delete", args=[doc.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    r = admin_client.post(
        reverse("admin:acuses_documento_changelist"),
        {"action": "delete_selected", "_selected_action": [doc.pk], "post": "yes"},
    )
    assert r.status_code in (200, 302)
    assert Documento.objects.filter(pk=doc.pk).exists()
