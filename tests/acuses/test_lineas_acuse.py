"""Procedures add their own rows to the acuse de recepción before it renders."""

import pytest

from acuses.models import Documento
from acuses.services import agregar_lineas_acuse, generar_y_guardar

pytestmark = pytest.mark.django_db


def test_agrega_al_final_o_despues_de_una_etiqueta(documento_factory):
    doc = documento_factory(
        contexto={"lineas": [{"etiqueta": "A", "valor": "1"}, {"etiqueta": "B", "valor": "2"}]}
    )
    assert agregar_lineas_acuse(doc.solicitud, [{"etiqueta": "Z", "valor": "9"}])
    assert agregar_lineas_acuse(doc.solicitud, [{"etiqueta": "A2", "valor": "1.5"}], despues_de="A")
    doc.refresh_from_db()
    assert [f["etiqueta"] for f in doc.contexto["lineas"]] == ["A", "A2", "B", "Z"]
    assert not agregar_lineas_acuse(doc.solicitud, [])


def test_no_toca_un_acuse_ya_generado_ni_otros_documentos(documento_factory):
    doc = documento_factory()
    otro = documento_factory(solicitud=doc.solicitud, tipo=Documento.Tipo.OFICIO, titulo="Oficio")
    generar_y_guardar(doc.pk)
    assert not agregar_lineas_acuse(doc.solicitud, [{"etiqueta": "Tarde", "valor": "x"}])
    doc.refresh_from_db(), otro.refresh_from_db()
    assert "lineas" not in doc.contexto and "lineas" not in otro.contexto
