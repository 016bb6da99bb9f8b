"""FIEL verification against SAT's public test credentials (../shared/fiel)."""

import base64
import datetime as dt

import pytest

from firma.services import (
    FielError,
    abrir_llave,
    firmar,
    leer_certificado,
    verificar_fiel,
    verificar_firma,
)

PASSWORD = "12345678a"
EN_2020 = dt.datetime(2020, 6, 1, 12, 0, tzinfo=dt.UTC)


def leer(fiel_sat, nombre):
    return (fiel_sat / nombre).read_bytes()


def par(fiel_sat, base):
    return leer(fiel_sat, f"{base}.cer"), leer(fiel_sat, f"{base}.key")


def test_fiel_moral_vigente_es_aceptada(fiel_sat):
    cer, key = par(fiel_sat, "vigente/EKU9003173C9_FIEL")
    res = verificar_fiel(cer, key, PASSWORD)
    assert res.errores == []
    assert res.ok
    datos = res.as_dict()
    assert datos["rfc"] == "EKU9003173C9"
    assert datos["rfc_representante"] == "VADA800927DJ3"
    assert datos["curp"] == ""
    assert datos["curp_representante"] == "VADA800927HSRSRL05"
    assert datos["nombre"] == "ESCUELA KEMPER URGATE SA DE CV"
    assert datos["tipo"] == "FIEL"
    assert datos["persona"] == "moral"
    assert datos["numero_certificado"] == "30001000000500003415"
    assert datos["valido_desde"].startswith("2023-05-18")
    assert datos["valido_hasta"].startswith("2027-05-17")
    assert "AC UAT" in datos["emisor"]
    assert datos["vigente"] is True
    assert datos["cadena_confiable"] is True
    assert datos["llave_corresponde"] is True


def test_as_dict_tiene_exactamente_las_llaves_acordadas(fiel_sat):
    cer, key = par(fiel_sat, "vigente/EKU9003173C9_FIEL")
    res = verificar_fiel(cer, key, PASSWORD)
    assert list(res.as_dict()) == [
        "rfc",
        "rfc_representante",
        "curp",
        "curp_representante",
        "nombre",
        "tipo",
        "persona",
        "numero_certificado",
        "valido_desde",
        "valido_hasta",
        "emisor",
        "vigente",
        "cadena_confiable",
        "llave_corresponde",
        "errores",
        "revocacion",  # issue 7: {estado, fecha, fuente}
    ]
    assert " llave=" not in repr(res) and "RSAPrivateKey" not in repr(res)


def test_persona_fisica_vencida_hoy_pero_valida_en_2020(fiel_sat):
    cer, key = par(fiel_sat, "vencido/CACX7605101P8_FIEL")
    hoy = verificar_fiel(cer, key, PASSWORD)
    assert not hoy.ok
    assert hoy.codigos == ["certificado_vencido"]
    assert "vencido" in hoy.errores[0].mensaje and "27/05/2023" in hoy.errores[0].mensaje
    assert hoy.vigente is False
    assert hoy.cadena_confiable is True  # AC_4096_2018 → arcbeta

    antes = verificar_fiel(cer, key, PASSWORD, momento=EN_2020)
    assert antes.ok, antes.errores
    info = antes.certificado
    assert (info.rfc, info.curp, info.persona) == (
        "CACX7605101P8",
        "CACX760510MGTSHC04",
        "fisica",
    )
    assert info.nombre == "XOCHILT CASAS CHAVEZ"
    assert info.rfc_representante == "" and info.curp_representante == ""


def test_momento_ingenuo_o_texto_iso(fiel_sat):
    cer, key = par(fiel_sat, "vencido/KIJ0906199R1_FIEL")
    assert verificar_fiel(cer, key, PASSWORD, momento="2020-06-01T12:00:00").ok
    assert verificar_fiel(cer, key, PASSWORD, momento=dt.datetime(2020, 6, 1)).ok


