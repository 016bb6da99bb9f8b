"""Issue 9, item 12: the asignación's errors follow the portal's one pattern; its quantities
are read like every monto of cupos ("1,000" is a number, a refused value is kept) and a
consumo auditado of zero is refused with a clear message."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from cupos.models import SolicitudAsignacion
from tests.soporte.accesibilidad import assert_campo_con_error, assert_grupo_con_error
from tramites.models import Solicitud

from .test_flujo import cliente, persona, url_paso  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def borrador(cliente, avena):  # noqa: F811
    cliente.post(reverse("tramites:iniciar", args=[120402]))
    return Solicitud.objects.get()


def test_sin_subcupo_el_error_va_en_el_grupo(cliente, borrador):  # noqa: F811
    r = cliente.post(url_paso(borrador, "cupo"), {})
    assert r.status_code == 200
    assert_grupo_con_error(
        r.content.decode(),
        "subcupo",
        "id_subcupo",
        "Seleccione el cupo y el tipo de beneficiario que le corresponde.",
    )


@pytest.fixture
def en_datos(cliente, borrador, avena):  # noqa: F811
    _, sub = avena
    assert cliente.post(url_paso(borrador, "cupo"), {"subcupo": sub.pk}).status_code == 302
    return borrador


def test_cantidades_con_separador_de_miles(cliente, en_datos):  # noqa: F811
    r = cliente.post(
        url_paso(en_datos, "datos"),
        {"monto_solicitado": "1,000", "consumo_auditado_12m": "2,500.5"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    sa = SolicitudAsignacion.objects.get(solicitud=en_datos)
    assert sa.monto_solicitado == D("1000") and sa.consumo_auditado_12m == D("2500.5")


def test_cantidad_no_numerica_se_conserva_y_se_marca(cliente, en_datos):  # noqa: F811
    r = cliente.post(
        url_paso(en_datos, "datos"), {"monto_solicitado": "1,000x", "consumo_auditado_12m": "10"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert_campo_con_error(html, "id_monto_solicitado", "Capture un número", valor="1,000x")
    assert 'type="number"' not in html


def test_consumo_auditado_cero_rechazado(cliente, en_datos):  # noqa: F811
    r = cliente.post(
        url_paso(en_datos, "datos"), {"monto_solicitado": "1,000", "consumo_auditado_12m": "0"}
    )
    assert r.status_code == 200
    assert_campo_con_error(
        r.content.decode(),
        "id_consumo_auditado_12m",
        "El consumo auditado de los últimos 12 meses debe ser mayor que cero",
        valor="0",
    )
    assert not SolicitudAsignacion.objects.filter(solicitud=en_datos).exists()
