"""Issue 9 item 11: the public verification page shows a certificado de cupo's monto
amparado, utilizado, cancelado and saldo (formatted by cupos.montos, with the unit), and a
partly cancelled certificate says so. The detail comes from a provider cupos registers with
acuses (acuses never imports cupos)."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from acuses.verificacion import _proveedores
from cupos import saldos
from cupos.documentos import PLANTILLA_PDF
from cupos.expedicion.services import documento_certificado
from cupos.models import CertificadoCupo
from tests.cupos.factories import asignacion_con_saldo, certificado_directo, cupo_con_subcupo
from tests.tramites.conftest import crear_persona

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sin_limite():
    cache.clear()  # the page is rate-limited per client
    yield
    cache.clear()


@pytest.fixture
def asignacion(db):
    persona = crear_persona("LBA100315MX4", "LACTEOS DEL BAJIO SA DE CV")
    _, sub = cupo_con_subcupo("lacteos-verif")
    return asignacion_con_saldo(persona, sub, Decimal("500000"))


def emitido(asignacion, monto, utilizado="0") -> CertificadoCupo:
    """A certificate with its sealed document, issued by the expedición service."""
    cert = certificado_directo(asignacion, monto, utilizado=utilizado)
    cert.solicitud.folio = f"0201200200220260101{cert.pk:06d}"
    cert.solicitud.save(update_fields=["folio"])
    cert.folio = f"{cert.solicitud.folio}-01"
    with transaction.atomic():
        cert.documento = documento_certificado(cert, 1)
        cert.save(update_fields=["folio", "documento"])
    return cert


def verificar(client, cert) -> str:
    r = client.get(
        reverse("acuses:verificar"),
        {"folio": cert.folio, "codigo": cert.documento.codigo_verificacion},
    )
    assert r.status_code == 200
    return r.content.decode()


def filas(html: str) -> dict[str, str]:
    import re

    return {
        th.strip(): re.sub(r"<[^>]+>", "", td).strip()
        for th, td in re.findall(r'<th scope="row">([^<]+)</th>\s*<td[^>]*>(.*?)</td>', html, re.S)
    }


def test_el_registro_lo_hace_cupos_para_su_plantilla():
    assert PLANTILLA_PDF in _proveedores


def test_certificado_vigente_muestra_montos_y_saldo(client, asignacion):
    cert = emitido(asignacion, "1234.5", utilizado="200")
    f = filas(verificar(client, cert))
    assert f["Estado"] == "Vigente"
    assert f["Monto amparado"] == "1,234.5 kg"
    assert f["Monto utilizado"] == "200 kg"
    assert f["Monto cancelado"] == "0 kg"
    assert f["Saldo del certificado"] == "1,034.5 kg"
    assert f["Vigencia"] == f"{cert.vigencia_inicio:%d/%m/%Y} al {cert.vigencia_fin:%d/%m/%Y}"


def test_certificado_cancelado_parcialmente_lo_dice(client, asignacion):
    cert = emitido(asignacion, "1000")
    with transaction.atomic():
        saldos.registrar_devolucion(cert, Decimal("300.25"))
    f = filas(verificar(client, cert))
    assert f["Estado"] == "Vigente, cancelado parcialmente"
    assert f["Monto amparado"] == "1,000 kg"
    assert f["Monto cancelado"] == "300.25 kg"
    assert f["Saldo del certificado"] == "699.75 kg"


def test_certificado_cancelado_totalmente(client, asignacion):
    from acuses.services import actualizar_estado

    cert = emitido(asignacion, "1000")
    with transaction.atomic():
        saldos.registrar_devolucion(cert, Decimal("1000"))
    CertificadoCupo.objects.filter(pk=cert.pk).update(estado="cancelado")
    actualizar_estado(cert.documento, "cancelado")
    html = verificar(client, cert)
    f = filas(html)
    assert f["Estado"].startswith("Cancelado desde el ") and f["Saldo del certificado"] == "0 kg"
    assert "alert-warning" in html


def test_un_proveedor_que_falla_no_rompe_la_pagina(client, asignacion, monkeypatch):
    cert = emitido(asignacion, "1000")

    def roto(documento):
        raise RuntimeError("boom")

    monkeypatch.setitem(_proveedores, PLANTILLA_PDF, roto)
    f = filas(verificar(client, cert))
    assert f["Estado"] == "Vigente" and "Monto amparado" not in f


def test_acuse_sin_proveedor_no_muestra_montos(client, asignacion):
    from acuses.models import Documento

    cert = emitido(asignacion, "1000")
    acuse = Documento.objects.create(
        solicitud=cert.solicitud,
        tipo="acuse",
        titulo="Acuse",
        folio=cert.solicitud.folio,
        cadena_original="|x||",
    )
    r = client.get(
        reverse("acuses:verificar"), {"folio": acuse.folio, "codigo": acuse.codigo_verificacion}
    )
    f = filas(r.content.decode())
    assert f["Estado"] == "Vigente" and "Monto amparado" not in f


def test_detalle_del_oficio_de_asignacion(asignacion):
    from cupos.verificacion import detalle_oficio

    certificado_directo(asignacion, "1000")
    d = dict(detalle_oficio(asignacion).lineas)
    assert d["Monto asignado"] == "500,000 kg"
    assert d["Monto expedido en certificados"] == "1,000 kg"
    assert d["Saldo disponible"] == "499,000 kg"