def test_aun_no_vigente(fiel_sat):
    cer, key = par(fiel_sat, "vigente/EKU9003173C9_FIEL")
    res = verificar_fiel(cer, key, PASSWORD, momento=dt.datetime(2022, 1, 1, tzinfo=dt.UTC))
    assert res.codigos == ["certificado_aun_no_vigente"]
    assert "aún no es vigente" in res.errores[0].mensaje
    assert res.vigente is False


def test_persona_moral_vencida(fiel_sat):
    info = leer_certificado(leer(fiel_sat, "vencido/KIJ0906199R1_FIEL.cer"))
    assert info.persona == "moral"
    assert info.rfc == "KIJ0906199R1"
    assert info.rfc_representante == "KAHO641101B39"
    assert info.curp == "" and info.curp_representante == "KAHO641101HNTLKS06"
    assert info.nombre == "KERNEL INDUSTIA JUGUETERA SA DE CV"


def test_sujeto_t61_con_enie(fiel_sat):
    cer, key = par(fiel_sat, "vencido/CANF770131PA3_FIEL_enie")
    info = leer_certificado(cer)
    assert info.rfc == "CAÑF770131PA3"
    assert info.nombre == "FERNANDO CASTILLO ÑABARRO"
    assert info.tipo == "FIEL"
    assert info.persona == "fisica"
    assert info.numero_certificado == "30001000000400002432"
    res = verificar_fiel(cer, key, PASSWORD, momento=EN_2020, rfc_esperado="cañf770131pa3")
    assert res.ok, res.errores


def test_csd_rechazado_como_fiel(fiel_sat):
    cer, key = par(fiel_sat, "vigente/EKU9003173C9_CSD")
    res = verificar_fiel(cer, key, PASSWORD)
    assert not res.ok
    assert res.codigos == ["certificado_es_csd"]
    assert res.errores[0].mensaje == "El certificado es un CSD (sello digital), no una e.firma."
    assert res.certificado.tipo == "CSD"
    assert res.certificado.numero_certificado == "30001000000500003416"
    # Where a CSD is acceptable (e.g. verifying a seal) it passes.
    assert verificar_fiel(cer, key, PASSWORD, requerir_fiel=False).ok


def test_emisor_no_sat_rechazado(fiel_sat):
    cer, key = par(fiel_sat, "invalido/emisor_no_sat")
    res = verificar_fiel(cer, key, PASSWORD, requerir_fiel=False)
    assert not res.ok
    assert res.vigente is True
    assert res.cadena_confiable is False
    assert res.codigos == ["emisor_no_confiable"]
    assert "autoridad certificadora" in res.errores[0].mensaje


def test_sin_almacen_de_confianza_nada_es_confiable(fiel_sat, settings, tmp_path):
    settings.FIEL_CA_DIR = str(tmp_path)
    cer, key = par(fiel_sat, "vigente/EKU9003173C9_FIEL")
    res = verificar_fiel(cer, key, PASSWORD)
    assert res.codigos == ["emisor_no_confiable"]


def test_certificado_corrupto(fiel_sat):
    res = verificar_fiel(leer(fiel_sat, "invalido/certificado_corrupto.pem"))
    assert res.certificado is None
    assert res.codigos == ["certificado_mal_formado"]
    assert not res.ok


def test_contrasena_incorrecta(fiel_sat):
    cer, key = par(fiel_sat, "vigente/EKU9003173C9_FIEL")
    res = verificar_fiel(cer, key, "otra-cosa")
    assert res.codigos == ["password_incorrecta"]
    assert res.errores[0].mensaje == "La contraseña de la clave privada no es válida."
    assert res.llave is None and res.llave_corresponde is None
    assert not res.ok


def test_sin_contrasena(fiel_sat):
    cer, key = par(fiel_sat, "vigente/EKU9003173C9_FIEL")
    assert verificar_fiel(cer, key, "").codigos == ["password_requerida"]
    assert verificar_fiel(cer, key, None).codigos == ["password_requerida"]


