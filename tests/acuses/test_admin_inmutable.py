"""Issue 10 item 1: no admin path changes an issued document (content, estado, file), and the
model refuses changes outside the services."""

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from acuses.models import Documento, DocumentoInmutable
from acuses.services import actualizar_estado, generar_y_guardar
from tramites.services import historial
from vucem.models import Rol

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


# ---------------------------------------------------------------- every path, every staff role


@pytest.fixture(params=["superusuario", Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL])
def personal(request, client):
    """The Django client logged in as a superuser, a dictaminador or nivel central (the
    real role groups and their permissions)."""
    User = get_user_model()
    if request.param == "superusuario":
        user = User.objects.create_superuser("raiz2", "raiz2@example.com", "Clave.Segura.2026")
    else:
        user = User.objects.create_user(f"staff-{request.param}", is_staff=True)
        user.groups.add(Group.objects.get(name=str(request.param)))
    client.force_login(user)
    return client


def _foto():
    """Every column of every document, read straight from the table."""
    return list(Documento._base_manager.order_by("pk").values())


@pytest.fixture
def documentos(documento_factory):
    docs = [
        documento_factory(contexto={"lineas": []}),
        documento_factory(tipo=Documento.Tipo.OFICIO, titulo="Oficio 000001/2026"),
    ]
    for doc in docs:  # issued and stored ("Generar PDF" only renders a missing one)
        generar_y_guardar(doc.pk)
    return docs


def _cambios_de(doc):
    """A change-form POST that tries to change every field of ``doc``."""
    return {
        "solicitud": doc.solicitud_id,
        "tipo": Documento.Tipo.RESOLUCION,
        "titulo": "Título cambiado",
        "folio": "999",
        "codigo_verificacion": "AAAAAAAAAAAA",
        "estado": Documento.Estado.CANCELADO,
        "estado_desde_0": "01/01/2026",
        "estado_desde_1": "00:00",
        "estado_motivo": "porque sí",
        "cadena_original": "|otra||",
        "sello_solicitante": "QUJD",
        "sello_ventanilla": "QUJD",
        "cadena_ventanilla": "|otra||",
        "plantilla": "otra.html",
        "contexto": '{"texto": "otro"}',
        "sha256": "0" * 64,
        "_save": "Guardar",
    }


def test_ningun_camino_del_admin_cambia_un_documento(personal, documentos):
    antes = _foto()
    for doc in documentos:
        cambio = reverse("admin:acuses_documento_change", args=[doc.pk])
        r = personal.get(cambio)
        assert r.status_code == 200
        html = r.content.decode()
        assert 'name="_save"' not in html  # a view, not a form
        for campo in ("titulo", "estado", "contexto", "cadena_original", "archivo"):
            assert f'name="{campo}"' not in html
        assert personal.post(cambio, _cambios_de(doc)).status_code == 403
        assert (
            personal.get(reverse("admin:acuses_documento_history", args=[doc.pk])).status_code
            == 200
        )
        assert (
            personal.get(reverse("admin:acuses_documento_delete", args=[doc.pk])).status_code == 403
        )
        assert (
            personal.post(
                reverse("admin:acuses_documento_delete", args=[doc.pk]), {"post": "yes"}
            ).status_code
            == 403
        )
    assert personal.get(reverse("admin:acuses_documento_add")).status_code == 403
    assert personal.post(reverse("admin:acuses_documento_add"), _cambios_de(doc)).status_code == 403
    # Every list action of every admin, with all its rows selected (delete only where the
    # rows are documents: deleting other rows is not a change of a document).
    for model, model_admin in django_admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse(f"admin:{info[0]}_{info[1]}_changelist")
        pks = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)]
        if not pks:
            continue
        nombres = {a if isinstance(a, str) else a.__name__ for a in model_admin.actions or ()}
        if model is Documento:
            nombres.add("delete_selected")
        for accion in nombres:
            r = personal.post(url, {"action": accion, "_selected_action": pks, "post": "yes"})
            assert r.status_code in (200, 302, 403), (info, accion, r.status_code)
    # list editing through the changelist: nothing is editable there
    r = personal.get(reverse("admin:acuses_documento_changelist"))
    assert r.status_code == 200 and 'name="form-0-' not in r.content.decode()
    assert _foto() == antes


def test_las_fichas_relacionadas_no_cambian_el_documento(personal, documentos):
    """Admins that show a document (the certificado de cupo's) are read-only too."""
    antes = _foto()
    for nombre in ("cupos_certificadocupo", "cupos_asignacion", "tramites_solicitud"):
        assert personal.get(reverse(f"admin:{nombre}_add")).status_code == 403
    solicitud = documentos[0].solicitud
    r = personal.post(
        reverse("admin:tramites_solicitud_change", args=[solicitud.pk]),
        {"estado": "cancelada", "folio": "1"},
    )
    assert r.status_code == 403
    assert _foto() == antes


def test_el_modelo_rechaza_cambios_fuera_de_los_servicios(documentos):
    doc = documentos[0]
    antes = _foto()
    doc.refresh_from_db()
    doc.save()  # nothing changed: allowed, writes nothing
    for campo, valor in (
        ("titulo", "otro"),
        ("estado", Documento.Estado.CANCELADO),
        ("cadena_original", "|x||"),
        ("sello_ventanilla", "QUJD"),
        ("contexto", {"texto": "otro"}),
        ("sha256", "0" * 64),
        ("archivo", "documentos/otro.pdf"),
    ):
        doc.refresh_from_db()
        setattr(doc, campo, valor)
        with pytest.raises(DocumentoInmutable):
            doc.save()
    for campos in ({"estado": "cancelado"}, {"titulo": "x"}, {"contexto": {}}, {"folio": "1"}):
        with pytest.raises(DocumentoInmutable):
            Documento.objects.filter(pk=doc.pk).update(**campos)
    with pytest.raises(DocumentoInmutable):
        Documento.objects.bulk_update([doc], ["titulo"])
    # a stored PDF is never replaced through update()
    assert Documento.objects.filter(pk=doc.pk).update(sha256="1" * 64, archivo="x.pdf") == 0
    assert _foto() == antes
    # the estado changes only through the service: dated, with motivo, audited
    actualizar_estado(doc, Documento.Estado.CANCELADO, motivo="Cancelado por su titular")
    doc.refresh_from_db()
    assert doc.estado == "cancelado" and doc.estado_motivo == "Cancelado por su titular"
    (registro,) = historial(doc)
    assert (registro.estado_anterior, registro.estado_nuevo) == ("vigente", "cancelado")
