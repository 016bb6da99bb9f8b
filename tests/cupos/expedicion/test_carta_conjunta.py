"""Issue 9 item 4 (seed 002, avena, requisito 2): a certificate in the name of the
beneficiario and/or a comercializadora needs the joint letter (escrito conjunto, "carta
conjunta"): a REQUIRED PDF when that option is chosen, with its rule (EXP009) shown inline on
the field, and listed on the signing summary, the cadena, the acuse and the certificate."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from cupos.expedicion import titular
from cupos.models import CertificadoCupo
from tests.cupos.factories import asignacion_con_saldo, cupo_avena, cupo_con_subcupo
from tramites.models import Anexo

from .conftest import agregar, buscar, firmar_en, hoy, iniciar, url_paso

pytestmark = pytest.mark.django_db

COMERCIALIZADORA = {"rfc": "GRA060503KXA", "nombre": "GRANOS Y ACOPIO DEL NORTE SA DE CV"}


def pdf(nombre="carta-conjunta.pdf") -> SimpleUploadedFile:
    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    w.write(buf)
    return SimpleUploadedFile(nombre, buf.getvalue(), content_type="application/pdf")


def texto_pdf(contenido: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(contenido)).pages)


@pytest.fixture
def avena(moral):
    _, sub = cupo_avena(hoy().year)
    return asignacion_con_saldo(moral, sub, Decimal("900000"), numero="000031")


def capturar(client, asignacion, montos=("1000",)):
    s = iniciar(client, 120202)
    assert buscar(client, s, asignacion.anio, asignacion.numero_oficio).status_code == 302
    for m in montos:
        assert agregar(client, s, m).status_code == 302
    return s


def guardar(client, s, **datos):
    datos = {"accion": "titular", "a_nombre_de": "comercializadora", **datos}
    return client.post(url_paso(s), datos)


def test_la_opcion_solo_aparece_si_el_cupo_la_admite(cliente_moral, moral, avena):
    s = capturar(cliente_moral, avena)
    html = cliente_moral.get(url_paso(s)).content.decode()
    assert "Titular de los certificados" in html and 'name="carta_conjunta"' in html
    _, sub = cupo_con_subcupo("lacteos-sin-comercializadora")
    otra = asignacion_con_saldo(moral, sub, numero="000032")
    s2 = capturar(cliente_moral, otra)
    html = cliente_moral.get(url_paso(s2)).content.decode()
    assert "Titular de los certificados" not in html
    # posting it anyway is refused by the rule
    r = guardar(
        cliente_moral,
        s2,
        rfc_comercializadora=COMERCIALIZADORA["rfc"],
        nombre_comercializadora=COMERCIALIZADORA["nombre"],
        carta_conjunta=pdf(),
    )
    assert r.status_code == 200
    assert "no admite certificados a nombre de una comercializadora" in r.content.decode()


def test_sin_carta_no_continua_y_el_error_va_en_el_campo(cliente_moral, avena):
    s = capturar(cliente_moral, avena)
    r = guardar(
        cliente_moral,
        s,
        rfc_comercializadora=COMERCIALIZADORA["rfc"],
        nombre_comercializadora=COMERCIALIZADORA["nombre"],
    )
    assert r.status_code == 302  # the option is saved; the letter is still missing
    r = cliente_moral.post(url_paso(s), {"accion": "continuar"})
    assert r.status_code == 200
    html = r.content.decode()
    mensaje = "Adjunte el escrito conjunto (carta conjunta)"
    assert mensaje in html
    i = html.index('id="id_carta_conjunta"')
    campo = html[html.rindex("<input", 0, i) : html.index(">", i)]
    assert 'aria-invalid="true"' in campo and "is-invalid" in campo
    assert 'aria-describedby="err_carta_conjunta' in campo
    assert f'<div class="invalid-feedback" id="err_carta_conjunta">{mensaje}' in html
    s.refresh_from_db()
    assert not s.datos["expedicion"]["listo"]
    # and the signing page refuses it too
    from tramites.wizard import obtener_asistente

    errores = obtener_asistente(s.tramite).validar_para_firma(s)
    assert any(mensaje in e for e in errores)


def test_rfc_invalido_de_la_comercializadora(cliente_moral, avena):
    s = capturar(cliente_moral, avena)
    r = guardar(
        cliente_moral,
        s,
        rfc_comercializadora="XXX",
        nombre_comercializadora="X SA",
        carta_conjunta=pdf(),
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "Capture el RFC (válido) y la denominación o razón social" in html
    assert (
        'id="id_rfc_comercializadora" value="XXX" maxlength="13" autocomplete="off" aria-invalid="true"'
        in html
    )
    assert not Anexo.objects.filter(solicitud=s).exists()  # nothing stored


def test_carta_que_no_es_pdf_se_rechaza(cliente_moral, avena):
    s = capturar(cliente_moral, avena)
    falso = SimpleUploadedFile("carta.pdf", b"hola", content_type="application/pdf")
    r = guardar(
        cliente_moral,
        s,
        rfc_comercializadora=COMERCIALIZADORA["rfc"],
        nombre_comercializadora=COMERCIALIZADORA["nombre"],
        carta_conjunta=falso,
    )
    assert r.status_code == 200
    assert 'id="err_carta_conjunta"' in r.content.decode()
    assert not Anexo.objects.filter(solicitud=s).exists()


def test_volver_al_beneficiario_quita_la_carta(cliente_moral, avena):
    s = capturar(cliente_moral, avena)
    guardar(
        cliente_moral,
        s,
        rfc_comercializadora=COMERCIALIZADORA["rfc"],
        nombre_comercializadora=COMERCIALIZADORA["nombre"],
        carta_conjunta=pdf(),
    )
    assert Anexo.objects.filter(solicitud=s, tipo=titular.TIPO_CARTA).count() == 1
    r = cliente_moral.post(url_paso(s), {"accion": "titular", "a_nombre_de": "beneficiario"})
    assert r.status_code == 302
    assert not Anexo.objects.filter(solicitud=s).exists()
    assert cliente_moral.post(url_paso(s), {"accion": "continuar"}).status_code == 302


def test_con_carta_se_firma_y_queda_en_cadena_acuse_y_certificado(
    cliente_moral, moral, avena, fiel, django_capture_on_commit_callbacks
):
    s = capturar(cliente_moral, avena, ["1000", "250.5"])
    r = guardar(
        cliente_moral,
        s,
        rfc_comercializadora=COMERCIALIZADORA["rfc"].lower(),
        nombre_comercializadora=COMERCIALIZADORA["nombre"],
        carta_conjunta=pdf(),
    )
    assert r.status_code == 302
    carta = Anexo.objects.get(solicitud=s, tipo=titular.TIPO_CARTA)
    r = cliente_moral.post(url_paso(s), {"accion": "continuar"})
    assert r.status_code == 302
    html = cliente_moral.get(r.url).content.decode()
    assert "Comercializadora" in html and COMERCIALIZADORA["nombre"] in html
    assert "carta-conjunta.pdf" in html

    with django_capture_on_commit_callbacks(execute=False):
        r = firmar_en(cliente_moral, r.url, fiel(moral))
    assert r.status_code == 302, r.content.decode()[:2000]
    s.refresh_from_db()
    assert s.estado == "firmada"
    assert s.cadena_original.endswith(
        f"|1000.000|250.500|comercializadora|{COMERCIALIZADORA['rfc']}|"
        f"{COMERCIALIZADORA['nombre']}|carta_conjunta:{carta.sha256}||"
    )

    acuse = s.documentos.get(tipo="acuse")
    etiquetas = {linea["etiqueta"]: linea["valor"] for linea in acuse.contexto["lineas"]}
    assert (
        etiquetas["Comercializadora"]
        == f"{COMERCIALIZADORA['nombre']} · RFC {COMERCIALIZADORA['rfc']}"
    )
    assert etiquetas[titular.NOMBRE_CARTA].startswith("carta-conjunta.pdf (SHA-256 ")
    certs = list(CertificadoCupo.objects.filter(solicitud=s).order_by("numero"))
    assert etiquetas[f"Certificado {certs[1].folio}"] == "Monto expedido 250.5 kg"
    from acuses.pdf import renderizar_pdf

    texto = texto_pdf(renderizar_pdf(acuse))
    assert COMERCIALIZADORA["nombre"] in texto and "carta conjunta" in texto

    doc = certs[0].documento
    assert doc.cadena_ventanilla.endswith(f"|{COMERCIALIZADORA['rfc']}||")
    assert "/31/12/" in doc.cadena_ventanilla or "/12/" in doc.cadena_ventanilla  # DD/MM/YYYY
    texto = texto_pdf(renderizar_pdf(doc))
    assert COMERCIALIZADORA["nombre"] in texto


def test_sin_comercializadora_el_acuse_dice_a_nombre_del_beneficiario(
    cliente_moral, moral, avena, fiel, django_capture_on_commit_callbacks
):
    s = capturar(cliente_moral, avena)
    r = cliente_moral.post(url_paso(s), {"accion": "continuar"})
    with django_capture_on_commit_callbacks(execute=False):
        assert firmar_en(cliente_moral, r.url, fiel(moral)).status_code == 302
    s.refresh_from_db()
    acuse = s.documentos.get(tipo="acuse")
    etiquetas = {linea["etiqueta"]: linea["valor"] for linea in acuse.contexto["lineas"]}
    assert etiquetas["Certificados a nombre de"] == "El beneficiario de la asignación"
    assert s.cadena_original.endswith("|1000.000||")  # the cadena is unchanged


def test_opcion_invalida_error_en_el_grupo(cliente_moral, avena):
    s = capturar(cliente_moral, avena)
    r = cliente_moral.post(url_paso(s), {"accion": "titular", "a_nombre_de": "otro"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'aria-describedby="err_a_nombre_de"' in html
    assert (
        '<div class="invalid-feedback d-block" id="err_a_nombre_de">Seleccione a nombre de quién'
        in html
    )


def test_buscar_otro_cupo_que_no_la_admite_quita_la_carta(cliente_moral, moral, avena):
    s = capturar(cliente_moral, avena)
    guardar(
        cliente_moral,
        s,
        rfc_comercializadora=COMERCIALIZADORA["rfc"],
        nombre_comercializadora=COMERCIALIZADORA["nombre"],
        carta_conjunta=pdf(),
    )
    _, sub = cupo_con_subcupo("lacteos-otro")
    otra = asignacion_con_saldo(moral, sub, numero="000033")
    assert buscar(cliente_moral, s, otra.anio, otra.numero_oficio).status_code == 302
    s.refresh_from_db()
    assert "titular" not in s.datos["expedicion"]
    assert not Anexo.objects.filter(solicitud=s).exists()
    # the same cupo again keeps the choice and the letter
    s2 = capturar(cliente_moral, avena)
    guardar(
        cliente_moral,
        s2,
        rfc_comercializadora=COMERCIALIZADORA["rfc"],
        nombre_comercializadora=COMERCIALIZADORA["nombre"],
        carta_conjunta=pdf(),
    )
    assert buscar(cliente_moral, s2, avena.anio, avena.numero_oficio).status_code == 302
    s2.refresh_from_db()
    assert s2.datos["expedicion"]["titular"]["a_nombre_de"] == "comercializadora"
    assert Anexo.objects.filter(solicitud=s2, tipo=titular.TIPO_CARTA).exists()