def test_llave_no_corresponde(fiel_sat):
    cer = leer(fiel_sat, "vigente/EKU9003173C9_FIEL.cer")
    key = leer(fiel_sat, "vigente/EKU9003173C9_CSD.key")
    res = verificar_fiel(cer, key, PASSWORD)
    assert res.codigos == ["llave_no_corresponde"]
    assert res.errores[0].mensaje == "El certificado no corresponde con la llave privada."
    assert res.llave_corresponde is False
    assert not res.ok


def test_rfc_distinto_al_de_la_sesion(fiel_sat):
    cer, key = par(fiel_sat, "vigente/EKU9003173C9_FIEL")
    res = verificar_fiel(cer, key, PASSWORD, rfc_esperado="KIJ0906199R1")
    assert res.codigos == ["rfc_no_coincide"]
    assert "EKU9003173C9" in res.errores[0].mensaje and "KIJ0906199R1" in res.errores[0].mensaje
    assert verificar_fiel(cer, key, PASSWORD, rfc_esperado=" eku9003173c9 ").ok


def test_archivos_intercambiados(fiel_sat):
    cer, key = par(fiel_sat, "vigente/EKU9003173C9_FIEL")
    res = verificar_fiel(key, cer, PASSWORD)
    assert res.codigos == ["certificado_es_llave", "llave_es_certificado"]
    assert all(e.mensaje for e in res.errores)


def test_certificado_de_autoridad_no_es_de_persona(fiel_sat):
    res = verificar_fiel(leer(fiel_sat, "ac-pruebas/AC_UAT_2022.cer"))
    assert "certificado_de_autoridad" in res.codigos
    assert not res.certificado_ok


def test_abrir_llave_sat_y_firmar(fiel_sat):
    cer, key = par(fiel_sat, "vigente/EKU9003173C9_FIEL")
    llave = abrir_llave(key, PASSWORD)
    cadena = "||02|EKU9003173C9|ESCUELA KEMPER URGATE SA DE CV|Ñandú & Cía|"
    sello = firmar(llave, cadena)
    assert verificar_firma(cer, cadena, sello)
    assert verificar_firma(leer_certificado(cer).pem, cadena, sello)
    assert not verificar_firma(cer, cadena + "x", sello)
    csd = leer(fiel_sat, "vigente/EKU9003173C9_CSD.cer")
    assert not verificar_firma(csd, cadena, sello)


def test_firma_conocida_del_csd(fiel_sat):
    datos = leer(fiel_sat, "vigente/firma_conocida_datos.txt").decode("utf-8")
    firma = base64.b64encode(leer(fiel_sat, "vigente/firma_conocida_EKU9003173C9_CSD_sha256.bin"))
    csd = leer(fiel_sat, "vigente/EKU9003173C9_CSD.cer")
    assert verificar_firma(csd, datos, firma.decode())
    assert not verificar_firma(csd, datos + " ", firma.decode())
    assert not verificar_firma(
        leer(fiel_sat, "vigente/EKU9003173C9_FIEL.cer"), datos, firma.decode()
    )


@pytest.mark.parametrize("sello", ["", "no es base64!!", "QUJD", None])
def test_verificar_firma_con_basura_da_falso(fiel_sat, sello):
    assert verificar_firma(leer(fiel_sat, "vigente/EKU9003173C9_FIEL.cer"), "a", sello) is False


def test_verificar_firma_con_certificado_basura_da_falso():
    assert verificar_firma(b"basura", "a", "QUJD") is False
    assert verificar_firma("", "a", "QUJD") is False


def test_fiel_error_tiene_codigo_y_mensaje():
    with pytest.raises(FielError) as exc:
        leer_certificado(b"")
    assert exc.value.codigo == "certificado_vacio"
    assert exc.value.mensaje == "El archivo del certificado (.cer) está vacío."
    assert str(exc.value) == exc.value.mensaje
