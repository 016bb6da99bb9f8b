"""tramites.memoria (issue 8): within one request each version key is read from the shared
cache once; outside a request (jobs, commands) on every call; the next request reads again."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.soporte.personas import crear_solicitante, entrar_como_solicitante
from tramites import memoria

pytestmark = pytest.mark.django_db


class Registro:
    """The shared cache, recording which keys each read asks for (one entry per round trip)."""

    def __init__(self, real):
        self.real = real
        self.llamadas: list[list[str]] = []

    def get(self, clave, *args, **kwargs):
        self.llamadas.append([clave])
        return self.real.get(clave, *args, **kwargs)

    def get_many(self, claves, *args, **kwargs):
        self.llamadas.append(list(claves))
        return self.real.get_many(claves, *args, **kwargs)

    def __getattr__(self, nombre):
        return getattr(self.real, nombre)


@pytest.fixture
def registro(monkeypatch):
    r = Registro(memoria.cache)
    monkeypatch.setattr(memoria, "cache", r)
    return r


@pytest.fixture
def lecturas(registro):
    """The keys read, one entry per key."""

    class Lecturas:
        def clear(self):
            registro.llamadas.clear()

        def count(self, clave):
            return sum(ll.count(clave) for ll in registro.llamadas)

    return Lecturas()


def test_una_peticion_lee_todas_las_versiones_de_una_vez(client, registro):
    """The catálogo consults several memories (catalog, calendar, cupos' reception), some
    several times: their version keys are read in one round trip per request, and again by
    the next request."""
    _, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    entrar_como_solicitante(client, user)
    url = reverse("tramites:catalogo")
    client.get(url)
    for _ in range(2):
        registro.llamadas.clear()
        assert client.get(url).status_code == 200
        assert len(registro.llamadas) == 1, registro.llamadas
        assert {
            "tramites:catalogo:version",
            "tramites:calendario:version",
            "cupos:recepcion:version",
        } <= set(registro.llamadas[0])


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
