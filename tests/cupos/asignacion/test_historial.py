"""Issue 10 item 7: the history the solicitante reads (solicitud, its documents, its oficio
and certificados; its RAOCE programs): who, when, from, to, why, with human labels; the
signing entry names the legal representative; anyone else's answers 404."""

import datetime as dt
from decimal import Decimal as D

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.urls import reverse
from django.utils import timezone

from cupos.asignacion import dictamen, revocacion
from raoce.estatus import cambiar_estatus
from raoce.models import EstatusPrograma, Programa
from tests.cupos.factories import certificado_directo, solicitud_asignacion_firmada
from tests.soporte.personas import crear_capturista, entrar_como_capturista
from tramites.services import registrar_auditoria
from vucem.models import Rol

from .conftest import aware, crear_persona, dictaminador_user, entrar, usuario_solicitante

pytestmark = pytest.mark.django_db
REP = "VADA800927DJ3"


@pytest.fixture
def persona(db):
    return crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV")


@pytest.fixture
def titular(persona):
    return usuario_solicitante(persona)


@pytest.fixture
def resuelta(avena, persona, titular, credencial_factory):
    """A solicitud de asignación signed by the company's representative, sent to dictamen,
    approved by a dictaminadora with a cargo, with one certificate; then revoked."""
    _, sub = avena
    cred = credencial_factory(rfc=persona.rfc, nombre=persona.nombre, rfc_representante=REP)
    try:
        cert = x509.load_der_x509_certificate(cred.cer)
    except ValueError:
        cert = x509.load_pem_x509_certificate(cred.cer)
    s = solicitud_asignacion_firmada(
        persona,
        sub,
        recibida=aware(2024, 3, 1, 9),
        usuario=titular,
        monto_solicitado=D("1000"),
        consumo_auditado_12m=D("5000"),
    )
    s.certificado_firmante = cert.public_bytes(Encoding.PEM).decode("ascii")
    s.save(update_fields=["certificado_firmante"])
    registrar_auditoria(
        s, anterior="borrador", nuevo="firmada", usuario=titular, motivo="Firmada con e.firma"
    )
    registrar_auditoria(
        s, anterior="firmada", nuevo="en_dictamen", usuario=titular, motivo="Turnada a dictamen"
    )
    ana = dictaminador_user("ana.dictamen")
    ana.first_name, ana.last_name, ana.cargo = "Ana", "Torres", "Directora de Cupos"
    ana.save()
    r = dictamen.aprobar(s, usuario=ana, monto=D("1000"))
    certificado_directo(r.asignacion, "100")
    revocacion.revocar_oficio(
        r.asignacion,
        usuario=dictaminador_user("central", grupo=Rol.NIVEL_CENTRAL),
        motivo="Información falsa",
    )
    return s


def test_historial_de_la_solicitud_con_etiquetas_y_quien_firmo(client, resuelta, persona, titular):
    entrar(client, titular, persona, Rol.SOLICITANTE_MORAL)
    r = client.get(reverse("tramites:historial", args=[resuelta.numero_temporal]))
    assert r.status_code == 200
    html = r.content.decode()
    for etiqueta in (
        "Borrador",
        "Firmada",
        "En dictamen",
        "Resuelta",
        "Vigente",
        "Revocada",
        "Revocado",
    ):
        assert f"<td>{etiqueta}</td>" in html, etiqueta
    assert "<td>en_dictamen</td>" not in html and "<td>revocada</td>" not in html
    assert (
        f"ESCUELA KEMPER URGATE SA DE CV (EKU9003173C9), firmó su representante legal con RFC {REP}"
        in html
    )
    assert "Ana Torres, Directora de Cupos (Secretaría de Economía)" in html
    assert "Información falsa" in html  # why
    assert "Oficio de asignación" in html  # the asignación's and the oficio's own sections
    # reachable from the bandeja's row, the acuses list and the acuse page
    url = reverse("tramites:historial", args=[resuelta.numero_temporal])
    assert url in client.get(reverse("acuses:lista")).content.decode()
    assert (
        url
        in client.get(
            reverse("tramites:registrada", args=[resuelta.numero_temporal])
        ).content.decode()
    )


def test_historial_del_certificado_en_su_solicitud(client, resuelta, persona, titular):
    from cupos.models import CertificadoCupo

    cert = CertificadoCupo.objects.get()
    registrar_auditoria(cert, anterior="vigente", nuevo="vencido", motivo="Terminó su vigencia")
    entrar(client, titular, persona, Rol.SOLICITANTE_MORAL)
    html = client.get(
        reverse("tramites:historial", args=[cert.solicitud.numero_temporal])
    ).content.decode()
    assert f"Certificado de cupo {cert.folio}" in html
    assert "<td>Vencido</td>" in html and "Ventanilla (proceso automático)" in html


def test_historial_ajeno_es_404(client, resuelta, persona):
    url = reverse("tramites:historial", args=[resuelta.numero_temporal])
    otra = crear_persona("AVE010101AA1", "OTRA EMPRESA")
    entrar(client, usuario_solicitante(otra), otra, Rol.SOLICITANTE_MORAL)
    assert client.get(url).status_code == 404
    client.logout()
    client.force_login(dictaminador_user("otro.staff"))
    assert client.get(url).status_code == 404
    # a capturista of the company that did not capture it
    capt = crear_capturista(persona)
    entrar_como_capturista(client, capt, persona)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # login


@pytest.fixture
def programa(persona):
    p = Programa.objects.create(
        persona=persona,
        tipo="IMMEX",
        numero="IMMEX-2019-123",
        fecha_autorizacion=dt.date(2019, 5, 1),
    )
    cambiar_estatus(p, EstatusPrograma.SUSPENDIDO, motivo="No presentó su reporte anual")
    return p


def test_historial_del_programa(client, programa, persona, titular):
    entrar(client, titular, persona, Rol.SOLICITANTE_MORAL)
    lista = client.get(reverse("raoce:programas"))
    url = reverse("raoce:programa_historial", args=[programa.pk])
    assert lista.status_code == 200 and url in lista.content.decode()
    html = client.get(url).content.decode()
    assert "<td>Vigente - Activo</td>" in html and "<td>Suspendido</td>" in html
    assert "vigente_activo" not in html
    assert "No presentó su reporte anual" in html and "Ventanilla (proceso automático)" in html
    assert f"desde el {timezone.localtime(programa.estatus_desde):%d/%m/%Y}" in html


def test_programa_ajeno_es_404(client, programa, persona):
    url = reverse("raoce:programa_historial", args=[programa.pk])
    otra = crear_persona("AVE010101AA1", "OTRA EMPRESA")
    entrar(client, usuario_solicitante(otra), otra, Rol.SOLICITANTE_MORAL)
    assert client.get(url).status_code == 404
    assert (
        reverse("raoce:programa_historial", args=[programa.pk])
        not in client.get(reverse("raoce:programas")).content.decode()
    )
    entrar_como_capturista(client, crear_capturista(persona), persona)
    assert client.get(url).status_code == 404


def test_historial_del_programa_fecha_de_la_ciudad_de_mexico(client, programa, persona, titular):
    """02:00 UTC on 6 December is still 5 December in Mexico City: the subtitle says so."""
    Programa.objects.filter(pk=programa.pk).update(
        estatus_desde=dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)
    )
    entrar(client, titular, persona, Rol.SOLICITANTE_MORAL)
    html = client.get(reverse("raoce:programa_historial", args=[programa.pk])).content.decode()
    assert "Estatus: Suspendido desde el 05/12/2026" in html
