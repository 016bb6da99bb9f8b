"""Issue 8 item 2: what every logged-in request costs. A solicitante's trivial request reads
its user and its own (acting) persona in one query and writes nothing; a capturista's acting
persona is still read (and checked) on its own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.soporte.personas import (
    crear_capturista,
    crear_solicitante,
    crear_usuario,
    entrar_como_capturista,
    entrar_como_solicitante,
    entrar_como_staff,
)

pytestmark = pytest.mark.django_db


def _consultas(client, url, *, calentar=True):
    if calentar:
        client.get(url)  # warm: first request may refresh the idle clock
    with CaptureQueriesContext(connection) as q:
        r = client.get(url)
    # the session row itself is read from the cache when Redis is configured (cached_db)
    return r, [c["sql"] for c in q.captured_queries if '"django_session"' not in c["sql"]]


def test_solicitante_una_consulta_por_peticion_trivial(client):
    from vucem.autenticacion import olvidar_usuario

    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    entrar_como_solicitante(client, user)
    client.get(reverse("vucem:ping"))  # warm: first request may refresh the idle clock
    olvidar_usuario(user.pk)  # not in the cache: read from the database
    r, sqls = _consultas(client, reverse("vucem:ping"), calentar=False)
    assert r.status_code == 200
    assert len(sqls) == 1, sqls  # the user, joined with its persona
    assert "vucem_persona" in sqls[0]
    # then the FIEL account is served from the cache (VIGENCIA_USUARIO seconds)
    r, sqls = _consultas(client, reverse("vucem:ping"), calentar=False)
    assert r.status_code == 200 and sqls == [], sqls
    r = client.get(reverse("vucem:bandeja"))
    assert r.status_code == 200 and persona.nombre in r.content.decode()


def test_capturista_lee_y_comprueba_la_persona_por_la_que_actua(client):
    persona, _user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    capturista = crear_capturista(persona, "captura.uno")
    entrar_como_capturista(client, capturista, persona)
    r, sqls = _consultas(client, reverse("vucem:ping"))
    assert r.status_code == 200
    assert len(sqls) == 3, sqls  # user, acting persona, active registration
    capturista.capturas_para.update(activo=False)
    r = client.get(reverse("vucem:bandeja"))
    assert persona.nombre not in r.content.decode()


def test_el_menu_no_consulta_los_registros_de_capturista_en_cada_pagina(client):
    """Issue 8: whether a solicitante may switch roles (it also captures for someone) is read
    once and remembered; registering it as a capturista shows «Cambiar de rol» at once."""
    from vucem.models import Capturista

    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    otra, _ = crear_solicitante("moral", rfc="ACN080610GT1", nombre="AVENAS SA DE CV")
    entrar_como_solicitante(client, user)
    r, sqls = _consultas(client, reverse("vucem:bandeja"))
    assert r.status_code == 200 and "Cambiar de rol" not in r.content.decode()
    assert not [s for s in sqls if "vucem_capturista" in s], sqls
    registro = Capturista.objects.create(solicitante=otra, usuario=user)
    assert "Cambiar de rol" in client.get(reverse("vucem:bandeja")).content.decode()
    registro.activo = False
    registro.save()
    assert "Cambiar de rol" not in client.get(reverse("vucem:bandeja")).content.decode()


def test_la_cuenta_fiel_en_cache_trae_si_captura_para_alguien(client, monkeypatch):
    """Issue 8: the cached FIEL account carries whether it captures for someone (an EXISTS in
    the query that reads it): the menu asks the cache nothing more; a capturista
    registration saved or deleted forgets the account, so the menu changes at once."""
    from vucem import context_processors
    from vucem.models import Capturista

    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    otra, _ = crear_solicitante("moral", rfc="ACN080610GT1", nombre="AVENAS SA DE CV")
    entrar_como_solicitante(client, user)
    bandeja = reverse("vucem:bandeja")
    client.get(bandeja)
    leidas = []

    class Registro:
        def get(self, *args, **kwargs):
            leidas.append(args)
            return None

        def __getattr__(self, nombre):
            return getattr(context_processors.cache, nombre)

    monkeypatch.setattr(context_processors, "cache", Registro())
    for esperado in (False, True, False):
        r, sqls = _consultas(client, bandeja)
        assert ("Cambiar de rol" in r.content.decode()) is esperado
        assert leidas == [] and not [s for s in sqls if "vucem_capturista" in s], sqls
        if esperado is False and not Capturista.objects.exists():
            registro = Capturista.objects.create(solicitante=otra, usuario=user)
        elif esperado:
            registro.delete()


def test_cuenta_fiel_en_cache_desactivada_o_cambiada_se_nota(client, monkeypatch):
    """Issue 8: a FIEL account served from the cache is forgotten when it is saved
    (deactivated: the next request is anonymous); a change that skips ``save()`` is noticed
    within VIGENCIA_USUARIO seconds. A password account is never cached."""
    import time

    from vucem import autenticacion
    from vucem.models import Rol

    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    entrar_como_solicitante(client, user)
    ping, bandeja = reverse("vucem:ping"), reverse("vucem:bandeja")
    assert client.get(bandeja).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(bandeja).status_code == 302  # to the login: logged out

    persona, user = crear_solicitante("moral", rfc="ACN080610GT1", nombre="AVENAS SA DE CV")
    monkeypatch.setattr(autenticacion, "VIGENCIA_USUARIO", 1)
    entrar_como_solicitante(client, user)
    assert client.get(bandeja).status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)  # no save(): cached
    assert client.get(bandeja).status_code == 200
    time.sleep(1.1)
    assert client.get(bandeja).status_code == 302

    staff = crear_usuario(Rol.DICTAMINADOR)
    entrar_como_staff(client, staff)
    client.get(ping)
    r, sqls = _consultas(client, ping, calentar=False)
    assert [s for s in sqls if '"vucem_user"' in s], sqls  # read every request
    assert autenticacion._de_cache(staff.pk) is None


def test_las_plantillas_se_compilan_una_vez():
    """Issue 8: the template engine keeps compiled templates (Django's cached loader, on
    whenever the settings name no loaders), so a page does not re-parse its includes."""
    from django.template import engines

    loaders = engines["django"].engine.loaders
    assert len(loaders) == 1 and loaders[0][0] == "django.template.loaders.cached.Loader", loaders


def test_la_bandeja_cuenta_sus_listas_en_una_consulta(client):
    """Issue 8: the three lists (borradores, tareas, concluidas) are counted in one query that
    the tabs' badges and the paginators share; no query of the bandeja is issued twice, and
    an empty page builds no query for its rows."""
    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    entrar_como_solicitante(client, user)
    for url in (reverse("vucem:bandeja"), reverse("vucem:bandeja") + "?vista=concluidas"):
        r, sqls = _consultas(client, url)
        assert r.status_code == 200
        assert len(sqls) == len(set(sqls)), sqls
        assert sum("COUNT(" in s for s in sqls) == 1, sqls
        assert len(sqls) == 2, sqls  # the counts, the unread notices


def test_el_catalogo_lee_sus_tramites_en_una_consulta_y_los_recuerda(client):
    """Issue 8: every instrumento's trámites come in one query (a prefetch), not one each,
    and the process remembers the catalog of each tipo de persona until a Tramite,
    Instrumento or Dependencia changes: the change shows on the next request."""
    from tramites.models import Instrumento, Tramite

    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    entrar_como_solicitante(client, user)
    assert Instrumento.objects.filter(tramites__activo=True).distinct().count() > 1
    url = reverse("tramites:catalogo")
    r, sqls = _consultas(client, url, calentar=False)
    assert r.status_code == 200
    assert sum('FROM "tramites_tramite"' in s for s in sqls) == 1, sqls
    r, sqls = _consultas(client, url, calentar=False)
    catalogo = ('"tramites_tramite"', '"tramites_instrumento"', '"tramites_dependencia"')
    assert not [s for s in sqls if any(t in s.split(" WHERE ")[0] for t in catalogo)], sqls
    tramite = Tramite.objects.get(vucem_id=140104)
    assert tramite.nombre in r.content.decode()
    tramite.nombre = "Cancelación de certificados (nombre nuevo)"
    tramite.save()
    assert tramite.nombre in client.get(url).content.decode()
    Instrumento.objects.filter(pk=tramite.instrumento_id).update(nombre="Otro nombre")
    tramite.activo = False
    tramite.save()
    html = client.get(url).content.decode()
    assert tramite.nombre not in html and "Otro nombre" in html
    # another tipo de persona gets its own list
    _, fisica = crear_solicitante("fisica", rfc="GOMJ800101AB1", nombre="JUANA GOMEZ")
    entrar_como_solicitante(client, fisica)
    html = client.get(url).content.decode()
    assert "persona física" in html and "persona moral" not in html


def test_una_pagina_vacia_no_arma_la_consulta_de_sus_filas(client, consultas_armadas):
    """Issue 8: an empty list builds no query for its rows (Django compiles an empty slice's
    SQL before noticing it need not send it): the bandeja and «Acuses y resoluciones»."""
    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    entrar_como_solicitante(client, user)
    for url, esperadas in (
        # none: its notices and counts run SQL compiled once per process (vucem.consultas)
        (reverse("vucem:bandeja"), []),
        (reverse("acuses:lista"), []),  # its count: compiled once too
    ):
        client.get(url)
        consultas_armadas.clear()
        assert client.get(url).status_code == 200
        assert sorted(a for a in consultas_armadas if a != "sessions.Session") == esperadas, (
            consultas_armadas
        )


def test_el_catalogo_y_la_verificacion_no_arman_consultas_al_repetirse(
    client, consultas_armadas, settings
):
    """Issue 8: on a repeat visit the catálogo's rules (RAOCE, expedición, cancelación) and
    the public verification run SQL compiled once per process, or answers remembered
    (cupos' reception windows, the catalog): the ORM builds no query. The answers are
    still the persona's own."""
    import datetime as dt

    from tests.raoce.conftest import crear_programa

    settings.RAOCE_FECHA_SIMULADA = dt.date(2026, 5, 15)
    persona, user = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    crear_programa(persona, "IMMEX", "83-2019")
    entrar_como_solicitante(client, user)
    catalogo = reverse("tramites:catalogo")
    verificar = reverse("acuses:verificar") + "?folio=0201500100220260101000001&codigo=ZZZZZZZZZZZZ"
    for url in (catalogo, verificar):
        client.get(url)
        consultas_armadas.clear()
        r = client.get(url)
        assert r.status_code == 200
        assert [a for a in consultas_armadas if a != "sessions.Session"] == [], consultas_armadas
    # the RAOCE is offered to this persona; expedición and cancelación are not
    html = client.get(catalogo).content.decode()
    assert reverse("tramites:iniciar", args=[150102]) in html
    assert reverse("tramites:iniciar", args=[120202]) not in html
    assert reverse("tramites:iniciar", args=[140104]) not in html
    assert "No se encontró un documento" in client.get(verificar).content.decode()
