"""Issue 7: server cost of verifying one signed submission (certificate + browser signature
over the issued cadena: signature, validity, chain with pyhanko-certvalidator, FIEL/CSD, RFC)
next to the previous key-opening path (the server decrypted the .key with its password, checked
the pair and signed), in the same run. Not a timed test: it prints the ratio.

``make bench`` runs both with pytest-benchmark; ``make test`` runs each once.
"""

import base64
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from firma.services import firmar, verificar_fiel, verificar_firma, verificar_firma_cliente

pytestmark = pytest.mark.bench

CADENA = "|990102|100000001|EKU9003173C9|ESCUELA KEMPER URGATE SA DE CV|2026-12-04T11:00:00-0600 ABCD1234|Avena|12.5||"


@pytest.fixture
def material(fiel_sat, settings):
    settings.FIEL_REVOCACION = "no-consultar"  # no network in a benchmark (OCSP is cached anyway)
    cer = (fiel_sat / "vigente/EKU9003173C9_FIEL.cer").read_bytes()
    key = (fiel_sat / "vigente/EKU9003173C9_FIEL.key").read_bytes()
    llave = verificar_fiel(cer, key, "12345678a").llave  # the browser's side, not measured
    firma = base64.b64encode(
        llave.sign(CADENA.encode(), padding.PKCS1v15(), hashes.SHA256())
    ).decode()
    return cer, key, firma


def verificacion_actual(cer, firma):
    """Web path since issue 7: no private key on the server."""
    res = verificar_firma_cliente(cer, CADENA, firma, rfc_esperado="EKU9003173C9")
    assert res.ok, res.codigos
    return res


def verificacion_anterior(cer, key):
    """Web path before issue 7: open the .key (PBKDF2 + 3DES), pair it, sign, verify."""
    res = verificar_fiel(cer, key, "12345678a", rfc_esperado="EKU9003173C9", revocacion=False)
    assert res.ok, res.codigos
    sello = firmar(res.llave, CADENA)
    assert verificar_firma(res.certificado, CADENA, sello)
    return res


def test_bench_verificar_envio_firmado(benchmark, material):
    cer, _key, firma = material
    benchmark(verificacion_actual, cer, firma)


def test_bench_ruta_anterior_abriendo_la_llave(benchmark, material):
    cer, key, _firma = material
    benchmark(verificacion_anterior, cer, key)


def test_razon_de_costo_cpu(material, capsys):
    cer, key, firma = material
    n = 20

    def cpu(fn, *args):
        fn(*args)  # warm caches (trust store, pyhanko trust manager)
        inicio = time.process_time()
        for _ in range(n):
            fn(*args)
        return (time.process_time() - inicio) / n * 1000

    nuevo = cpu(verificacion_actual, cer, firma)
    anterior = cpu(verificacion_anterior, cer, key)
    with capsys.disabled():
        print(
            f"\nCPU por verificación: firma del navegador {nuevo:.2f} ms; "
            f"abriendo la llave en el servidor {anterior:.2f} ms; "
            f"razón anterior/nuevo = {anterior / nuevo:.1f}x"
        )
