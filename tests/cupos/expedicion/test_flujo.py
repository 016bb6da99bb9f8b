"""Expedición de certificados (seed 000) through the test client: Buscar, Agregar, Quitar,
Continuar, Firmar; the acuse, one certificado PDF per monto, and the ledger."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from acuses.models import Documento
from cupos import saldos
from cupos.models import CertificadoCupo, LineaExpedicion, MovimientoSaldo
from tests.tramites.conftest import entrar
from tramites.models import RegistroAuditoria, Solicitud
from vucem.models import Rol

from .conftest import agregar, buscar, firmar_en, hoy, iniciar, url_paso

pytestmark = pytest.mark.django_db


def _texto_pdf(contenido: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(contenido)).pages)


def _capturar(client, vucem_id, asignacion, montos):
    s = iniciar(client, vucem_id)
    assert client.get(url_paso(s)).status_code == 200
    r = buscar(client, s, asignacion.anio, asignacion.numero_oficio)
    assert r.status_code == 302
    for m in montos:
        r = agregar(client, s, m)
        assert r.status_code == 302, r.content.decode()[:2000]
    return s


@pytest.mark.parametrize("tipo", ["moral", "fisica"])
def test_expedicion_completa(request, tipo, fiel, django_capture_on_commit_callbacks):
    persona = request.getfixturevalue(tipo)
    client = request.getfixturevalue(f"cliente_{tipo}")
    asignacion = request.getfixturevalue("asignacion" if tipo == "moral" else "asignacion_fisica")
    vucem_id = 120202 if tipo == "moral" else 120201

    s = iniciar(client, vucem_id)
    assert s.solicitante == persona and s.datos["solicitante"]["rfc"] == persona.rfc
    r = client.get(url_paso(s))
    html = r.content.decode()
    assert "Expedición Certificados Asignación Directa" in html
    assert "Año del oficio de asignación" in html and "Número de oficio de asignación" in html

    # Buscar: "1" finds oficio 000001 / 000002 ... by number
    r = buscar(client, s, asignacion.anio, asignacion.numero_oficio)
    assert r.status_code == 302
    html = client.get(url_paso(s)).content.decode()
    for texto in ("1901.90.05", "Importación", "Unilateral", "Preparaciones lácteas", "kilogramos"):
        assert texto in html
    monto_txt = f"{asignacion.monto_asignado:,.0f}"
    assert monto_txt in html  # monto asignado / saldo aprobado / disponible

    # Agregar ×3, quitar one
    assert agregar(client, s, "1000").status_code == 302
    assert agregar(client, s, "2,500.5").status_code == 302
    assert agregar(client, s, "7").status_code == 302
    lineas = list(LineaExpedicion.objects.filter(solicitud=s))
    assert [x.monto for x in lineas] == [Decimal("1000"), Decimal("2500.5"), Decimal("7")]
    html = client.get(url_paso(s)).content.decode()
    disponible = asignacion.monto_asignado - Decimal("3507.5")
    assert f"{disponible:,.1f}" in html and "3,507.5" in html  # saldo disponible, total
    r = client.post(url_paso(s), {"accion": f"quitar-{lineas[2].pk}"})
    assert r.status_code == 302
    assert LineaExpedicion.objects.filter(solicitud=s).count() == 2

    # Continuar → Paso 2 Firmar
    r = client.post(url_paso(s), {"accion": "continuar"})
    assert r.url == reverse("tramites:firmar", args=[s.numero_temporal])
    r = client.get(r.url)
    html = r.content.decode()
    assert 'id="form-firma"' in html and "Certificado 2: monto a expedir" in html
    assert "Total a expedir" in html and "3,500.5 kg" in html

    with django_capture_on_commit_callbacks(execute=False):
        r = firmar_en(client, reverse("tramites:firmar", args=[s.numero_temporal]), fiel(persona))
    assert r.status_code == 302, r.content.decode()[:3000]
    s.refresh_from_db()
    assert s.estado == Solicitud.Estado.FIRMADA and len(s.folio) == 25
    assert s.folio[2:11] == ("012002002" if tipo == "moral" else "012002001")
    # cadena: fixed order año, número de oficio, cupo clave, each monto
    assert s.cadena_original.endswith(
        f"|{asignacion.anio}|{asignacion.numero_oficio}|{asignacion.cupo.clave}|1000.000|2500.500||"
    )

    docs = list(s.documentos.order_by("tipo", "folio"))
    assert [d.tipo for d in docs] == ["acuse", "certificado", "certificado"]
    certs = list(CertificadoCupo.objects.filter(solicitud=s).order_by("numero"))
    assert [c.folio for c in certs] == [f"{s.folio}-01", f"{s.folio}-02"]
    assert [c.monto_expedido for c in certs] == [Decimal("1000"), Decimal("2500.5")]
    assert all(c.titular == persona and c.vigencia_inicio == hoy() for c in certs)
    assert all(
        c.vigencia_fin == min(asignacion.vigencia_fin, hoy().replace(month=12, day=31))
        for c in certs
    )
    assert all(c.documento and c.documento.folio == c.folio for c in certs)
    # ledger and audit
    t = saldos.totales(asignacion)
    assert t["expedido"] == Decimal("3500.5")
    assert t["disponible"] == asignacion.monto_asignado - Decimal("3500.5")
    assert MovimientoSaldo.objects.filter(asignacion=asignacion, tipo="expedicion").count() == 2
    assert (
        RegistroAuditoria.objects.filter(
            object_id__in=[str(c.pk) for c in certs], estado_nuevo="vigente"
        ).count()
        == 2
    )

    # registrada page lists the documents; PDFs download with the right text
    html = client.get(reverse("tramites:registrada", args=[s.numero_temporal])).content.decode()
    assert s.folio in html
    r = client.get(reverse("acuses:descargar", args=[certs[1].documento.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    texto = _texto_pdf(r.getvalue())
    assert certs[1].folio in texto
    assert "2,500.500" in texto or "2,500.5" in texto
    assert persona.rfc in texto
    assert "1901.90.05" in texto
    acuse = next(d for d in docs if d.tipo == "acuse")
    r = client.get(reverse("acuses:descargar", args=[acuse.pk]))
    assert s.folio in _texto_pdf(r.getvalue())

    # the certificate's Ventanilla seal verifies over its own cadena
    from acuses.services import verificar_documento

    v = verificar_documento(certs[0].folio, certs[0].documento.codigo_verificacion)
    assert v["sello_ventanilla"] is True and v["sello_solicitante"] is True


def test_capturista_captura_y_el_solicitante_firma(client, moral, asignacion, capturista, fiel):
    entrar(client, capturista, moral, Rol.CAPTURISTA_PRIVADO)
    s = _capturar(client, 120202, asignacion, ["100", "200"])
    assert s.capturada_por == capturista and s.solicitante == moral
    client.post(url_paso(s), {"accion": "continuar"})
    html = client.get(reverse("tramites:firmar", args=[s.numero_temporal])).content.decode()
    assert 'id="form-firma"' not in html and "bandeja de tareas pendientes" in html
    r = firmar_en(client, reverse("tramites:firmar", args=[s.numero_temporal]), fiel(moral))
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.estado == "borrador" and not CertificadoCupo.objects.exists()

    # the draft appears in the solicitante's bandeja and is signed there
    from tests.tramites.conftest import usuario_solicitante

    client.logout()
    entrar(client, usuario_solicitante(moral), moral, Rol.SOLICITANTE_MORAL)
    bandeja = client.get(reverse("vucem:bandeja")).content.decode()
    assert s.numero_temporal in bandeja
    r = firmar_en(client, reverse("tramites:firmar", args=[s.numero_temporal]), fiel(moral))
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.estado == "firmada" and CertificadoCupo.objects.filter(solicitud=s).count() == 2


def test_doble_envio_de_la_firma_expide_una_vez(cliente_moral, moral, asignacion, fiel):
    s = _capturar(cliente_moral, 120202, asignacion, ["100"])
    cliente_moral.post(url_paso(s), {"accion": "continuar"})
    url = reverse("tramites:firmar", args=[s.numero_temporal])
    r1 = firmar_en(cliente_moral, url, fiel(moral))
    r2 = firmar_en(cliente_moral, url, fiel(moral))
    assert r1.status_code == r2.status_code == 302
    assert CertificadoCupo.objects.filter(solicitud=s).count() == 1
    assert saldos.totales(asignacion)["expedido"] == Decimal("100")
    # and the service itself is idempotent
    from django.db import transaction

    from cupos.expedicion.services import emitir_certificados

    s.refresh_from_db()
    with transaction.atomic():
        emitir_certificados(s, usuario=None)
    assert MovimientoSaldo.objects.filter(tipo="expedicion").count() == 1


# ------------------------------------------------------------------ bad input


def _errores(r):
    assert r.status_code == 200
    return r.content.decode()


@pytest.mark.parametrize(
    ("monto", "mensaje"),
    [
        ("0", "debe ser mayor a cero"),
        ("-5", "debe ser mayor a cero"),
        ("abc", "debe ser un número"),
        ("1e3", "debe ser un número"),
        ("", "Capture el monto a expedir"),
        ("1.2345", "más decimales de los que permite la unidad"),
        ("500001", "Saldo insuficiente"),
        ("１２", "debe ser un número"),  # fullwidth digits are not a monto
        ("１,０００", "debe ser un número"),
        ("1" * 41, "El monto tiene demasiados dígitos."),  # longer than the field allows
    ],
)
def test_montos_invalidos(cliente_moral, asignacion, monto, mensaje):
    s = iniciar(cliente_moral, 120202)
    buscar(cliente_moral, s, asignacion.anio, asignacion.numero_oficio)
    html = _errores(agregar(cliente_moral, s, monto))
    assert mensaje in html and "Revise lo siguiente" in html
    assert not LineaExpedicion.objects.exists()


def test_suma_de_lineas_no_excede_el_saldo(cliente_moral, asignacion):
    s = iniciar(cliente_moral, 120202)
    buscar(cliente_moral, s, asignacion.anio, asignacion.numero_oficio)
    assert agregar(cliente_moral, s, "400000").status_code == 302
    html = _errores(agregar(cliente_moral, s, "100000.001"))
    assert "Saldo insuficiente" in html and "saldo disponible: 500,000 kg" in html
    assert agregar(cliente_moral, s, "100000").status_code == 302  # exactly the rest fits
    assert LineaExpedicion.objects.filter(solicitud=s).count() == 2


def test_piezas_no_admiten_decimales(cliente_moral, moral):
    from tests.cupos.factories import asignacion_con_saldo, cupo_con_subcupo

    _cupo, sub = cupo_con_subcupo(clave="piezas", unidad="pza")
    a = asignacion_con_saldo(moral, sub, 100, numero="000777")
    s = iniciar(cliente_moral, 120202)
    buscar(cliente_moral, s, a.anio, a.numero_oficio)
    assert "Capture una cantidad entera" in _errores(agregar(cliente_moral, s, "1.5"))
    assert agregar(cliente_moral, s, "2").status_code == 302


def test_oficio_de_otro_rfc_o_de_otro_anio_no_se_encuentra(cliente_moral, moral, otra, cupo):
    from tests.cupos.factories import asignacion_con_saldo

    ajena = asignacion_con_saldo(otra, cupo[1], numero="000009")
    propia = asignacion_con_saldo(moral, cupo[1], numero="000010")
    s = iniciar(cliente_moral, 120202)
    for anio, numero in [
        (ajena.anio, ajena.numero_oficio),  # another company's oficio
        (propia.anio - 1, propia.numero_oficio),  # another year
        (propia.anio, "999999"),  # unknown
    ]:
        html = _errores(buscar(cliente_moral, s, anio, numero))
        assert "No se encontró la asignación" in html
        assert otra.nombre not in html and otra.rfc not in html
    s.refresh_from_db()
    assert "expedicion" not in s.datos
    # and a forged asignacion id in the draft is ignored
    s.datos = {**s.datos, "expedicion": {"asignacion_id": ajena.pk, "listo": True}}
    s.save()
    html = _errores(agregar(cliente_moral, s, "1"))
    assert "Primero busque la asignación" in html and otra.rfc not in html


def test_asignacion_vencida_o_cancelada(cliente_moral, moral, cupo, asignacion):
    """``asignacion``: a vigente one, so the trámite can be started (issue 9 item 7)."""
    import datetime as dt

    from cupos.models import Asignacion
    from tests.cupos.factories import asignacion_con_saldo

    vencida = asignacion_con_saldo(
        moral, cupo[1], numero="000020", vigencia_fin=hoy() - dt.timedelta(days=1)
    )
    cancelada = asignacion_con_saldo(
        moral, cupo[1], numero="000021", estado=Asignacion.Estado.CANCELADA
    )
    s = iniciar(cliente_moral, 120202)
    for a in (vencida, cancelada):
        assert "La asignación ya no está vigente" in _errores(
            buscar(cliente_moral, s, a.anio, a.numero_oficio)
        )
    s.refresh_from_db()
    assert "expedicion" not in s.datos


def test_buscar_valida_campos(cliente_moral, asignacion):
    s = iniciar(cliente_moral, 120202)
    html = _errores(
        cliente_moral.post(
            url_paso(s), {"accion": "buscar", "anio": "dos mil", "numero_oficio": ""}
        )
    )
    assert "El año del oficio debe ser un número" in html and "Capture el número de oficio" in html


def test_lista_vacia_no_se_puede_firmar(cliente_moral, moral, asignacion, fiel):
    s = iniciar(cliente_moral, 120202)
    buscar(cliente_moral, s, asignacion.anio, asignacion.numero_oficio)
    html = _errores(cliente_moral.post(url_paso(s), {"accion": "continuar"}))
    assert "Agregue al menos un monto a expedir" in html
    html = cliente_moral.get(reverse("tramites:firmar", args=[s.numero_temporal])).content.decode()
    assert "Agregue al menos un monto a expedir" in html and 'id="form-firma"' not in html
    r = firmar_en(cliente_moral, reverse("tramites:firmar", args=[s.numero_temporal]), fiel(moral))
    s.refresh_from_db()
    assert s.estado == "borrador" and not Documento.objects.filter(solicitud=s).exists()
    assert r.status_code == 200 and "Agregue al menos un monto" in r.content.decode()


def test_saldo_consumido_por_otra_solicitud_antes_de_firmar(cliente_moral, moral, asignacion, fiel):
    """Two drafts against the same asignación: the second one no longer fits at signing."""
    s1 = _capturar(cliente_moral, 120202, asignacion, ["300000"])
    s2 = _capturar(cliente_moral, 120202, asignacion, ["300000"])
    for s in (s1, s2):
        cliente_moral.post(url_paso(s), {"accion": "continuar"})
    r = firmar_en(cliente_moral, reverse("tramites:firmar", args=[s1.numero_temporal]), fiel(moral))
    assert r.status_code == 302
    r = firmar_en(cliente_moral, reverse("tramites:firmar", args=[s2.numero_temporal]), fiel(moral))
    assert r.status_code == 200 and "Saldo insuficiente" in r.content.decode()
    s2.refresh_from_db()
    assert s2.estado == "borrador" and s2.folio is None
    assert saldos.totales(asignacion)["disponible"] == Decimal("200000")


def test_nueva_busqueda_descarta_lineas_de_otra_asignacion(cliente_moral, moral, asignacion, cupo):
    from tests.cupos.factories import asignacion_con_saldo

    otra_asig = asignacion_con_saldo(moral, cupo[1], numero="000030")
    s = _capturar(cliente_moral, 120202, asignacion, ["10"])
    buscar(cliente_moral, s, otra_asig.anio, otra_asig.numero_oficio)
    assert not LineaExpedicion.objects.filter(solicitud=s).exists()
    s.refresh_from_db()
    assert s.datos["expedicion"]["asignacion_id"] == otra_asig.pk


def _ancho_completo(numero: int) -> str:
    """12 → "１２": fullwidth digits, which ``int()`` would accept."""
    return "".join(chr(ord(c) - ord("0") + ord("０")) for c in str(numero))


@pytest.mark.parametrize(
    "sufijo",
    [
        lambda pk: "abc",
        lambda pk: "",
        lambda pk: f"{pk}.0",
        lambda pk: f"-{pk}",
        lambda pk: _ancho_completo(pk),
        lambda pk: "9" * 30,
        lambda pk: str(pk + 100000),
    ],
    ids=[
        "letras",
        "vacio",
        "decimal",
        "negativo",
        "ancho-completo",
        "enorme",
        "no-es-del-borrador",
    ],
)
def test_quitar_con_identificador_invalido(cliente_moral, asignacion, sufijo):
    s = _capturar(cliente_moral, 120202, asignacion, ["10", "20"])
    cliente_moral.post(url_paso(s), {"accion": "continuar"})
    s.refresh_from_db()
    assert s.datos["expedicion"]["listo"] is True
    linea = LineaExpedicion.objects.filter(solicitud=s).first()
    r = cliente_moral.post(url_paso(s), {"accion": f"quitar-{sufijo(linea.pk)}"})
    html = _errores(r)
    assert "No se encontró el monto a quitar." in html and "Revise lo siguiente" in html
    assert LineaExpedicion.objects.filter(solicitud=s).count() == 2  # nothing changed
    s.refresh_from_db()
    assert s.datos["expedicion"]["listo"] is True
