"""The project's own test CA and FIEL-shaped credentials; signing; secrets never leak."""

import base64
import datetime as dt
import io
import logging
import pickle

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from firma import asn1, sello
from firma.demo import PERSONAS_DEMO
from firma.services import (
    FielError,
    abrir_llave,
    certificado_ventanilla_pem,
    firmar,
    leer_certificado,
    sellar_ventanilla,
    verificar_fiel,
    verificar_firma,
    verificar_sello_ventanilla,
)
from firma.testing import crear_ca, emitir_credencial

AHORA = dt.datetime.now(dt.UTC)


def test_credencial_de_la_ca_de_pruebas_es_fiel_confiable(credencial_factory):
    cred = credencial_factory()
    res = verificar_fiel(cred.cer, cred.key, cred.password, rfc_esperado=cred.rfc)
    assert res.ok, res.errores
    info = res.certificado
    assert info.tipo == "FIEL" and info.persona == "fisica"
    assert info.nombre == "JUAN PEREZ GARCIA"
    assert info.curp == "PEGJ800101HDFRRN03"
    assert len(info.numero_certificado) == 20 and info.numero_certificado.isdigit()
    assert "AC DEMO VENTANILLA" in info.emisor


def test_credencial_persona_moral(credencial_factory):
    empresa = PERSONAS_DEMO[0]
    cred = credencial_factory(
        empresa["rfc"],
        empresa["nombre"],
        rfc_representante=empresa["rfc_representante"],
        curp_representante=empresa["curp_representante"],
        curp="",
    )
    info = leer_certificado(cred.cer)
    assert cred.persona == info.persona == "moral"
    assert info.rfc == empresa["rfc"]
    assert info.rfc_representante == empresa["rfc_representante"]
    assert info.curp == "" and info.curp_representante == empresa["curp_representante"]


def test_forma_de_los_certificados_como_los_del_sat(credencial_factory):
    from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID

    cred = credencial_factory()
    cert = leer_certificado(cred.cer).certificado
    ku = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert ku.digital_signature and ku.content_commitment
    assert ku.data_encipherment and ku.key_agreement
    eku = cert.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE).value
    assert set(eku) == {ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION}
    oids = {a.oid.dotted_string for a in cert.subject}
    assert {"2.5.4.45", "2.5.4.5"} <= oids and "2.5.4.11" not in oids
    # Key: PKCS#8 EncryptedPrivateKeyInfo DER with PBES2.
    alg = asn1.leer_unico(cred.key).children()[0].children()[0]
    assert asn1.decodificar_oid(alg.value) == "1.2.840.113549.1.5.13"


def test_csd_de_la_ca_de_pruebas_rechazado(credencial_factory):
    cred = credencial_factory(tipo="CSD")
    res = verificar_fiel(cred.cer, cred.key, cred.password)
    assert res.codigos == ["certificado_es_csd"]


def test_vencida_y_aun_no_vigente(credencial_factory):
    vencida = credencial_factory(
        valido_desde=AHORA - dt.timedelta(days=800), valido_hasta=AHORA - dt.timedelta(days=10)
    )
    assert verificar_fiel(vencida.cer, vencida.key, vencida.password).codigos == [
        "certificado_vencido"
    ]
    assert verificar_fiel(
        vencida.cer, vencida.key, vencida.password, momento=AHORA - dt.timedelta(days=100)
    ).ok
    futura = credencial_factory(
        valido_desde=AHORA + dt.timedelta(days=10), valido_hasta=AHORA + dt.timedelta(days=800)
    )
    assert verificar_fiel(futura.cer, futura.key, futura.password).codigos == [
        "certificado_aun_no_vigente"
    ]


def test_ca_ajena_no_es_confiable():
    otra = crear_ca(None, nombre="AC DEMO VENTANILLA")  # same name, different key
    cred = emitir_credencial(otra, "PEGJ800101AB6", "JUAN PEREZ GARCIA")
    res = verificar_fiel(cred.cer, cred.key, cred.password)
    assert res.codigos == ["emisor_no_confiable"]
    assert res.cadena_confiable is False


