"""Back-office: Documento admin list, search, "Generar PDF" action and PDF link."""

import pytest
from django.urls import reverse

from acuses.models import Documento


@pytest.fixture
def staff(client, usuario_factory):
    admin = usuario_factory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_lista_y_busqueda_por_rfc(staff, documento_factory):
    doc = documento_factory()
    url = reverse("admin:acuses_documento_changelist")
    r = staff.get(url, {"q": "EKU9003173C9"})
    assert r.status_code == 200
    assert doc.folio in r.content.decode()
    r = staff.get(url, {"q": doc.codigo_verificacion})
    assert doc.folio in r.content.decode()


def test_ficha_con_sellos_de_solo_lectura(staff, documento_factory):
    doc = documento_factory()
    r = staff.get(reverse("admin:acuses_documento_change", args=[doc.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="sello_solicitante"' not in html
    assert 'name="cadena_original"' not in html
    assert doc.sello_solicitante in html


def test_accion_generar_pdf(staff, documento_factory):
    pendiente = documento_factory()
    r = staff.post(
        reverse("admin:acuses_documento_changelist"),
        {"action": "generar_pdf_action", "_selected_action": [pendiente.pk]},
        follow=True,
    )
    assert r.status_code == 200
    pendiente.refresh_from_db()
    assert pendiente.pdf_generado
    assert "Se solicitó generar 1 PDF" in r.content.decode()


def test_descarga_desde_la_oficina(staff, documento_factory, client):
    doc = documento_factory()
    r = staff.get(reverse("admin:acuses_documento_pdf", args=[doc.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert Documento.objects.get(pk=doc.pk).pdf_generado
