"""Issue 7: every issued PDF carries a PAdES signature by the Ventanilla's seal; poppler's
pdfsig reports it valid on a fresh acuse and invalid once a byte of the content changes."""

import shutil
import subprocess

import pytest

from acuses import pdf
from acuses.models import Documento
from acuses.services import emitir_documento

pytestmark = pytest.mark.skipif(not shutil.which("pdfsig"), reason="falta pdfsig (poppler-utils)")


def pdfsig(ruta) -> str:
    r = subprocess.run(["pdfsig", str(ruta)], capture_output=True, text=True, timeout=60)
    return r.stdout + r.stderr


@pytest.fixture
def acuse_pdf(solicitud_factory, django_capture_on_commit_callbacks, tmp_path):
    solicitud = solicitud_factory()
    with django_capture_on_commit_callbacks(execute=False):
        doc = emitir_documento(
            solicitud=solicitud,
            tipo=Documento.Tipo.ACUSE,
            titulo="Acuse de recepción de trámite",
            folio=solicitud.folio,
            cadena_original=solicitud.cadena_original,
            sello_solicitante=solicitud.sello_solicitante,
            sello_ventanilla=solicitud.sello_ventanilla,
        )
    ruta = tmp_path / "acuse.pdf"
    ruta.write_bytes(pdf.renderizar_pdf(doc))
    return ruta


def test_acuse_firmado_pades_valido(acuse_pdf):
    salida = pdfsig(acuse_pdf)
    assert "Signature #1" in salida, salida
    assert "Signature is Valid." in salida, salida
    assert "ETSI.CAdES.detached" in salida or "PAdES" in salida, salida
    assert "VENTANILLA" in salida.upper()


def test_un_byte_cambiado_invalida_la_firma(acuse_pdf, tmp_path):
    datos = bytearray(acuse_pdf.read_bytes())
    # change one byte of the first page's content (before the signature's byte range ends)
    i = datos.index(b"stream", 200) + 20
    datos[i] ^= 0x01
    alterado = tmp_path / "alterado.pdf"
    alterado.write_bytes(bytes(datos))
    salida = pdfsig(alterado)
    assert "Signature is Valid." not in salida, salida
    assert "Invalid" in salida or "mismatch" in salida.lower(), salida


def test_el_firmante_se_construye_una_vez_por_sello(monkeypatch, tmp_path):
    """Issue 8: the PAdES signer (key, certificate, issuer chain) is built once per loaded
    seal, not for every PDF; each PDF still verifies."""
    from firma import pades

    construidos = []
    real = pades._construir_firmante

    def espia(*a):
        construidos.append(1)
        return real(*a)

    monkeypatch.setattr(pades, "_construir_firmante", espia)
    pades._firmante_actual[:] = [None, None, None]
    import weasyprint

    crudo = weasyprint.HTML(string="<p>Acuse</p>").write_pdf()
    for i in range(3):
        ruta = tmp_path / f"otro-{i}.pdf"
        ruta.write_bytes(pades.firmar_pdf(crudo, razon=f"prueba {i}"))
        assert "Signature is Valid" in pdfsig(ruta)
    assert len(construidos) == 1


def test_la_reserva_de_la_firma_se_aprende_una_vez(tmp_path):
    """Issue 8: the signer keeps the size pyHanko reserved for its first signature and the next
    PDFs reuse it (no dummy signature to size each one); they still verify."""
    from firma import pades

    pades._firmante_actual[:] = [None, None, None]
    import weasyprint

    crudo = weasyprint.HTML(string="<p>Acuse</p>").write_pdf()
    primero = pades.firmar_pdf(crudo, razon="primero")
    reserva = pades._firmante().reserva
    assert reserva and reserva == pades._reservado(primero[len(crudo) :])
    for i in range(2):
        ruta = tmp_path / f"reservado-{i}.pdf"
        ruta.write_bytes(pades.firmar_pdf(crudo, razon=f"otro {i}"))
        assert "Signature is Valid" in pdfsig(ruta)
        assert pades._reservado(ruta.read_bytes()[len(crudo) :]) == reserva


def test_los_atributos_firmados_son_los_de_pyhanko(acuse_pdf):
    """Issue 8: the signing-certificate-v2 attribute, encoded once per signer, is the one
    pyHanko derives from the seal's certificate; the signed attributes are the same three."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.general import as_signing_certificate_v2

    from firma import pades

    firma = PdfFileReader(io.BytesIO(acuse_pdf.read_bytes())).embedded_signatures[0]
    atributos = {a["type"].native: a["values"][0] for a in firma.signer_info["signed_attrs"]}
    assert set(atributos) == {"content_type", "message_digest", "signing_certificate_v2"}
    esperado = as_signing_certificate_v2(pades._firmante().signing_cert).dump()
    assert atributos["signing_certificate_v2"].dump() == esperado
    assert firma.signer_cert.dump() == pades._firmante().signing_cert.dump()
