"""Bad input of the cancelación wizard: each answers a clear Spanish message and saves
nothing; another persona's cupos and certificates are never listed nor accepted."""

from decimal import Decimal

import pytest

from cupos.cancelacion import services as cancelacion
from cupos.models import Mecanismo, MovimientoSaldo
from tests.cupos.factories import asignacion_con_saldo, certificado_directo, cupo_con_subcupo

from .conftest import agregar, buscar, iniciar, seleccionar, siguiente, url_firmar, url_paso

pytestmark = pytest.mark.django_db


def _html(r):
    assert r.status_code == 200, r.status_code
    return r.content.decode()


def _lineas(s):
    s.refresh_from_db()
    return (s.datos.get("cancelacion") or {}).get("lineas") or []


@pytest.fixture
def borrador(cliente_moral, asignacion, cupo):
    """A draft with the cupo selected and a certificate of 1,000 kg (200 used)."""
    cert = certificado_directo(asignacion, "1000", utilizado="200")
    s = iniciar(cliente_moral)
    buscar(cliente_moral, s)
    seleccionar(cliente_moral, s, cupo[0])
    return s, cert


@pytest.mark.parametrize(
    ("monto", "mensaje"),
    [
        ("0", "El monto a favor debe ser mayor a cero."),
        ("-5", "El monto a favor debe ser mayor a cero."),
        ("abc", "El monto a favor debe ser un número"),
        ("1e3", "El monto a favor debe ser un número"),
        ("", "Capture el monto a favor del certificado."),
        ("1.2345", "más decimales de los que permite la unidad del cupo"),
        ("800.001", "excede el disponible del certificado"),
        ("1000", "excede el disponible del certificado"),
        ("１２", "El monto a favor debe ser un número"),  # fullwidth digits
        ("NaN", "El monto a favor debe ser un número"),
        ("9" * 41, "El monto tiene demasiados dígitos."),
    ],
)
def test_monto_invalido(cliente_moral, borrador, monto, mensaje):
    s, cert = borrador
    html = _html(agregar(cliente_moral, s, cert, monto))
    assert mensaje in html
    assert _lineas(s) == []


@pytest.mark.parametrize("monto", ["800", "800.000", "0.001", "799.999"])
def test_monto_valido_limites(cliente_moral, borrador, monto):
    s, cert = borrador
    assert agregar(cliente_moral, s, cert, monto).status_code == 302
    assert Decimal(_lineas(s)[0]["monto"]) == Decimal(monto)


def test_unidad_en_piezas_no_admite_decimales(cliente_moral, moral):
    cupo, sub = cupo_con_subcupo("piezas", unidad="pza")
    a = asignacion_con_saldo(moral, sub, numero="000005")
    cert = certificado_directo(a, "50")
    s = iniciar(cliente_moral)
    buscar(cliente_moral, s)
    seleccionar(cliente_moral, s, cupo)
    html = _html(agregar(cliente_moral, s, cert, "1.5"))
    assert "Capture una cantidad entera." in html
    assert agregar(cliente_moral, s, cert, "1").status_code == 302


def test_certificado_de_otra_persona(cliente_moral, borrador, otra, cupo):
    """A tampered certificate id of another persona, even in the same cupo: refused."""
    s, _ = borrador
    ajena = certificado_directo(asignacion_con_saldo(otra, cupo[1], numero="000077"), "900")
    html = _html(agregar(cliente_moral, s, ajena, "10"))
    assert "no está disponible para cancelar por este solicitante" in html
    assert ajena.folio not in html
    assert _lineas(s) == []
    # never listed either
    assert ajena.folio not in cliente_moral.get(url_paso(s)).content.decode()