def test_password_windows_1252_con_enie(fiel_ca):
    password = "Contraseña€1"
    cred = emitir_credencial(
        fiel_ca,
        "PEGJ800101AB6",
        "JUAN PEREZ GARCIA",
        password=password,
        codificacion_password="cp1252",
    )
    # The bytes are not UTF-8: only the Windows-1252 retry can open it.
    with pytest.raises(ValueError):
        serialization.load_der_private_key(cred.key, password.encode("utf-8"))
    assert abrir_llave(cred.key, password).key_size == 2048
    assert verificar_fiel(cred.cer, cred.key, password).ok
    with pytest.raises(FielError) as exc:
        abrir_llave(cred.key, "Contrasena€1")
    assert exc.value.codigo == "password_incorrecta"


def test_password_utf8_con_enie(fiel_ca):
    cred = emitir_credencial(fiel_ca, "PEGJ800101AB6", "JUAN PEREZ GARCIA", password="piñata2024")
    assert verificar_fiel(cred.cer, cred.key, "piñata2024").ok


def test_subject_con_enie_y_ampersand(fiel_ca):
    cred = emitir_credencial(
        fiel_ca, "CAÑF770131PA3", "FERNANDO CASTILLO ÑABARRO", curp="CANF770131HBCSBR08"
    )
    info = leer_certificado(cred.cer)
    assert info.rfc == "CAÑF770131PA3" and info.nombre == "FERNANDO CASTILLO ÑABARRO"
    moral = emitir_credencial(fiel_ca, "A&B010101AB1", "A & B SA DE CV")
    assert leer_certificado(moral.cer).rfc == "A&B010101AB1"


def test_firma_ida_y_vuelta(credencial_factory):
    cred = credencial_factory()
    llave = abrir_llave(cred.key, cred.password)
    cadena = "|0201500100220200101000001|PEGJ800101AB6|JUAN PÉREZ GARCÍA|1,000.50||"
    sello_b64 = firmar(llave, cadena)
    assert len(base64.b64decode(sello_b64)) == 256
    assert verificar_firma(cred.cer, cadena, sello_b64)
    assert verificar_firma(leer_certificado(cred.cer).pem, cadena, sello_b64)
    assert not verificar_firma(cred.cer, cadena.replace("1,000.50", "1,000.51"), sello_b64)
    otro = credencial_factory("EPA120905R46", "EXPORTADORA DEL PACIFICO SA DE CV")
    assert not verificar_firma(otro.cer, cadena, sello_b64)


def test_sello_de_la_ventanilla():
    cadena = "||0201500100220200101000001|PEGJ800101AB6||"
    s = sellar_ventanilla(cadena)
    assert verificar_sello_ventanilla(cadena, s)
    assert not verificar_sello_ventanilla(cadena + "|", s)
    pem = certificado_ventanilla_pem()
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    assert verificar_firma(pem, cadena, s)


def test_sello_se_genera_en_debug_si_falta(settings, tmp_path, caplog):
    settings.VENTANILLA_SELLO_CER = str(tmp_path / "v" / "sello.cer")
    settings.VENTANILLA_SELLO_KEY = str(tmp_path / "v" / "sello.key")
    settings.DEBUG = True
    with caplog.at_level(logging.WARNING, logger="firma"):
        s = sellar_ventanilla("|a||")
    assert (tmp_path / "v" / "sello.cer").exists() and (tmp_path / "v" / "sello.key").exists()
    assert "sello de la Ventanilla" in caplog.text
    assert verificar_sello_ventanilla("|a||", s)


def test_sello_falta_en_produccion(settings, tmp_path, monkeypatch):
    settings.VENTANILLA_SELLO_CER = str(tmp_path / "no-existe.cer")
    settings.VENTANILLA_SELLO_KEY = str(tmp_path / "no-existe.key")
    settings.DEBUG = False
    monkeypatch.setattr(sello, "_en_pruebas", lambda: False)
    with pytest.raises(ImproperlyConfigured, match="VENTANILLA_SELLO_CER"):
        sellar_ventanilla("|a||")


def test_sello_con_password_equivocada(settings, sello_ventanilla_prueba):
    settings.VENTANILLA_SELLO_PASSWORD = "equivocada"
    with pytest.raises(ImproperlyConfigured, match="contraseña"):
        sellar_ventanilla("|a||")


def _fragmentos_secretos(key: bytes, password: str, llave) -> set[str]:
    numeros = llave.private_numbers()
    desnuda = llave.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {
        password,
        base64.b64encode(key).decode()[40:80],
        base64.b64encode(key).decode()[-60:-20],
        key.hex()[80:140],
        format(numeros.d, "x")[:40],
        str(numeros.d)[:40],
        str(numeros.p)[:40],
        desnuda[40:100],
    }


