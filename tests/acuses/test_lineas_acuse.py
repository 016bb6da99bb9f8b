"""Procedures hand their acuse rows to the engine, which issues the acuse once, after
``al_firmar``: nothing patches an issued document."""

import pytest

from tramites.services import emitir_acuse_recepcion

pytestmark = pytest.mark.django_db


def test_el_acuse_nace_con_las_lineas_del_procedimiento(solicitud_factory):
    solicitud = solicitud_factory()
    lineas = [{"etiqueta": "A", "valor": "1"}, {"etiqueta": "B", "valor": "2"}]
    acuse = emitir_acuse_recepcion(solicitud, lineas=lineas)
    acuse.refresh_from_db()
    assert acuse.contexto["lineas"] == lineas


def test_acuses_no_ofrece_parchar_un_documento_emitido():
    import acuses.services

    assert not hasattr(acuses.services, "agregar_lineas_acuse")