def test_datos_alterados_se_revalidan_al_firmar(cliente_moral, borrador, otra, cupo):
    """Even if a foreign id reached the JSON, the pre-check and signing refuse it."""
    s, cert = borrador
    ajena = certificado_directo(asignacion_con_saldo(otra, cupo[1], numero="000078"), "900")
    s.refresh_from_db()
    datos = dict(s.datos["cancelacion"])
    datos["lineas"] = [{"certificado_id": ajena.pk, "folio": ajena.folio, "monto": "10"}]
    datos["listo"] = True
    s.datos = {**s.datos, "cancelacion": datos}
    s.save()
    assert cancelacion.errores_para_firma(s) == [
        "El certificado seleccionado no está disponible para cancelar por este solicitante."
    ]
    html = _html(cliente_moral.get(url_firmar(s)))
    assert "no está disponible para cancelar" in html and 'id="form-firma"' not in html


def test_certificado_inexistente_o_vacio(cliente_moral, borrador):
    s, _ = borrador
    assert "no está disponible para cancelar" in _html(agregar(cliente_moral, s, 999999, "10"))
    html = _html(agregar(cliente_moral, s, "", "10"))
    assert "Seleccione el certificado a cancelar" in html
    html = _html(agregar(cliente_moral, s, "abc", "10"))
    assert "Seleccione el certificado a cancelar" in html
    assert _lineas(s) == []


def test_certificado_de_otro_cupo_o_cancelado(cliente_moral, borrador, moral):
    s, cert = borrador
    _, sub2 = cupo_con_subcupo("otro-cupo")
    otro = certificado_directo(asignacion_con_saldo(moral, sub2, numero="000003"), "100")
    assert "no está disponible para cancelar" in _html(agregar(cliente_moral, s, otro, "10"))
    cert.estado = "cancelado"
    cert.save()
    assert "no está disponible para cancelar" in _html(agregar(cliente_moral, s, cert, "10"))
    assert _lineas(s) == []


def test_certificado_repetido(cliente_moral, borrador):
    s, cert = borrador
    assert agregar(cliente_moral, s, cert, "10").status_code == 302
    html = _html(agregar(cliente_moral, s, cert, "5"))
    assert f"El certificado {cert.folio} ya está en la lista" in html
    assert len(_lineas(s)) == 1


def test_siguiente_sin_certificados(cliente_moral, borrador):
    s, _ = borrador
    html = _html(siguiente(cliente_moral, s))
    assert "Agregue al menos un certificado a cancelar." in html
    s.refresh_from_db()
    assert not s.datos["cancelacion"].get("listo")
    html = _html(cliente_moral.get(url_firmar(s)))
    assert "Antes de firmar complete lo siguiente" in html and 'id="form-firma"' not in html


def test_siguiente_sin_cupo(cliente_moral, asignacion):
    certificado_directo(asignacion, "500")  # the trámite opens only with something to cancel
    s = iniciar(cliente_moral)
    html = _html(siguiente(cliente_moral, s))
    assert "Seleccione un cupo de la lista de cupos disponibles." in html


@pytest.mark.parametrize(
    ("datos", "mensajes"),
    [
        (
            {"regimen": "", "mecanismo": ""},
            ["Seleccione el régimen aduanero.", "Seleccione el mecanismo de asignación."],
        ),
        ({"regimen": ""}, ["Seleccione el régimen aduanero."]),
        ({"mecanismo": ""}, ["Seleccione el mecanismo de asignación."]),
        ({"regimen": "transito"}, ["Seleccione un régimen aduanero de la lista."]),
        ({"producto": "Uranio"}, ["Seleccione un producto de la lista."]),
        ({"representacion_federal": "9999"}, ["Seleccione una representación federal"]),
    ],
)
def test_filtros_requeridos_y_validos(cliente_moral, asignacion, datos, mensajes):
    certificado_directo(asignacion, "500")  # the trámite opens only with something to cancel
    s = iniciar(cliente_moral)
    html = _html(buscar(cliente_moral, s, **datos))
    for m in mensajes:
        assert m in html
    s.refresh_from_db()
    assert not (s.datos.get("cancelacion") or {}).get("buscado")


