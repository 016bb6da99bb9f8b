"""Reference numbers stay unique under concurrency on a real PostgreSQL (row locks)."""

import pytest
from django.db import transaction

from tests.concurrencia import en_paralelo, renglones_libres, solo_postgres
from tramites import services
from tramites.models import Dependencia, Instrumento, Solicitud, Tramite

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

HILOS = 24


@pytest.fixture(autouse=True)
def _solo_postgres():
    solo_postgres()
    # Transactional tests flush the tables, including the catalog the data migration loaded.
    from tramites.catalogo import cargar_catalogo

    cargar_catalogo()


def _en_paralelo(fn, n=HILOS):
    """``fn`` run in ``n`` threads at once → (values, errors)."""
    resultados = en_paralelo([fn] * n, espera=60)
    return [v for k, v in resultados if k == "ok"], [v for k, v in resultados if k == "error"]


def test_folios_unicos_con_hilos_simultaneos():
    tramite = Tramite.objects.get(vucem_id=120402)

    def folio():
        with transaction.atomic():
            return services.nuevo_folio(tramite)

    folios, errores = _en_paralelo(folio)
    assert errores == []
    assert len(folios) == HILOS and len(set(folios)) == HILOS
    secuencias = sorted(int(f[-6:]) for f in folios)
    assert secuencias == list(range(1, HILOS + 1))  # no gaps, no repeats


def test_numeros_temporales_unicos_con_hilos_simultaneos():
    from tests.tramites.conftest import crear_persona, usuario_solicitante

    tramite = Tramite.objects.get(vucem_id=120402)
    persona = crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV")
    user = usuario_solicitante(persona)

    def borrador():
        return services.crear_borrador(
            tramite=tramite, solicitante=persona, usuario=user
        ).numero_temporal

    numeros, errores = _en_paralelo(borrador)
    assert errores == []
    assert len(set(numeros)) == HILOS == Solicitud.objects.count()


def test_firmar_y_resolver_no_bloquean_el_renglon_del_tramite(django_assert_num_queries):
    """Signing and resolving (``services.bloquear_solicitud``, both paths) lock the solicitud
    and its persona, not the trámite row it joins: that row is shared by every solicitud of
    the trámite, and locking it queued every signing behind the previous one until its
    COMMIT (issue 8)."""
    from tests.tramites.conftest import crear_persona, usuario_solicitante
    from vucem.models import Persona

    tramite = Tramite.objects.get(vucem_id=120402)
    persona = crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV")
    user = usuario_solicitante(persona)
    s = services.crear_borrador(tramite=tramite, solicitante=persona, usuario=user)
    otro = services.crear_borrador(tramite=tramite, solicitante=persona, usuario=user)

    with transaction.atomic():
        bloqueada = services.bloquear_solicitud(s.pk)
        with django_assert_num_queries(0):  # joined in the locking query
            assert bloqueada.tramite.instrumento.dependencia.codigo
        libres = renglones_libres(
            (Tramite, tramite.pk),
            (Instrumento, tramite.instrumento_id),
            (Dependencia, tramite.instrumento.dependencia_id),
            (Solicitud, otro.pk),
            (Solicitud, s.pk),  # held
            (Persona, persona.pk),  # held
        )
    assert libres == [True, True, True, True, False, False]
