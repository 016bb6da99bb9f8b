"""Issue 9, item 12: the cancelación's errors follow the portal's one pattern, the
certificate radio group included, and "Motivo de cancelación" has a label."""

import pytest

from cupos.models import CertificadoCupo
from tests.cupos.factories import certificado_directo
from tests.soporte.accesibilidad import assert_campo_con_error, assert_grupo_con_error

from .conftest import agregar, buscar, iniciar, seleccionar, url_paso
from .test_flujo import expedir_firmado

pytestmark = pytest.mark.django_db


def test_busqueda_sin_requeridos(cliente_moral, cupo, asignacion):
    certificado_directo(asignacion, "500")  # the trámite opens only with something to cancel
    s = iniciar(cliente_moral)
    html = buscar(cliente_moral, s, regimen="", mecanismo="").content.decode()
    assert_campo_con_error(html, "id_regimen", "Seleccione el régimen aduanero.")
    assert_campo_con_error(html, "id_mecanismo", "Seleccione el mecanismo de asignación.")


@pytest.fixture
def en_certificados(cliente_moral, moral, usuario_moral, asignacion, cupo, fiel):
    expedir_firmado(moral, usuario_moral, asignacion, ["1000"], fiel(moral))
    s = iniciar(cliente_moral)
    assert buscar(cliente_moral, s).status_code == 302
    assert seleccionar(cliente_moral, s, cupo[0]).status_code == 302
    return s, CertificadoCupo.objects.get()


def test_motivo_tiene_etiqueta(cliente_moral, en_certificados):
    s, _ = en_certificados
    html = cliente_moral.get(url_paso(s)).content.decode()
    assert '<label class="form-label h6" for="motivo">Motivo de cancelación</label>' in html


def test_sin_certificado_el_error_va_en_el_grupo(cliente_moral, en_certificados):
    s, _ = en_certificados
    html = agregar(cliente_moral, s, "", "10").content.decode()
    assert_grupo_con_error(
        html, "certificado", "id_certificado", "Seleccione el certificado a cancelar"
    )


@pytest.mark.parametrize(
    ("monto", "mensaje"),
    [("abc", "número"), ("0", "mayor"), ("5000", "disponible")],
)
def test_monto_invalido_en_el_campo(cliente_moral, en_certificados, monto, mensaje):
    s, cert = en_certificados
    r = agregar(cliente_moral, s, cert, monto)
    assert r.status_code == 200
    html = r.content.decode()
    assert_campo_con_error(html, "id_monto", mensaje, valor=monto)
    assert f'value="{cert.pk}" id="cert-{cert.pk}"' in html  # the chosen certificate is kept
    assert f'id="cert-{cert.pk}" data-disponible' in html
