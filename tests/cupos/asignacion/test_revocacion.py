"""Issue 10 items 1 and 4: nivel central revokes an oficio de asignación (service and staff
page, end to end), the dictamen detail opens what was issued, and the oficio names the
official who resolved it."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from acuses.models import Documento
from acuses.services import obtener_pdf
from cupos import saldos
from cupos.asignacion import dictamen, revocacion
from cupos.expedicion import services as expedicion
from cupos.models import Asignacion, MovimientoSaldo
from tests.cupos.factories import solicitud_asignacion_firmada
from tramites.models import Notificacion
from tramites.reglas import ReglaError, TramiteError
from tramites.services import historial
from vucem.models import Rol

from .conftest import aware, crear_persona, dictaminador_user, entrar, usuario_solicitante

pytestmark = pytest.mark.django_db


def texto_pdf(doc) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(obtener_pdf(doc))).pages)


@pytest.fixture
def dictaminadora(db):
    u = dictaminador_user("ana.dictamen")
    u.first_name, u.last_name, u.cargo = "Ana", "Torres Dictamen", "Directora de Cupos"
    u.save()
    return u


@pytest.fixture
def central(db):
    return dictaminador_user("luis.central", grupo=Rol.NIVEL_CENTRAL)


def firmada(avena, capturador, rfc: str, nombre: str):
    """A signed avena solicitud for 1,000 kg (consumo auditado 5,000), waiting for dictamen."""
    _, sub = avena
    return solicitud_asignacion_firmada(
        crear_persona(rfc, nombre),
        sub,
        recibida=aware(2024, 3, 1, 9),
        usuario=capturador,
        monto_solicitado=D("1000"),
        consumo_auditado_12m=D("5000"),
    )


@pytest.fixture
def aprobada(avena, capturador, dictaminadora):
    s = firmada(avena, capturador, "AVE010101AA1", "MOLINOS DE AVENA")
    return dictamen.aprobar(s, usuario=dictaminadora, monto=D("1000"))


def test_el_oficio_nombra_al_funcionario_y_su_cargo_en_pdf_y_cadena(aprobada):
    oficio = aprobada.documento
    assert oficio.contexto["firmante"] == {
        "nombre": "ANA TORRES DICTAMEN",
        "cargo": "Directora de Cupos",
    }
    assert "|ANA TORRES DICTAMEN|Directora de Cupos|" in oficio.cadena_original
    texto = texto_pdf(oficio)
    assert "ANA TORRES DICTAMEN" in texto and "Directora de Cupos" in texto


def test_detalle_del_dictamen_enlaza_los_documentos_emitidos(client, aprobada, dictaminadora):
    s, oficio = aprobada.solicitud, aprobada.documento
    client.force_login(dictaminadora)
    html = client.get(reverse("cupos:dictamen_detalle", args=[s.folio])).content.decode()
    url = reverse("cupos:dictamen_documento", args=[s.folio, oficio.pk])
    assert f'href="{url}"' in html
    assert f"codigo={oficio.codigo_verificacion}" in html
    assert "Revocar oficio" not in html  # dictaminador: no revocation
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("inline")
    assert client.get(url + "?descargar=1")["Content-Disposition"].startswith("attachment")
    # a document of another solicitud through this folio: 404
    otro = Documento.objects.exclude(solicitud=s).first()
    if otro is not None:
        assert (
            client.get(reverse("cupos:dictamen_documento", args=[s.folio, otro.pk])).status_code
            == 404
        )


def test_documento_del_dictamen_no_es_para_el_solicitante(client, aprobada):
    s, oficio = aprobada.solicitud, aprobada.documento
    persona = s.solicitante
    entrar(client, usuario_solicitante(persona), persona, Rol.SOLICITANTE_MORAL)
    url = reverse("cupos:dictamen_documento", args=[s.folio, oficio.pk])
    assert client.get(url).status_code == 404
    a = aprobada.asignacion
    url = reverse("cupos:dictamen_revocar", args=[a.anio, a.numero_oficio])
    assert client.get(url).status_code == 404


def test_solo_nivel_central_revoca(aprobada, dictaminadora, client):
    a = aprobada.asignacion
    with pytest.raises(TramiteError) as e:
        revocacion.revocar_oficio(a, usuario=dictaminadora, motivo="x")
    assert e.value.codigo == "sin_permiso"
    client.force_login(dictaminadora)
    url = reverse("cupos:dictamen_revocar", args=[a.anio, a.numero_oficio])
    assert client.get(url).status_code == 404
    assert client.post(url, {"motivo": "x"}).status_code == 404
    a.refresh_from_db()
    assert a.estado == Asignacion.Estado.VIGENTE


def test_revocacion_de_punta_a_punta(
    client, aprobada, central, dictaminadora, django_capture_on_commit_callbacks
):
    s, a, oficio = aprobada.solicitud, aprobada.asignacion, aprobada.documento
    client.force_login(central)
    detalle = client.get(reverse("cupos:dictamen_detalle", args=[s.folio])).content.decode()
    url = reverse("cupos:dictamen_revocar", args=[a.anio, a.numero_oficio])
    assert f'href="{url}"' in detalle
    r = client.get(url)
    assert r.status_code == 200 and 'name="motivo"' in r.content.decode()
    r = client.post(url, {"motivo": "  "})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Capture el motivo de la revocación." in html and 'aria-invalid="true"' in html
    a.refresh_from_db()
    assert a.estado == Asignacion.Estado.VIGENTE

    motivo = "El beneficiario presentó información falsa en el reporte de auditor."
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"motivo": motivo})
    assert r.status_code == 302
    a.refresh_from_db()
    oficio.refresh_from_db()
    assert a.estado == Asignacion.Estado.REVOCADA
    assert oficio.estado == Documento.Estado.REVOCADO
    assert oficio.estado_motivo == motivo and oficio.estado_desde is not None
    # audited: the asignación and the document, by nivel central, with the motivo
    h = list(historial(a))[-1]
    assert (h.estado_anterior, h.estado_nuevo, h.usuario) == ("vigente", "revocada", central)
    assert motivo in h.motivo
    hd = list(historial(oficio))[-1]
    assert (hd.estado_anterior, hd.estado_nuevo, hd.usuario) == ("vigente", "revocado", central)
    # notified: the beneficiary and the dictaminador who resolved it
    avisos = Notificacion.objects.filter(asunto__contains="Revocación del oficio")
    assert avisos.filter(persona=s.solicitante, solicitud=s).count() == 1
    assert avisos.filter(usuario=dictaminadora).count() == 1
    assert motivo in avisos.first().cuerpo
    # the saldo can no longer be expedited: the rule refuses it and the ledger withdrew it
    assert saldos.disponible(a) == 0
    ajuste = MovimientoSaldo.objects.get(asignacion=a, tipo=MovimientoSaldo.Tipo.AJUSTE)
    assert ajuste.monto == D("-1000") and ajuste.usuario == central
    with pytest.raises(ReglaError) as e:
        expedicion.buscar_asignacion(s.solicitante, a.anio, a.numero_oficio)
    assert e.value.codigo == "EXP005"
    # public verification: Revocado, since when, why
    client.logout()
    r = client.get(
        reverse("acuses:verificar"),
        {"folio": oficio.folio, "codigo": oficio.codigo_verificacion},
    )
    html = r.content.decode()
    assert "Revocado" in html and motivo in html
    assert f"Revocado desde el {timezone.localtime(oficio.estado_desde):%d/%m/%Y}" in html
    # a second revocation changes nothing
    r2 = revocacion.revocar_oficio(a, usuario=central, motivo="otra")
    assert r2.ya_revocada
    oficio.refresh_from_db()
    assert oficio.estado_motivo == motivo
    assert avisos.count() == 2


def test_no_se_revoca_un_oficio_no_vigente(aprobada, central):
    a = aprobada.asignacion
    Asignacion.objects.filter(pk=a.pk).update(estado=Asignacion.Estado.VENCIDA)
    with pytest.raises(TramiteError) as e:
        revocacion.revocar_oficio(a, usuario=central, motivo="tarde")
    assert e.value.codigo == "oficio_no_vigente"
    assert aprobada.documento.__class__.objects.get(pk=aprobada.documento.pk).estado == "vigente"


def test_oficio_sin_solicitud_se_revoca_desde_el_admin(client, avena, central):
    """Oficios loaded without a solicitud (e.g. the demo's): the asignación's admin page
    links nivel central to the revocation page; there is no document to mark."""
    from tests.cupos.factories import asignacion_con_saldo

    _, sub = avena
    a = asignacion_con_saldo(crear_persona("AVE010101AA1", "MOLINOS"), sub, "5000", numero="000777")
    client.force_login(central)
    ficha = client.get(reverse("admin:cupos_asignacion_change", args=[a.pk])).content.decode()
    url = reverse("cupos:dictamen_revocar", args=[a.anio, a.numero_oficio])
    assert url in ficha
    r = client.post(url, {"motivo": "Duplicado"})
    assert r.status_code == 302 and r.url == url
    a.refresh_from_db()
    assert a.estado == Asignacion.Estado.REVOCADA
    assert "Revocada" in client.get(url).content.decode()
    assert Notificacion.objects.filter(persona=a.beneficiario).count() == 1


def test_revocar_devuelve_al_subcupo_solo_lo_no_expedido(aprobada, central):
    """The subcupo gets back only the saldo the revocation withdrew; what a certificate already
    uses stays consumed (issue 10 item 1, consistency with the ledger)."""
    from cupos.asignacion.saldo import asignado_en, previo_por_beneficiario, saldo_subcupo
    from tests.cupos.factories import certificado_directo

    a = aprobada.asignacion
    sub = a.subcupo
    antes = saldo_subcupo(sub)
    certificado_directo(a, D("300"))
    assert saldo_subcupo(sub) == antes  # expediting moves saldo inside the asignación only
    revocacion.revocar_oficio(a, usuario=central, motivo="Documentación apócrifa")
    assert asignado_en(sub) == D("300")
    assert saldo_subcupo(sub) == antes + D("700")
    # and the beneficiary's previous amount (per-beneficiary caps) keeps those 300
    assert previo_por_beneficiario(sub)[a.beneficiario.rfc] == D("300")


def test_historial_del_detalle_con_etiquetas_legibles(client, aprobada, dictaminadora):
    """The staff detail page's history reads like the solicitante's (labels, who)."""
    s = aprobada.asignacion.solicitud
    client.force_login(dictaminadora)
    html = client.get(reverse("cupos:dictamen_detalle", args=[s.folio])).content.decode()
    historial = html[html.index('id="hist"') :]
    assert "En dictamen → Resuelta" in historial and "en_dictamen" not in historial
    assert "Ana Torres Dictamen, Directora de Cupos" in historial


def test_la_resolucion_de_rechazo_nombra_al_funcionario(avena, capturador, dictaminadora):
    s = firmada(avena, capturador, "AVE020202BB2", "AVENAS RECHAZADAS")
    dictamen.rechazar(s, usuario=dictaminadora, motivo="Sin consumo acreditado")
    doc = s.documentos.get(tipo="resolucion")
    assert "ANA TORRES DICTAMEN" in doc.cadena_original
    assert "Directora de Cupos" in doc.cadena_original
    texto = texto_pdf(doc)
    assert "RESOLVIÓ" in texto.upper() and "ANA TORRES DICTAMEN" in texto
    assert "Directora de Cupos" in texto
