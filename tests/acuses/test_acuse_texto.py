"""Issue 9 item 15: the acuse de recepción says what VUCEM's says (greeting, one reception
paragraph with time, date, número, trámite and folio de presentación, the Decreto de la
Ventanilla Digital, the personal-data notice and the LFPA reference), dates DD/MM/YYYY."""

import re

import pytest

from acuses import pdf
from acuses.models import Documento
from acuses.services import emitir_documento

from .test_pdf import compacto, texto_pdf


@pytest.fixture
def acuse(solicitud_factory, django_capture_on_commit_callbacks):
    solicitud = solicitud_factory()  # received 02/03/2026 16:45 UTC = 10:45 in Mexico City
    with django_capture_on_commit_callbacks(execute=False):
        return emitir_documento(
            solicitud=solicitud,
            tipo=Documento.Tipo.ACUSE,
            titulo="Acuse de recepción de trámite",
            folio=solicitud.folio,
            cadena_original=solicitud.cadena_original,
            sello_solicitante=solicitud.sello_solicitante,
            sello_ventanilla=solicitud.sello_ventanilla,
            contexto={"lineas": [{"etiqueta": "Monto a expedir", "valor": "1,000.000 kg"}]},
        )


@pytest.fixture
def texto(acuse):
    return texto_pdf(pdf.renderizar_pdf(acuse))


def test_saluda_al_solicitante_con_nombre_y_rfc(texto):
    assert compacto("Estimado(a): ESCUELA KEMPER URGATE SA DE CV, RFC EKU9003173C9") in compacto(
        texto
    )


def test_un_parrafo_con_hora_fecha_numero_tramite_y_folio_de_presentacion(acuse, texto):
    s = acuse.solicitud
    homoclave = acuse.contexto["tramite"].get("homoclave")
    homoclave = f" (homoclave {homoclave})" if homoclave else ""
    parrafo = (
        "Siendo las 10:45:00 horas del 02/03/2026 (hora de la Ciudad de México), se tiene por "
        f"recibida la solicitud número {s.numero_temporal} del trámite 120202 "
        f"«{s.tramite.nombre}»{homoclave}, presentada ante la Secretaría de "
        "Economía a través de la Ventanilla Digital Mexicana de Comercio Exterior, con el folio "
        f"de presentación {s.folio}."
    )
    assert compacto(parrafo) in compacto(texto)


def test_cita_el_decreto_de_la_ventanilla_digital(texto):
    assert compacto(
        "Su trámite se sujetará a las disposiciones jurídicas aplicables al trámite respectivo y "
        "al Decreto por el que se establece la Ventanilla Digital Mexicana de Comercio Exterior, "
        "publicado en el Diario Oficial de la Federación el 14 de enero de 2011."
    ) in compacto(texto)


def test_cierra_con_aviso_de_datos_personales_y_lfpa(texto):
    plano = compacto(texto)
    assert (
        compacto("Los datos personales recabados a través de este trámite son confidenciales")
        in plano
    )
    assert (
        compacto(
            "con fundamento en los artículos 4 y 69-M, fracción V, de la Ley Federal de "
            "Procedimiento Administrativo."
        )
        in plano
    )
    # the notice closes the body: after the summary rows, before the seals
    assert plano.index(compacto("Monto a expedir")) < plano.index(compacto("datos personales"))
    assert plano.index(compacto("69-M")) < plano.index(compacto("SELLOS DIGITALES"))


def test_fechas_dd_mm_aaaa_en_todo_el_acuse(acuse, texto):
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", texto)  # no ISO dates anywhere
    fechas = re.findall(r"\b(\d{2})/(\d{2})/(\d{4})\b", texto)
    assert ("02", "03", "2026") in fechas
    assert compacto("Fecha y hora de recepción 02/03/2026 10:45:00") in compacto(texto)


def test_momento_mx():
    assert pdf.momento_mx("2026-03-02T16:45:07+00:00") == {
        "fecha": "02/03/2026",
        "hora": "10:45:07",
    }
    assert pdf.momento_mx("") == {"fecha": "", "hora": ""}
    assert pdf.momento_mx("no es fecha") == {"fecha": "", "hora": ""}
