"""Issue 9, item 12: the RAOCE reporte's errors follow the portal's one pattern (importes,
bienes producidos and the program radio group)."""

import pytest

from tests.soporte.accesibilidad import assert_campo_con_error, assert_grupo_con_error

from .test_asistente import (  # noqa: F401 - fixtures
    cliente,
    crear_programa,
    datos,
    dentro_del_plazo,
    elegir,
    empresa,
    immex_prosec,
    iniciar,
    url_paso,
)

pytestmark = pytest.mark.django_db


def test_sin_programa_el_error_va_en_el_grupo(cliente, immex_prosec):  # noqa: F811
    s = iniciar(cliente)
    r = cliente.post(url_paso(s, "programas"), {})
    assert r.status_code == 200
    assert_grupo_con_error(
        r.content.decode(),
        "grupo",
        "id_grupo",
        "Seleccione el programa por el que presenta el reporte anual.",
    )


def test_importes_y_bien_invalidos_en_cada_campo(cliente, empresa):  # noqa: F811
    prosec = crear_programa(empresa[0], "PROSEC", "2020-1000")
    s = iniciar(cliente)
    elegir(cliente, s, prosec)
    r = datos(
        cliente,
        s,
        accion="agregar",
        ventas_totales="10",
        total_exportaciones="5",
        **{"bien-fraccion_arancelaria": "12", "bien-volumen": "x"},
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert_campo_con_error(html, "id_bien-fraccion_arancelaria", "fracción", valor="12")
    assert_campo_con_error(html, "id_bien-volumen", "volumen", valor="x")
    assert_campo_con_error(html, "id_bien-clave_sector", "Seleccione la clave y sector")
    assert_campo_con_error(html, "id_bien-unidad_medida", "Seleccione la unidad de medida")

    r = datos(cliente, s, ventas_totales="abc", total_exportaciones="5")
    assert r.status_code == 200
    assert_campo_con_error(
        r.content.decode(), "id_ventas_totales", "debe ser un número", valor="abc"
    )
