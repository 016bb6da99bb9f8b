"""The static storage keeps each file's URL (vucem.estaticos, issue 8)."""

from django.core.files.storage import storages
from django.templatetags.static import static
from django.test import override_settings
from whitenoise.storage import CompressedStaticFilesStorage

from vucem.estaticos import EstaticosComprimidos


def test_la_url_es_la_de_whitenoise_y_se_calcula_una_vez(monkeypatch):
    assert isinstance(storages["staticfiles"], EstaticosComprimidos)
    storages["staticfiles"]._urls.clear()  # what earlier tests' pages asked for
    nombre = "js/ventanilla.js"
    esperada = CompressedStaticFilesStorage().url(nombre)
    assert static(nombre) == esperada
    llamadas = []
    original = CompressedStaticFilesStorage.url

    def contar(self, name):
        llamadas.append(name)
        return original(self, name)

    monkeypatch.setattr(CompressedStaticFilesStorage, "url", contar)
    assert [static(nombre) for _ in range(3)] == [esperada] * 3
    assert llamadas == []  # kept from the first call
    assert static("css/ventanilla.css") == original(storages["staticfiles"], "css/ventanilla.css")
    assert llamadas == ["css/ventanilla.css"]


def test_otra_static_url_da_otras_urls():
    antes = static("js/ventanilla.js")
    with override_settings(STATIC_URL="/otra/"):
        assert static("js/ventanilla.js") == "/otra/js/ventanilla.js"
    assert static("js/ventanilla.js") == antes
