"""tramites.memoria (issue 8): within one request each version key is read from the shared
cache once; outside a request (jobs, commands) on every call; the next request reads again."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.soporte.personas import crear_solicitante, entrar_como_solicitante
from tramites import memoria

pytestmark = pytest.mark.django_db


@pytest.fixture
def lecturas(monkeypatch):
    leidas = []
    original = memoria.cache.get

    def get(clave, *args, **kwargs):
        leidas.append(clave)
        return original(clave, *args, **kwargs)

    monkeypatch.setattr(memoria.cache, "get", get)
    return leidas


def test_una_peticion_lee_cada_version_una_vez(client, lecturas):
    """The catálogo consults several memories (catalog, calendar, cupos' reception), some
    several times: each version key is read once per request, and again by the next."""
    _, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    entrar_como_solicitante(client, user)
    url = reverse("tramites:catalogo")
    client.get(url)
    for _ in range(2):
        lecturas.clear()
        assert client.get(url).status_code == 200
        versiones = [c for c in lecturas if c.endswith(":version")]
        assert "tramites:catalogo:version" in versiones
        assert "cupos:recepcion:version" in versiones
        assert len(versiones) == len(set(versiones)), versiones


def test_fuera_de_una_peticion_cada_llamada_lee(lecturas):
    m = memoria.Memoria("pruebas:memoria:version")
    m.version()  # creates the key
    lecturas.clear()
    m.version()
    m.version()
    assert lecturas.count("pruebas:memoria:version") == 2


def test_otro_proceso_cambia_la_version_se_nota_en_la_siguiente_peticion(lecturas):
    m = memoria.Memoria("pruebas:memoria:version")
    memoria._empezar_peticion()
    try:
        primera = m.version()
        cache.set(m.clave_version, "de-otro-proceso", None)  # another process invalidates
        assert m.version() == primera  # this request keeps reading under one version
        # this process's own invalidation is seen at once by the rest of the request
        m.invalidar()
        propia = m.version()
        assert propia not in (primera, "de-otro-proceso") and cache.get(m.clave_version) == propia
    finally:
        memoria._terminar_peticion()
    cache.set(m.clave_version, "de-otro-proceso", None)
    memoria._empezar_peticion()
    try:
        assert m.version() == "de-otro-proceso"
    finally:
        memoria._terminar_peticion()
    assert lecturas.count(m.clave_version) >= 3
