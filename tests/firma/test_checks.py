"""Deploy checks for the trust store and the Ventanilla seal."""

from firma.checks import revisar_fiel


def ids():
    return {e.id for e in revisar_fiel()}


def test_configuracion_de_pruebas_solo_advierte_la_ac_demo():
    assert ids() == {"firma.W001"}


def test_sin_sello_ni_almacen(settings, tmp_path):
    settings.VENTANILLA_SELLO_CER = str(tmp_path / "no.cer")
    settings.VENTANILLA_SELLO_KEY = str(tmp_path / "no.key")
    settings.FIEL_CA_DIR = str(tmp_path)
    assert ids() == {"firma.E001", "firma.E002"}


def test_solo_acs_del_sat_sin_advertencia(settings, fiel_sat):
    settings.FIEL_CA_DIR = str(fiel_sat / "ac-pruebas")
    assert ids() == set()
