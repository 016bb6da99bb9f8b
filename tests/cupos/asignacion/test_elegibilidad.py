"""Issue 9, items 2 and 3: who may apply to lácteos A / B / C is decided from our records, with
the reason shown in the wizard before signing; D's declaration is captured and printed on
the oficio; C/D's 1,400 t cap stays."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from acuses.models import Documento
from cupos import ventanas
from cupos.asignacion import antecedentes, dictamen, registro
from cupos.asignacion.estrategias_fcfs import DECLARACION_NO_COMERCIALIZAR
from cupos.models import Asignacion, Elegibilidad, SolicitudAsignacion
from tests.cupos.factories import (
    RFC_LICONSA,
    anio_anterior_con_asignaciones,
    solicitud_asignacion_firmada,
)
from tramites.models import Solicitud
from vucem.models import Rol

from .conftest import aware, crear_persona, dictaminador_user, entrar, usuario_solicitante
from .test_flujo import firmar, pdf, texto_pdf, url_paso

pytestmark = pytest.mark.django_db


@pytest.fixture
def persona(db):
    return crear_persona(
        "EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV", rfc_representante="VADA800927DJ3"
    )


@pytest.fixture
def cliente(client, persona):
    return entrar(client, usuario_solicitante(persona), persona, Rol.SOLICITANTE_MORAL)


@pytest.fixture
def liconsa(db):
    return crear_persona(RFC_LICONSA, "LICONSA SA DE CV")


@pytest.fixture
def en_enero(monkeypatch):
    """B's and C's 2024 windows are open (B: 2–22 Jan)."""
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 1, 10, 10))


# ------------------------------------------------------------------ the rules (service)


def test_a_solo_para_el_rfc_designado(lacteos, persona, liconsa):
    _, subs = lacteos
    assert antecedentes.elegibilidad(subs["A"], liconsa).elegible
    e = antecedentes.elegibilidad(subs["A"], persona)
    assert not e.elegible
    assert "exclusivo de: LICONSA" in e.motivo and persona.rfc in e.motivo


def test_b_y_c_segun_la_asignacion_directa_del_anio_anterior(lacteos, persona, en_enero):
    cupo, subs = lacteos
    con = crear_persona("AAA010101AA1", "CON ANTECEDENTES")
    anio_anterior_con_asignaciones(cupo, [(con, D("1000000"))])
    e = antecedentes.elegibilidad(subs["B"], con)
    assert e.elegible and "1,000,000 kilogramos" in e.motivo and "2023" in e.motivo
    assert "θ = 1.000" in e.motivo
    e = antecedentes.elegibilidad(subs["C"], con)
    assert not e.elegible
    assert "tuvo asignación directa de este cupo en 2023" in e.motivo
    assert "le corresponde el subcupo B" in e.motivo
    sin = antecedentes.elegibilidad(subs["B"], persona)
    assert not sin.elegible and "Puede solicitar el subcupo C" in sin.motivo
    assert antecedentes.elegibilidad(subs["C"], persona).elegible
    assert antecedentes.elegibilidad(subs["D"], persona) == antecedentes.Elegible(True, "")


def test_asignacion_directa_en_a_el_anio_anterior_tambien_es_antecedente(
    lacteos, liconsa, en_enero
):
    cupo, subs = lacteos
    anio_anterior_con_asignaciones(cupo, [(liconsa, D("14000000"))], clave="A")
    e = antecedentes.elegibilidad(subs["C"], liconsa)
    assert not e.elegible and "subcupo A" in e.motivo
    assert not antecedentes.elegibilidad(subs["B"], liconsa).elegible  # not in B's base


def test_asignacion_cancelada_no_es_antecedente(lacteos, persona, en_enero):
    cupo, subs = lacteos
    anio_anterior_con_asignaciones(cupo, [(persona, D("500"))], clave="A")
    Asignacion.objects.filter(beneficiario=persona).update(estado=Asignacion.Estado.CANCELADA)
    assert antecedentes.elegibilidad(subs["C"], persona).elegible


def test_rfcs_designados_se_validan(lacteos):
    from tramites.reglas import ReglaError

    assert antecedentes.normalizar_designados(
        Elegibilidad.DESIGNADOS, " lic950821m84; LIC950821M84"
    ) == [RFC_LICONSA]
    with pytest.raises(ReglaError, match="al menos un RFC"):
        antecedentes.normalizar_designados(Elegibilidad.DESIGNADOS, [])
    with pytest.raises(ReglaError, match="no es válido"):
        antecedentes.normalizar_designados(Elegibilidad.DESIGNADOS, ["LIC950821M85"])
    assert antecedentes.normalizar_designados(Elegibilidad.ABIERTA, None) == []


# ------------------------------------------------------------------ the wizard shows the reason


def test_el_asistente_muestra_el_motivo_y_no_deja_elegir_lo_que_no_corresponde(
    cliente, persona, lacteos, en_enero
):
    cupo, subs = lacteos
    anio_anterior_con_asignaciones(cupo, [(crear_persona("AAA010101AA1", "OTRA"), D("1000"))])
    cliente.post(reverse("tramites:iniciar", args=[120402]))
    s = Solicitud.objects.get()
    html = cliente.get(url_paso(s, "cupo")).content.decode()
    # A: exclusive of LICONSA; B: no previous-year record; C: open to this persona
    assert f'id="elegibilidad-{subs["A"].pk}"' in html and "exclusivo de: LICONSA" in html
    assert "no muestran asignación directa de este cupo a su RFC en 2023" in html
    assert html.count("No le corresponde") == 2 and "Le corresponde" in html
    radio_a = html[html.index(f'id="subcupo-{subs["A"].pk}"') :].split(">", 1)[0]
    assert "disabled" in radio_a
    # a forged POST is refused with the same reason
    r = cliente.post(url_paso(s, "cupo"), {"subcupo": subs["A"].pk})
    assert r.status_code == 200 and "exclusivo de: LICONSA" in r.content.decode()
    r = cliente.post(url_paso(s, "cupo"), {"subcupo": subs["B"].pk})
    assert "Puede solicitar el subcupo C" in r.content.decode()
    r = cliente.post(url_paso(s, "cupo"), {"subcupo": subs["C"].pk})
    assert r.status_code == 302
    html = cliente.get(url_paso(s, "datos")).content.decode()
    assert "Sin asignación directa de este cupo en 2023" in html


def test_b_sin_monto_declarado_y_motivo_antes_de_firmar(
    cliente, persona, lacteos, en_enero, credencial_factory
):
    """B asks no previous-year amount: it shows the records' one, and the signing page repeats
    the reason (before signing)."""
    cupo, subs = lacteos
    anio_anterior_con_asignaciones(
        cupo, [(persona, D("18500000")), (crear_persona("AAA010101AA1", "OTRA"), D("8050000"))]
    )
    cliente.post(reverse("tramites:iniciar", args=[120402]))
    s = Solicitud.objects.get()
    assert cliente.post(url_paso(s, "cupo"), {"subcupo": subs["B"].pk}).status_code == 302
    html = cliente.get(url_paso(s, "datos")).content.decode()
    assert "Monto asignado en el año anterior" not in html
    assert "se le asignaron 18,500,000 kilogramos de este cupo en 2023" in html
    assert "θ = 0.697" in html
    r = cliente.post(
        url_paso(s, "datos"),
        {
            "monto_solicitado": "30000000",
            "consumo_total_auditado": "60815559",
            "asignado_anio_anterior": "99999999",  # not a field: ignored
        },
    )
    assert r.status_code == 302
    assert SolicitudAsignacion.objects.get(solicitud=s).asignado_anio_anterior is None
    cliente.post(
        url_paso(s, "documentos"),
        {"accion": "adjuntar", "tipo": "reporte_auditor", "archivo": pdf()},
    )
    cliente.post(url_paso(s, "documentos"), {"accion": "continuar"})
    html = cliente.get(reverse("tramites:firmar", args=[s.numero_temporal])).content.decode()
    assert "Antecedentes (registros de la Secretaría)" in html and "θ = 0.697" in html
    cred = credencial_factory(
        rfc=persona.rfc, nombre=persona.nombre, rfc_representante="VADA800927DJ3"
    )
    assert firmar(cliente, s, cred).status_code == 302
    s.refresh_from_db()
    assert s.estado == "en_dictamen"
    assert s.asignacion_detalle.monto_propuesto == D("14776400")


def test_firma_rechazada_si_ya_no_corresponde(cliente, persona, lacteos, monkeypatch):
    """Signing re-checks eligibility: a persona designated for A when it captured the draft
    but not any more cannot sign it."""
    _, subs = lacteos
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 3, 1, 10))
    subs["A"].rfcs_designados = [persona.rfc]
    subs["A"].save()
    cliente.post(reverse("tramites:iniciar", args=[120402]))
    s = Solicitud.objects.get()
    cliente.post(url_paso(s, "cupo"), {"subcupo": subs["A"].pk})
    cliente.post(url_paso(s, "datos"), {"monto_solicitado": "1000"})
    subs["A"].rfcs_designados = [RFC_LICONSA]
    subs["A"].save()
    html = cliente.get(reverse("tramites:firmar", args=[s.numero_temporal])).content.decode()
    assert "exclusivo de: LICONSA" in html


# ------------------------------------------------------------------ D: declaration and oficio


def test_d_declaracion_capturada_firmada_e_impresa_en_el_oficio(
    cliente, persona, lacteos, monkeypatch, credencial_factory, django_capture_on_commit_callbacks
):
    _, subs = lacteos
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 9, 3, 10))
    cliente.post(reverse("tramites:iniciar", args=[120402]))
    s = Solicitud.objects.get()
    assert cliente.post(url_paso(s, "cupo"), {"subcupo": subs["D"].pk}).status_code == 302
    html = cliente.get(url_paso(s, "datos")).content.decode()
    assert DECLARACION_NO_COMERCIALIZAR in html
    datos = {"monto_solicitado": "2000000", "monto_factura": "2000000"}
    r = cliente.post(url_paso(s, "datos"), datos)
    html = r.content.decode()
    assert r.status_code == 200 and "debe declarar que no comercializará" in html
    assert 'aria-invalid="true"' in html
    r = cliente.post(url_paso(s, "datos"), {**datos, "declara_no_comercializar": "on"})
    assert r.status_code == 302
    assert SolicitudAsignacion.objects.get(solicitud=s).declara_no_comercializar
    cliente.post(
        url_paso(s, "documentos"),
        {"accion": "adjuntar", "tipo": "factura", "archivo": pdf("factura.pdf")},
    )
    cliente.post(url_paso(s, "documentos"), {"accion": "continuar"})
    html = cliente.get(reverse("tramites:firmar", args=[s.numero_temporal])).content.decode()
    assert DECLARACION_NO_COMERCIALIZAR in html
    cred = credencial_factory(
        rfc=persona.rfc, nombre=persona.nombre, rfc_representante="VADA800927DJ3"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert firmar(cliente, s, cred).status_code == 302
    s.refresh_from_db()
    assert "|NO||SI|factura:" in s.cadena_original  # es_industrial NO, ejercido —, declaración SI
    # D's pool: nothing assigned in B and C → 29,200 t; the 1,400 t cap per beneficiary stays
    p = registro.propuesta_de(s.asignacion_detalle)
    assert p.monto == D("1400000") and p.datos["limitado_por"] == "maximo"
    with django_capture_on_commit_callbacks(execute=True):
        r = dictamen.aprobar(s, usuario=dictaminador_user(), monto=p.monto)
    oficio = Documento.objects.get(solicitud=s, tipo="oficio")
    texto = " ".join(texto_pdf(oficio).split())
    assert "declaró bajo protesta de decir verdad que no comercializará" in texto
    assert "en el mismo estado físico en que se importe" in texto
    assert "|declara_no_comercializar|SI|" not in oficio.cadena_original  # values only
    assert "|SI|" in oficio.cadena_original
    assert r.asignacion.monto_asignado == D("1400000")


def test_oficio_de_otros_subcupos_sin_la_declaracion(lacteos, capturador, monkeypatch):
    _, subs = lacteos
    monkeypatch.setattr(ventanas, "ahora", lambda: aware(2024, 3, 1, 10))
    s = solicitud_asignacion_firmada(
        crear_persona("CCC010101AA1", "C"),
        subs["C"],
        recibida=aware(2024, 2, 1, 9),
        usuario=capturador,
        monto_solicitado=D("2000000"),
        monto_factura=D("2000000"),
    )
    p = registro.propuesta_de(s.asignacion_detalle)
    assert p.monto == D("1400000")  # C's cap stays
    dictamen.aprobar(s, usuario=dictaminador_user(), monto=p.monto)
    oficio = Documento.objects.get(solicitud=s, tipo="oficio")
    assert "estado físico" not in " ".join(texto_pdf(oficio).split())