def test_busqueda_solo_cupos_con_certificados_propios(cliente_moral, moral, otra, cupo, asignacion):
    # the persona's only certificate is used up once the draft is open: nothing found
    # (the trámite cannot be started without something to cancel)
    usado = certificado_directo(asignacion, "500")
    s = iniciar(cliente_moral)
    usado.monto_utilizado = usado.monto_expedido
    usado.save(update_fields=["monto_utilizado"])
    assert buscar(cliente_moral, s).status_code == 302
    html = cliente_moral.get(url_paso(s)).content.decode()
    assert "No se encontraron cupos con certificados vigentes" in html
    # another persona's certificate in another cupo: still not listed for us
    c2, sub2 = cupo_con_subcupo("ajeno")
    certificado_directo(asignacion_con_saldo(otra, sub2, numero="000044"), "500")
    propio = certificado_directo(asignacion, "500")
    buscar(cliente_moral, s)
    html = cliente_moral.get(url_paso(s)).content.decode()
    assert cupo[0].nombre in html and c2.nombre not in html
    # selecting the foreign cupo by a tampered id is refused
    html = _html(seleccionar(cliente_moral, s, c2))
    assert "Seleccione un cupo de la lista de cupos disponibles." in html
    # filters narrow: exportación / licitación find nothing
    buscar(cliente_moral, s, regimen="exportacion")
    assert "No se encontraron cupos" in cliente_moral.get(url_paso(s)).content.decode()
    buscar(cliente_moral, s, mecanismo=Mecanismo.LICITACION_PUBLICA)
    assert "No se encontraron cupos" in cliente_moral.get(url_paso(s)).content.decode()
    assert propio.folio  # (listed once the cupo is selected; see test_flujo)


def test_cambiar_de_cupo_quita_las_lineas(cliente_moral, moral, borrador):
    s, cert = borrador
    assert agregar(cliente_moral, s, cert, "10").status_code == 302
    c2, sub2 = cupo_con_subcupo("segundo")
    certificado_directo(asignacion_con_saldo(moral, sub2, numero="000006"), "100")
    buscar(cliente_moral, s)
    r = seleccionar(cliente_moral, s, c2)
    assert r.status_code == 302
    assert _lineas(s) == []


@pytest.mark.parametrize("ident", ["abc", "", "１２", "1.0", "-1", "9" * 30, " 1", "999999"])
def test_quitar_con_identificador_invalido(cliente_moral, borrador, ident):
    s, cert = borrador
    agregar(cliente_moral, s, cert, "10")
    html = _html(cliente_moral.post(url_paso(s), {"accion": f"quitar-{ident}"}))
    assert "No se encontró el certificado a quitar." in html
    assert len(_lineas(s)) == 1


def test_ids_no_ascii_en_certificado_y_cupo(cliente_moral, borrador, cupo):
    """Ids come from the page's own buttons: fullwidth digits or spaces are tampering."""
    s, cert = borrador
    r = cliente_moral.post(
        url_paso(s),
        {"accion": "agregar", "certificado": str(cert.pk).translate(_ANCHO), "monto": "1"},
    )
    assert "Seleccione el certificado a cancelar" in _html(r)
    assert _lineas(s) == []
    r = cliente_moral.post(url_paso(s), {"accion": f"cupo- {cupo[0].pk} "})
    assert "Seleccione un cupo de la lista de cupos disponibles." in _html(r)


_ANCHO = str.maketrans("0123456789", "０１２３４５６７８９")


def test_accion_desconocida(cliente_moral, borrador):
    s, _ = borrador
    assert "Acción no válida." in _html(cliente_moral.post(url_paso(s), {"accion": "borrar"}))


def test_nada_se_aplica_sin_firma(cliente_moral, borrador):
    s, cert = borrador
    agregar(cliente_moral, s, cert, "10")
    siguiente(cliente_moral, s)
    cert.refresh_from_db()
    assert cert.monto_cancelado == 0
    assert not MovimientoSaldo.objects.filter(tipo="cancelacion").exists()
