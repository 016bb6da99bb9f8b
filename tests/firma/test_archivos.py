"""Malformed, empty, huge, swapped and wrongly-labelled files: each gets its own error."""

import base64
import textwrap

import pytest
from cryptography.hazmat.primitives import serialization

from firma.errores import CODIGOS
from firma.services import FielError, abrir_llave, leer_certificado, verificar_fiel


def pem(etiqueta: str, der: bytes) -> bytes:
    cuerpo = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    return f"-----BEGIN {etiqueta}-----\n{cuerpo}\n-----END {etiqueta}-----\n".encode()


@pytest.fixture
def cred(credencial_factory):
    return credencial_factory()


def codigo_cer(data: bytes) -> str:
    with pytest.raises(FielError) as exc:
        leer_certificado(data)
    assert exc.value.mensaje
    return exc.value.codigo


def codigo_key(data: bytes, password: str = "12345678a") -> str:
    with pytest.raises(FielError) as exc:
        abrir_llave(data, password)
    assert exc.value.mensaje
    return exc.value.codigo


def test_codigos_distintos_y_mensajes_en_espanol():
    assert len(set(CODIGOS)) == len(CODIGOS)
    assert len(set(CODIGOS.values())) == len(CODIGOS)
    for codigo, mensaje in CODIGOS.items():
        assert codigo == codigo.lower() and " " not in codigo
        assert mensaje.endswith(".") and mensaje[0].isupper()


def test_certificado_vacio():
    assert codigo_cer(b"") == "certificado_vacio"


def test_certificado_demasiado_grande(settings, cred):
    assert codigo_cer(cred.cer + b"\0" * (64 * 1024)) == "certificado_demasiado_grande"
    settings.FIEL_MAX_BYTES = 100
    assert codigo_cer(cred.cer) == "certificado_demasiado_grande"


def test_certificado_truncado(cred):
    assert codigo_cer(cred.cer[:-10]) == "certificado_mal_formado"
    assert codigo_cer(cred.cer[:300]) == "certificado_mal_formado"


def test_certificado_basura():
    assert codigo_cer(b"esto no es un certificado") == "certificado_mal_formado"
    assert codigo_cer(b"\x30\x03\x02\x01\x00") == "certificado_mal_formado"


def test_certificado_pem_se_acepta(cred):
    info = leer_certificado(pem("CERTIFICATE", cred.cer))
    assert info.rfc == cred.rfc
    assert info.der == cred.cer
    assert leer_certificado(info.pem.encode()).der == cred.cer


def test_certificado_pem_truncado(cred):
    texto = pem("CERTIFICATE", cred.cer)
    assert codigo_cer(texto[: len(texto) // 2]) == "certificado_mal_formado"
    sin_base64 = b"-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----\n"
    assert codigo_cer(sin_base64) == "certificado_mal_formado"


def test_certificado_pem_con_encabezado_incorrecto(cred):
    llave_publica = (
        cred.abrir()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(FielError) as exc:
        leer_certificado(llave_publica)
    assert exc.value.codigo == "certificado_pem_incorrecto"
    assert "BEGIN PUBLIC KEY" in exc.value.mensaje


def test_llave_dada_como_certificado(cred):
    assert codigo_cer(cred.key) == "certificado_es_llave"
    assert codigo_cer(pem("ENCRYPTED PRIVATE KEY", cred.key)) == "certificado_es_llave"


def test_llave_vacia_y_grande(settings, cred):
    assert codigo_key(b"") == "llave_vacia"
    assert codigo_key(b"x" * (64 * 1024 + 1)) == "llave_demasiado_grande"


def test_llave_truncada_o_basura(cred):
    assert codigo_key(cred.key[:-20]) == "llave_mal_formada"
    assert codigo_key(b"no es una llave") == "llave_mal_formada"


def test_certificado_dado_como_llave(cred):
    assert codigo_key(cred.cer) == "llave_es_certificado"
    assert codigo_key(pem("CERTIFICATE", cred.cer)) == "llave_es_certificado"


def test_llave_pem_cifrada_se_acepta(cred):
    llave = abrir_llave(pem("ENCRYPTED PRIVATE KEY", cred.key), cred.password)
    assert llave.key_size == 2048


def test_llave_pem_con_encabezado_de_llave_publica(cred):
    publica = (
        cred.abrir()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(FielError) as exc:
        abrir_llave(publica, cred.password)
    assert exc.value.codigo == "llave_pem_incorrecta"
    assert "BEGIN PUBLIC KEY" in exc.value.mensaje


@pytest.mark.parametrize(
    "formato,codificacion",
    [
        (
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.Encoding.PEM,
        ),  # RSA PRIVATE KEY
        (serialization.PrivateFormat.PKCS8, serialization.Encoding.PEM),  # PRIVATE KEY
        (serialization.PrivateFormat.PKCS8, serialization.Encoding.DER),
        (serialization.PrivateFormat.TraditionalOpenSSL, serialization.Encoding.DER),
    ],
)
def test_llave_sin_cifrar_se_rechaza(cred, formato, codificacion):
    """Decision: a FIEL key is always protected by its password; a bare key is refused."""
    desnuda = cred.abrir().private_bytes(codificacion, formato, serialization.NoEncryption())
    assert codigo_key(desnuda) == "llave_sin_cifrar"


def test_llave_pem_rsa_legado_cifrada_se_acepta(cred):
    legado = cred.abrir().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(b"12345678a"),
    )
    assert b"Proc-Type: 4,ENCRYPTED" in legado
    assert abrir_llave(legado, "12345678a").key_size == 2048
    assert codigo_key(legado, "mala") == "password_incorrecta"


def test_verificar_nunca_lanza_y_reune_errores():
    res = verificar_fiel(b"", b"", "")
    assert res.codigos == ["certificado_vacio", "llave_vacia"]
    assert res.certificado is None and res.vigente is None and res.cadena_confiable is None
    assert not res.ok
    assert res.as_dict()["rfc"] is None
    assert res.as_dict()["errores"][0] == {
        "codigo": "certificado_vacio",
        "mensaje": "El archivo del certificado (.cer) está vacío.",
    }
