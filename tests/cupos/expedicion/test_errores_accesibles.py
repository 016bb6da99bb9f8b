"""Issue 9, item 12: the expedición's errors follow the portal's one pattern (summary link,
inline message, aria-invalid, aria-describedby, typed value kept)."""

import pytest

from tests.soporte.accesibilidad import assert_campo_con_error, assert_sin_errores

from .conftest import agregar, buscar, iniciar

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("monto", "mensaje"),
    [
        ("0", "debe ser mayor a cero"),
        ("abc", "debe ser un número"),
        ("500001", "Saldo insuficiente"),
        ("1" * 41, "El monto tiene demasiados dígitos."),
    ],
)
def test_monto_invalido_en_el_campo(cliente_moral, asignacion, monto, mensaje):
    s = iniciar(cliente_moral, 120202)
    buscar(cliente_moral, s, asignacion.anio, asignacion.numero_oficio)
    r = agregar(cliente_moral, s, monto)
    assert r.status_code == 200
    html = r.content.decode()
    assert_campo_con_error(html, "id_monto", mensaje, valor=monto)
    assert html.count(mensaje) == 2  # once in the summary, once next to the field


def test_busqueda_sin_datos_en_cada_campo(cliente_moral, asignacion):
    s = iniciar(cliente_moral, 120202)
    r = buscar(cliente_moral, s, "", "")
    html = r.content.decode()
    assert_campo_con_error(html, "id_anio", "Capture el año del oficio de asignación.")
    assert_campo_con_error(html, "id_numero_oficio", "Capture el número de oficio de asignación.")


def test_sin_errores_no_marca_nada(cliente_moral, asignacion):
    s = iniciar(cliente_moral, 120202)
    buscar(cliente_moral, s, asignacion.anio, asignacion.numero_oficio)
    from .conftest import url_paso

    assert_sin_errores(cliente_moral.get(url_paso(s)).content.decode())
