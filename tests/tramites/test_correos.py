"""E-mails a person would read (issue 10 item 8): plain text and HTML from a template per
kind of notice over a shared layout, greeting, the facts, an absolute link to the portal page
(SITE_URL) and the acuse PDF attached where one exists; es-MX."""

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from acuses.models import Documento
from tramites import outbox, services
from tramites.models import Solicitud, Tramite

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sitio(settings):
    settings.SITE_URL = "https://ventanilla.example.gob.mx/"


def _partes(correo):
    html = dict((tipo, c) for c, tipo in correo.alternatives)["text/html"]
    return correo.body, html


def test_aviso_con_texto_html_saludo_y_enlace(persona_moral):
    n = services.notificar(
        persona=persona_moral,
        asunto="Su programa cambió de estatus",
        cuerpo="El programa IMMEX 1-2020 quedó suspendido el 01/06/2024.",
        enlace="/bandeja/",
    )
    assert outbox.entregar_notificacion(n.pk)
    (correo,) = mail.outbox
    texto, html = _partes(correo)
    assert correo.subject == "Su programa cambió de estatus"
    assert correo.to == [persona_moral.correo]
    for parte in (texto, html):
        assert "Estimado(a) ESCUELA KEMPER URGATE SA DE CV:" in parte
        assert "quedó suspendido el 01/06/2024" in parte
        assert "https://ventanilla.example.gob.mx/bandeja/" in parte
    assert '<html lang="es-MX">' in html
    assert 'href="https://ventanilla.example.gob.mx/bandeja/"' in html
    assert "<" not in texto  # plain text, no markup
    assert correo.attachments == []


def test_plantilla_por_tipo_de_aviso(persona_moral):
    n = services.notificar(
        persona=persona_moral,
        asunto="Recordatorio: el RAOCE 2023 vence el 31/05/2024",
        cuerpo="Su programa aún no presenta el reporte.",
        tipo="recordatorio_raoce",
    )
    outbox.entregar_notificacion(n.pk)
    texto, html = _partes(mail.outbox[0])
    assert "Si ya lo presentó, no considere este aviso." in texto
    assert "Si ya lo presentó, no considere este aviso." in html


def test_el_borrador_enlaza_a_continuarlo_y_el_acuse_va_adjunto(persona_moral, solicitante):
    tramite = Tramite.objects.filter(activo=True).first() or Tramite.objects.first()
    borrador = services.crear_borrador(
        tramite=tramite, solicitante=persona_moral, usuario=solicitante
    )
    n = services.notificar(
        persona=persona_moral, solicitud=borrador, asunto="Su borrador vence", cuerpo="Fírmelo."
    )
    outbox.entregar_notificacion(n.pk)
    texto, _ = _partes(mail.outbox[0])
    assert f"https://ventanilla.example.gob.mx/tramites/solicitud/{borrador.numero_temporal}/" in (
        texto
    )

    Solicitud.objects.filter(pk=borrador.pk).update(estado="firmada", folio="0" * 24 + "7")
    acuse = Documento(
        solicitud=borrador,
        tipo=Documento.Tipo.ACUSE,
        titulo="Acuse de recepción de trámite",
        folio="0" * 24 + "7",
        cadena_original="||x||",
        sha256="a" * 64,
    )
    acuse.archivo.save("acuse.pdf", ContentFile(b"%PDF-1.7 acuse"), save=False)
    acuse.save()
    n = services.notificar(
        persona=persona_moral, solicitud=borrador, asunto="Solicitud recibida", cuerpo="Listo."
    )
    outbox.entregar_notificacion(n.pk)
    correo = mail.outbox[1]
    texto, html = _partes(correo)
    assert correo.attachments == [(f"acuse-{'0' * 24}7.pdf", b"%PDF-1.7 acuse", "application/pdf")]
    assert "Adjuntamos el acuse de recepción" in texto and "Adjuntamos el acuse" in html
    assert f"/tramites/solicitud/{borrador.numero_temporal}/registrada/" in texto
