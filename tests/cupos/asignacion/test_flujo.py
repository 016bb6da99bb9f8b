"""Solicitud de asignación de cupo through the browser client: wizard → firma → dictamen."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from acuses.models import Documento
from acuses.services import obtener_pdf
from cupos import ventanas
from cupos.asignacion import dictamen
from cupos.models import Asignacion, MovimientoSaldo, SolicitudAsignacion
from tests.cupos.factories import cupo_lacteos, solicitud_asignacion_firmada
from tests.firmas import firmar_en
from tramites.models import Anexo, Notificacion, RegistroAuditoria, Solicitud
from tramites.services import historial
from vucem.models import Rol, User

from .conftest import (
    aware,
    crear_persona,
    dictaminador_user,
    entrar,
    usuario_solicitante,
)

pytestmark = pytest.mark.django_db


def _pdf_real() -> bytes:
    """A small, real one-page PDF (pypdf must be able to read it)."""
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=612, height=792)
    salida = io.BytesIO()
    w.write(salida)
    return salida.getvalue()


PDF = _pdf_real()


def pdf(nombre="reporte.pdf", contenido=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(nombre, contenido, content_type=content_type)


@pytest.fixture
def persona(db):
    return crear_persona(
        "EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV", rfc_representante="VADA800927DJ3"
    )


@pytest.fixture
def cliente(client, persona):
    return entrar(client, usuario_solicitante(persona), persona, Rol.SOLICITANTE_MORAL)


@pytest.fixture
def cred(credencial_factory, persona):
    return credencial_factory(
        rfc=persona.rfc, nombre=persona.nombre, rfc_representante="VADA800927DJ3"
    )


def url_paso(s, slug):
    return reverse("tramites:paso", args=[s.numero_temporal, slug])


def capturar_avena(cliente, sub, *, monto="5000000", consumo="3000000"):
    r = cliente.get(reverse("cupos:asignacion_nueva"))
    assert r.status_code == 302 and r.url == reverse("tramites:iniciar", args=[120402])
    r = cliente.post(reverse("tramites:iniciar", args=[120402]))
    s = Solicitud.objects.get()
    assert r.url == url_paso(s, "cupo")
    r = cliente.get(url_paso(s, "cupo"), {"buscar": "1", "producto": "Avena"})
    html = r.content.decode()
    assert "Avena, excepto para siembra" in html and "Recepción abierta" in html
    r = cliente.post(url_paso(s, "cupo"), {"subcupo": sub.pk})
    assert r.status_code == 302 and r.url == url_paso(s, "datos")
    r = cliente.get(url_paso(s, "datos"))
    assert "Consumo auditado de los últimos 12 meses" in r.content.decode()
    r = cliente.post(
        url_paso(s, "datos"), {"monto_solicitado": monto, "consumo_auditado_12m": consumo}
    )
    assert r.status_code == 302 and r.url == url_paso(s, "documentos")
    assert SolicitudAsignacion.objects.get(solicitud=s).monto_solicitado == D(monto)
    # continuing without the required document is refused
    r = cliente.post(url_paso(s, "documentos"), {"accion": "continuar"})
    assert "Adjunte el documento «Reporte de auditor externo" in r.content.decode()
    r = cliente.post(
        url_paso(s, "documentos"),
        {"accion": "adjuntar", "tipo": "reporte_auditor", "archivo": pdf()},
    )
    assert r.status_code == 302
    r = cliente.post(url_paso(s, "documentos"), {"accion": "continuar"})
    assert r.url == reverse("tramites:firmar", args=[s.numero_temporal])
    return s


def firmar(cliente, s, cred):
    return firmar_en(cliente, reverse("tramites:firmar", args=[s.numero_temporal]), cred)


def texto_pdf(doc) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(obtener_pdf(doc))).pages)


def test_flujo_completo_aprobacion_parcial(
    cliente, client, persona, cred, avena, django_capture_on_commit_callbacks
):
    _, sub = avena
    s = capturar_avena(cliente, sub)
    r = cliente.get(reverse("tramites:firmar", args=[s.numero_temporal]))
    html = r.content.decode()
    assert 'id="form-firma"' in html and "5,000,000 kilogramos" in html
    with django_capture_on_commit_callbacks(execute=True):
        r = firmar(cliente, s, cred)
    assert r.status_code == 302, r.content.decode()[:3000]
    s.refresh_from_db()
    assert s.estado == "en_dictamen" and len(s.folio) == 25 and s.folio[2:11] == "012004002"
    anexo = Anexo.objects.get(solicitud=s)
    assert f"|reporte_auditor:{anexo.sha256}||" in s.cadena_original
    assert "|avena-" in s.cadena_original and "|5000000.000|3000000.000|" in s.cadena_original
    sa = s.asignacion_detalle
    sa.refresh_from_db()
    assert sa.monto_propuesto == D("3000000") and sa.detalle_propuesta["explicacion"]

    # dictaminador: list and detail
    dictaminador = dictaminador_user()
    client.logout()
    client.force_login(dictaminador)
    r = client.get(reverse("cupos:dictamen_lista"))
    html = r.content.decode()
    assert r.status_code == 200 and s.folio in html and "3,000,000 kilogramos" in html
    assert "0 de 7" in html
    r = client.get(reverse("cupos:dictamen_detalle", args=[s.folio]))
    html = r.content.decode()
    assert "Consumo auditado de los últimos 12 meses: 3,000,000 kilogramos." in html
    assert 'value="3000000.000"' in html  # the amount defaults to the proposal
    r = client.get(reverse("cupos:dictamen_anexo", args=[s.folio, anexo.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF

    # lower amount without justification: refused; above the proposal's limit: refused
    url = reverse("cupos:dictamen_aprobar", args=[s.folio])
    r = client.post(url, {"monto": "2500000", "justificacion": ""})
    assert r.status_code == 400 and "capture la justificación" in r.content.decode()
    r = client.post(url, {"monto": "3000001", "justificacion": ""})
    assert r.status_code == 400 and "excede el máximo permitido" in r.content.decode()
    assert not Asignacion.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            url, {"monto": "2500000", "justificacion": "Capacidad de almacenamiento limitada."}
        )
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.estado == "resuelta" and s.resultado == "aprobada_parcial"
    assert s.resuelta_por == dictaminador and "almacenamiento" in s.justificacion
    a = Asignacion.objects.get(solicitud=s)
    hoy = dt.date.today()
    assert a.monto_asignado == D("2500000") and a.beneficiario == persona
    assert a.anio == hoy.year and len(a.numero_oficio) == 6 and a.numero_oficio.isdigit()
    assert a.vigencia_fin == dt.date(sub.cupo.anio, 12, 31) and a.dictaminador == dictaminador
    mov = MovimientoSaldo.objects.get(asignacion=a)
    assert mov.tipo == "asignacion" and mov.monto == D("2500000")
    (alta,) = historial(a)  # the asignación's own lifecycle starts audited
    assert (alta.estado_anterior, alta.estado_nuevo) == ("", "vigente")
    assert alta.usuario == dictaminador and a.numero_oficio in alta.motivo
    assert RegistroAuditoria.objects.filter(
        object_id=str(s.pk), estado_anterior="en_dictamen", estado_nuevo="resuelta"
    ).exists()
    oficio = Documento.objects.get(solicitud=s, tipo="oficio")
    texto = texto_pdf(oficio)
    assert a.numero_oficio in texto and "2,500,000" in texto and persona.rfc in texto
    assert "OFICIO DE ASIGNACIÓN" in texto
    aviso = Notificacion.objects.filter(solicitud=s, persona=persona).order_by("-pk").first()
    assert a.numero_oficio in aviso.cuerpo and str(a.anio) in aviso.cuerpo
    assert aviso.estado == "enviada"

    # idempotent: a second click does nothing
    r = client.post(url, {"monto": "2500000", "justificacion": "otra vez"}, follow=True)
    assert "ya fue dictaminada" in r.content.decode()
    assert Asignacion.objects.count() == 1 and MovimientoSaldo.objects.count() == 1
    assert Documento.objects.filter(solicitud=s, tipo="oficio").count() == 1

    # the solicitante sees the oficio in "Acuses y resoluciones"; another persona does not
    client.logout()
    entrar(client, User.objects.get(persona=persona), persona, Rol.SOLICITANTE_MORAL)
    r = client.get(reverse("acuses:lista"))
    assert "Oficio de asignación" in r.content.decode()
    assert client.get(reverse("acuses:descargar", args=[oficio.pk])).status_code == 200
    otra = crear_persona("KIJ0906199R1", "KERNEL INDUSTIA JUGUETERA SA DE CV")
    client.logout()
    entrar(client, usuario_solicitante(otra), otra, Rol.SOLICITANTE_MORAL)
    assert client.get(reverse("acuses:descargar", args=[oficio.pk])).status_code == 404
    assert "Oficio de asignación" not in client.get(reverse("acuses:lista")).content.decode()


def test_rechazo_con_motivo(avena, client, capturador, django_capture_on_commit_callbacks):
    _, sub = avena
    persona = crear_persona("AVE010101AA1", "MOLINOS DE AVENA")
    s = solicitud_asignacion_firmada(
        persona,
        sub,
        recibida=aware(2024, 3, 1, 9),
        usuario=capturador,
        monto_solicitado=D("100"),
        consumo_auditado_12m=D("100"),
    )
    client.force_login(dictaminador_user())
    url = reverse("cupos:dictamen_rechazar", args=[s.folio])
    r = client.post(url, {"motivo": ""})
    assert r.status_code == 400 and "Capture el motivo del rechazo" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"motivo": "El reporte de auditor no está firmado."})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.estado == "resuelta" and s.resultado == "rechazada"
    assert s.justificacion == "El reporte de auditor no está firmado."
    doc = Documento.objects.get(solicitud=s, tipo="resolucion")
    assert "Rechazada" in texto_pdf(doc)
    assert Notificacion.objects.filter(solicitud=s, asunto__contains="Resolución").exists()
    assert not Asignacion.objects.exists()
    # approving afterwards changes nothing
    r = client.post(reverse("cupos:dictamen_aprobar", args=[s.folio]), {"monto": "100"})
    s.refresh_from_db()
    assert s.resultado == "rechazada" and not Asignacion.objects.exists()


def test_aprobacion_idempotente_en_el_servicio(avena, capturador):
    _, sub = avena
    s = solicitud_asignacion_firmada(
        crear_persona("AVE010101AA1", "MOLINOS"),
        sub,
        recibida=aware(2024, 3, 1, 9),
        usuario=capturador,
        monto_solicitado=D("1000"),
        consumo_auditado_12m=D("5000"),
    )
    u = dictaminador_user()
    r1 = dictamen.aprobar(s, usuario=u, monto=D("1000"))
    r2 = dictamen.aprobar(s, usuario=u, monto=D("1000"))
    assert not r1.ya_resuelta and r2.ya_resuelta and r2.asignacion == r1.asignacion
    assert r1.solicitud.resultado == "aprobada"
    s2 = solicitud_asignacion_firmada(
        crear_persona("AVE010101BB2", "OTRO MOLINO"),
        sub,
        recibida=aware(2024, 3, 2, 9),
        usuario=capturador,
        monto_solicitado=D("1000"),
        consumo_auditado_12m=D("5000"),
    )
    a2 = dictamen.aprobar(s2, usuario=u, monto=D("1000")).asignacion
    assert int(a2.numero_oficio) == int(r1.asignacion.numero_oficio) + 1


def test_vigencia_de_la_asignacion_la_da_el_calendario(avena, capturador, monkeypatch):
    """The 31-December limit comes from ``tramites.calendario.fin_de_anio`` (one place)."""
    from tramites import calendario

    _, sub = avena
    s = solicitud_asignacion_firmada(
        crear_persona("AVE010101AA1", "MOLINOS"),
        sub,
        recibida=aware(2024, 3, 1, 9),
        usuario=capturador,
        monto_solicitado=D("1000"),
        consumo_auditado_12m=D("5000"),
    )
    llamadas = []
    real = calendario.fin_de_anio

    def espia(year):
        llamadas.append(year)
        return real(year)

    monkeypatch.setattr(calendario, "fin_de_anio", espia)
    a = dictamen.aprobar(s, usuario=dictaminador_user(), monto=D("1000")).asignacion
    assert llamadas == [sub.cupo.anio]
    assert a.vigencia_fin == dt.date(sub.cupo.anio, 12, 31)


@pytest.mark.parametrize("grupo", [Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL])
def test_staff_de_dictamen_entra(client, grupo):
    client.force_login(dictaminador_user(grupo=grupo))
    assert client.get(reverse("cupos:dictamen_lista")).status_code == 200


def test_sin_acceso_al_dictamen(client, cliente, avena, capturador):
    _, sub = avena
    s = solicitud_asignacion_firmada(
        crear_persona("AVE010101AA1", "MOLINOS"),
        sub,
        recibida=aware(2024, 3, 1, 9),
        usuario=capturador,
        monto_solicitado=D("1"),
        consumo_auditado_12m=D("1"),
    )
    urls = [
        reverse("cupos:dictamen_lista"),
        reverse("cupos:dictamen_detalle", args=[s.folio]),
    ]
    for url in urls:  # a solicitante
        assert cliente.get(url).status_code == 404
    assert (
        cliente.post(reverse("cupos:dictamen_aprobar", args=[s.folio]), {"monto": "1"}).status_code
        == 404
    )
    cliente.logout()
    for url in urls:  # anonymous → login
        assert cliente.get(url).status_code == 302
    staff = User.objects.create_user(username="staff.sin.grupo", is_staff=True)
    cliente.force_login(staff)
    assert cliente.get(urls[0]).status_code == 404
    s.refresh_from_db()
    assert s.estado == "en_dictamen"


# ------------------------------------------------------------------ attachments


@pytest.fixture
def en_documentos(cliente, avena):
    _, sub = avena
    cliente.post(reverse("tramites:iniciar", args=[120402]))
    s = Solicitud.objects.get()
    cliente.post(url_paso(s, "cupo"), {"subcupo": sub.pk})
    cliente.post(url_paso(s, "datos"), {"monto_solicitado": "10", "consumo_auditado_12m": "10"})
    return s


@pytest.mark.parametrize(
    ("archivo", "mensaje"),
    [
        (pdf(contenido=b"MZ\x90\x00 not a pdf"), "no corresponde a un documento PDF válido"),
        (pdf(nombre="reporte.docx"), "solo se aceptan archivos .pdf"),
        (pdf(content_type="image/png"), "no se recibió como PDF"),
        (pdf(contenido=b""), "está vacío"),
        # only the magic bytes: not a PDF pypdf can read
        (pdf(contenido=b"%PDF-1.4\ngarbage"), "El archivo no es un PDF válido."),
        (
            pdf(contenido=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
            "no es un PDF válido",
        ),
    ],
)
def test_anexo_no_pdf_rechazado(cliente, en_documentos, archivo, mensaje):
    r = cliente.post(
        url_paso(en_documentos, "documentos"),
        {"accion": "adjuntar", "tipo": "reporte_auditor", "archivo": archivo},
    )
    assert r.status_code == 200 and mensaje in r.content.decode()
    assert not Anexo.objects.exists()


def test_anexo_demasiado_grande(cliente, en_documentos, settings):
    settings.ANEXO_MAX_BYTES = 1024
    grande = pdf(contenido=PDF + b"0" * 2000)
    r = cliente.post(
        url_paso(en_documentos, "documentos"),
        {"accion": "adjuntar", "tipo": "reporte_auditor", "archivo": grande},
    )
    assert "excede el tamaño máximo permitido" in r.content.decode()
    assert not Anexo.objects.exists()


def test_anexo_pdf_se_guarda_con_sha256_y_se_elimina(cliente, en_documentos):
    import hashlib

    cliente.post(
        url_paso(en_documentos, "documentos"),
        {"accion": "adjuntar", "tipo": "reporte_auditor", "archivo": pdf("Reporte Auditor.PDF")},
    )
    a = Anexo.objects.get()
    assert a.sha256 == hashlib.sha256(PDF).hexdigest() and a.tamano == len(PDF)
    assert a.nombre_original == "Reporte Auditor.PDF"
    cliente.post(url_paso(en_documentos, "documentos"), {"accion": "eliminar", "anexo": a.pk})
    assert not Anexo.objects.exists()


# ------------------------------------------------------------------ windows in the wizard


def test_ventana_cerrada_en_cupo_y_al_firmar(cliente, cred, representacion, monkeypatch):
    """Lácteos 2024, subcupo C: open 2 Jan – 31 Jul 2024."""
    _, subs = cupo_lacteos(2024, representacion)
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 8, 1, 10))
    cliente.post(reverse("tramites:iniciar", args=[120402]))
    s = Solicitud.objects.get()
    r = cliente.post(url_paso(s, "cupo"), {"subcupo": subs["C"].pk})
    assert r.status_code == 200
    assert (
        "La recepción de solicitudes para este cupo está cerrada. Periodo: del 02/01/2024 al 31/07/2024."
        in r.content.decode()
    )
    # inside the window the capture goes on…
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 7, 31, 10))
    r = cliente.post(url_paso(s, "cupo"), {"subcupo": subs["C"].pk})
    assert r.status_code == 302
    cliente.post(url_paso(s, "datos"), {"monto_solicitado": "1000", "monto_factura": "1000"})
    cliente.post(
        url_paso(s, "documentos"),
        {"accion": "adjuntar", "tipo": "factura", "archivo": pdf("factura.pdf")},
    )
    cliente.post(url_paso(s, "documentos"), {"accion": "continuar"})
    # …but signing after the window closed is refused with the same message
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 8, 1, 9))
    r = cliente.get(reverse("tramites:firmar", args=[s.numero_temporal]))
    assert "Periodo: del 02/01/2024 al 31/07/2024." in r.content.decode()
    r = firmar(cliente, s, cred)
    s.refresh_from_db()
    assert s.estado == "borrador" and not s.folio


def test_cambiar_de_cupo_reinicia_los_datos(cliente, persona, avena, representacion, monkeypatch):
    _, sub = avena
    _, subs = cupo_lacteos(2024, representacion)
    # Issue 9: A is only for the RFCs designated in our records; designate this one.
    subs["A"].rfcs_designados = [persona.rfc]
    subs["A"].save()
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 3, 1, 10))
    cliente.post(reverse("tramites:iniciar", args=[120402]))
    s = Solicitud.objects.get()
    cliente.post(url_paso(s, "cupo"), {"subcupo": subs["A"].pk})
    r = cliente.get(url_paso(s, "datos"))
    assert "Consumo auditado" not in r.content.decode()
    cliente.post(url_paso(s, "datos"), {"monto_solicitado": "1000"})
    assert SolicitudAsignacion.objects.get(solicitud=s).subcupo == subs["A"]
    cliente.post(url_paso(s, "cupo"), {"subcupo": subs["C"].pk})
    s.refresh_from_db()
    assert "datos" not in s.datos and not SolicitudAsignacion.objects.filter(solicitud=s).exists()
    r = cliente.post(url_paso(s, "datos"), {"monto_solicitado": "1000"})
    assert r.status_code == 200 and "monto_factura" in r.content.decode()


def test_d_industrial_debe_acreditar_70_por_ciento(cliente, representacion, monkeypatch):
    _, subs = cupo_lacteos(2024, representacion)
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 9, 3, 10))
    cliente.post(reverse("tramites:iniciar", args=[120402]))
    s = Solicitud.objects.get()
    assert cliente.post(url_paso(s, "cupo"), {"subcupo": subs["D"].pk}).status_code == 302
    datos = {
        "monto_solicitado": "1000",
        "monto_factura": "1000",
        "es_industrial": "on",
        "asignado_anio_anterior": "1000",
        "monto_ejercido_anterior": "600",
        "declara_no_comercializar": "on",  # issue 9: D's declaration is required
    }
    r = cliente.post(url_paso(s, "datos"), datos)
    assert "se requiere al menos el 70 %" in r.content.decode()
    r = cliente.post(url_paso(s, "datos"), {**datos, "monto_ejercido_anterior": "700"})
    assert r.status_code == 302
    r = cliente.get(url_paso(s, "documentos"))
    assert "Pedimentos de importación" in r.content.decode()


def test_lista_de_resueltas_paginada_con_su_oficio(client, avena, capturador):
    """Issue 8: the resolved list shows its page with each asignación (read in one query)."""
    _, sub = avena
    s = solicitud_asignacion_firmada(
        crear_persona("AVE010101AA1", "MOLINOS"),
        sub,
        recibida=aware(2024, 3, 1, 9),
        usuario=capturador,
        monto_solicitado=D("1000"),
        consumo_auditado_12m=D("5000"),
    )
    a = dictamen.aprobar(s, usuario=dictaminador_user(), monto=D("1000")).asignacion
    client.force_login(dictaminador_user("otro.dictaminador"))
    r = client.get(reverse("cupos:dictamen_lista"), {"ver": "resueltas"})
    assert r.status_code == 200
    html = r.content.decode()
    assert s.folio in html and a.numero_oficio in html
    assert r.context["pagina"].paginator.count == 1