def _sin_secretos(caplog, resultados, fragmentos):
    assert any(r.name == "firma" for r in caplog.records)  # logging did happen
    texto = caplog.text + "".join(repr(r.__dict__) for r in caplog.records)
    texto += "".join(
        repr(r) + repr(r.as_dict()) + str(r.errores) + repr(r.certificado) for r in resultados
    )
    texto += "".join(repr(pickle.loads(pickle.dumps(r)).__dict__) for r in resultados)
    for fragmento in fragmentos:
        assert fragmento not in texto


def test_password_y_llave_nunca_aparecen_en_logs(credencial_factory, caplog):
    password = "S3creta-Ñ-única"
    cred = credencial_factory(password=password)
    fragmentos = _fragmentos_secretos(cred.key, password, abrir_llave(cred.key, password))
    with caplog.at_level(logging.DEBUG):
        logging.getLogger().setLevel(logging.DEBUG)
        resultados = [
            verificar_fiel(cred.cer, cred.key, password),
            verificar_fiel(cred.cer, cred.key, password + "x"),
            verificar_fiel(cred.cer, cred.key[:-5], password),
            verificar_fiel(cred.key, cred.cer, password),
            verificar_fiel(cred.cer, cred.key, password, rfc_esperado="XAXX010101000"),
        ]
        sello_b64 = firmar(resultados[0].llave, "|cadena||")
        verificar_firma(cred.cer, "|cadena||", sello_b64)
        sellar_ventanilla("|cadena||")
    _sin_secretos(caplog, resultados, fragmentos)


def test_password_y_llave_sat_nunca_aparecen_en_logs(fiel_sat, caplog, tmp_path):
    cer_path = fiel_sat / "vigente/EKU9003173C9_FIEL.cer"
    key_path = fiel_sat / "vigente/EKU9003173C9_FIEL.key"
    cer, key = cer_path.read_bytes(), key_path.read_bytes()
    fragmentos = _fragmentos_secretos(key, "12345678a", abrir_llave(key, "12345678a"))
    with caplog.at_level(logging.DEBUG):
        logging.getLogger().setLevel(logging.DEBUG)
        resultados = [
            verificar_fiel(cer, key, "12345678a"),
            verificar_fiel(cer, key, "mala-12345678a-mala"),
            verificar_fiel(
                cer, (fiel_sat / "vigente/EKU9003173C9_CSD.key").read_bytes(), "12345678a"
            ),
        ]
        firmar(resultados[0].llave, "|cadena||")
        salida = io.StringIO()
        for password in ("12345678a", "mala-12345678a-mala"):
            try:
                call_command(
                    "fiel", "verificar", "--cer", str(cer_path), "--key", str(key_path),
                    "--password", password, stdout=salida, stderr=salida,
                )  # fmt: skip
            except CommandError as exc:
                salida.write(str(exc))
    fragmentos.add("mala-12345678a-mala")
    _sin_secretos(caplog, resultados, fragmentos)
    for fragmento in fragmentos:
        assert fragmento not in salida.getvalue()


def test_resultado_no_se_serializa_con_la_llave(credencial_factory):
    cred = credencial_factory()
    res = verificar_fiel(cred.cer, cred.key, cred.password)
    assert res.llave is not None
    copia = pickle.loads(pickle.dumps(res))
    assert copia.llave is None
    assert copia.certificado.rfc == cred.rfc
    assert res.llave is not None  # the original keeps it for the caller


def test_password_incorrecta_nunca_se_confunde_con_llave_danada(fiel_ca):
    """With 3DES-CBC a wrong password passes the padding check about once in 256 tries and
    decrypts to garbage: that is still a wrong password, not a damaged key (it made the
    ñ test above fail now and then)."""
    cred = emitir_credencial(fiel_ca, "PEGJ800101AB6", "JUAN PEREZ GARCIA", password="Correcta1")
    codigos = set()
    for i in range(600):
        with pytest.raises(FielError) as exc:
            abrir_llave(cred.key, f"incorrecta-{i}")
        codigos.add(exc.value.codigo)
    assert codigos == {"password_incorrecta"}
