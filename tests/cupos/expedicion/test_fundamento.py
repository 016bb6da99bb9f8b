"""The certificate's fundamento cites the DOF publication date once."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cupos.demo import FUNDAMENTO_AVENA, FUNDAMENTO_LACTEOS
from cupos.expedicion.services import fundamento_con_dof
from cupos.models import CertificadoCupo, Cupo

from .conftest import agregar, buscar, firmar_en, iniciar, url_paso

ABRIL_2005 = dt.date(2005, 4, 7)


@pytest.mark.parametrize(
    ("fundamento", "fecha", "esperado"),
    [
        # not cited: the date is appended (as before)
        ("Acuerdo de prueba", dt.date(2012, 12, 19), "Acuerdo de prueba (DOF 19/12/2012)"),
        # cited in words, with "DOF" elsewhere (seed 000's avena)
        (FUNDAMENTO_AVENA, ABRIL_2005, FUNDAMENTO_AVENA),
        # cited in words only, no "DOF"
        ("Acuerdo publicado el 7 de abril de 2005.", ABRIL_2005, None),
        ("Acuerdo publicado el 07 de Abril del 2005.", ABRIL_2005, None),
        ("Acuerdo de abril de 2005.", ABRIL_2005, None),
        # cited in digits, any separator
        ("Acuerdo (07/04/2005).", ABRIL_2005, None),
        ("Acuerdo (7/4/2005).", ABRIL_2005, None),
        ("Acuerdo (07.04.05).", ABRIL_2005, None),
        ("Acuerdo (2005-04-07).", ABRIL_2005, None),
        # mentions the Diario Oficial
        ("Acuerdo publicado en el Diario Oficial de la Federación.", ABRIL_2005, None),
        (FUNDAMENTO_LACTEOS, dt.date(2012, 12, 19), FUNDAMENTO_LACTEOS),
        # another month or year is not this date
        ("Acuerdo de mayo de 2005.", ABRIL_2005, "Acuerdo de mayo de 2005. (DOF 07/04/2005)"),
        ("Acuerdo (17/04/2005).", ABRIL_2005, "Acuerdo (17/04/2005). (DOF 07/04/2005)"),
        # no DOF date: the fundamento as is
        ("Acuerdo de prueba", None, "Acuerdo de prueba"),
    ],
)
def test_fundamento_cita_la_fecha_del_dof_una_vez(fundamento, fecha, esperado):
    cupo = Cupo(fundamento=fundamento, fecha_dof=fecha)
    assert fundamento_con_dof(cupo) == (fundamento if esperado is None else esperado)


@pytest.mark.django_db
def test_pdf_del_certificado_no_repite_la_fecha_del_dof(cliente_moral, moral, asignacion, fiel):
    cupo = asignacion.cupo
    cupo.fundamento, cupo.fecha_dof = FUNDAMENTO_AVENA, ABRIL_2005
    cupo.save()
    s = iniciar(cliente_moral, 120202)
    buscar(cliente_moral, s, asignacion.anio, asignacion.numero_oficio)
    assert agregar(cliente_moral, s, "100").status_code == 302
    cliente_moral.post(url_paso(s), {"accion": "continuar"})
    r = firmar_en(cliente_moral, reverse("tramites:firmar", args=[s.numero_temporal]), fiel(moral))
    assert r.status_code == 302
    cert = CertificadoCupo.objects.get(solicitud=s)
    assert cert.documento.contexto["fundamento"] == FUNDAMENTO_AVENA
    r = cliente_moral.get(reverse("acuses:descargar", args=[cert.documento.pk]))
    texto = " ".join(
        (p.extract_text() or "") for p in PdfReader(io.BytesIO(r.getvalue())).pages
    ).split()
    texto = " ".join(texto)
    assert "7 de abril de 2005" in texto and "07/04/2005" not in texto
