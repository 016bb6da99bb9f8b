"""Deploy checks for the trust store and the Ventanilla seal."""

import shutil

from firma.checks import revisar_fiel


def ids():
    return {e.id for e in revisar_fiel()}


def test_configuracion_de_pruebas_falla_por_la_ac_demo():
    """The tests trust the demo CA (FIEL_CA_DIR): check --deploy must refuse that."""
    assert ids() == {"firma.E003"}


def test_ac_demo_por_ajuste(settings, fiel_sat):
    settings.FIEL_CA_DIR = str(fiel_sat / "ac-pruebas")
    settings.FIEL_CONFIAR_AC_DEMO = True
    assert ids() == {"firma.E003"}


def test_sin_sello_ni_almacen_de_produccion(settings, tmp_path):
    settings.VENTANILLA_SELLO_CER = str(tmp_path / "no.cer")
    settings.VENTANILLA_SELLO_KEY = str(tmp_path / "no.key")
    settings.FIEL_CA_DIR = ""
    settings.FIEL_CONFIAR_AC_DEMO = False
    settings.FIEL_CA_PRODUCCION_DIR = str(tmp_path / "no-existe")
    assert ids() == {"firma.E001", "firma.E002"}


def test_almacen_de_produccion_alterado(settings, tmp_path):
    from firma.confianza import carpeta_produccion

    copia = tmp_path / "produccion"
    shutil.copytree(carpeta_produccion(), copia)
    settings.FIEL_CA_DIR = ""
    settings.FIEL_CONFIAR_AC_DEMO = False
    settings.FIEL_CA_PRODUCCION_DIR = str(copia)
    assert ids() == set()
    datos = bytearray((copia / "AC5_SAT.cer").read_bytes())
    datos[-1] ^= 1
    (copia / "AC5_SAT.cer").write_bytes(bytes(datos))
    assert ids() == {"firma.E002"}


def test_solo_acs_del_sat_sin_error(settings, fiel_sat):
    settings.FIEL_CA_DIR = str(fiel_sat / "ac-pruebas")
    settings.FIEL_CONFIAR_AC_DEMO = False
    assert ids() == set()
