"""vucem.consultas: an ORM query compiled once per process, run with each call's values
(issue 8). Runs on SQLite in ``make test`` and on PostgreSQL in ``.ci/run``."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.soporte.personas import crear_capturista, crear_solicitante
from tramites import bandeja
from tramites.models import Solicitud, Tramite
from vucem.consultas import ENTERO, FECHA, MOMENTO, TEXTO, ConsultaCompilada
from vucem.models import Rol

pytestmark = pytest.mark.django_db


def _borrador(persona, user, vence):
    n = Solicitud.objects.count() + 1
    return Solicitud.objects.create(
        tramite=Tramite.objects.get(vucem_id=120402),
        solicitante=persona,
        capturada_por=user,
        numero_temporal=f"{700000000 + n:09d}",
        vence=vence,
    )


def _consulta(construidas):
    def construir(persona, ahora):
        construidas.append((persona, ahora))
        return (
            Solicitud.objects.filter(solicitante=persona)
            .values("solicitante")
            .annotate(vivos=Count("pk", filter=Q(vence__gt=ahora)), todos=Count("pk"))
        )

    return ConsultaCompilada(construir, persona=ENTERO, ahora=MOMENTO)


def test_compila_una_vez_y_cada_llamada_lleva_sus_valores(django_assert_num_queries):
    a, ua = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    b, ub = crear_solicitante("moral", rfc="EKU9003173C9", nombre="ESCUELA KEMPER SA DE CV")
    ahora = timezone.now()
    for dias in (1, 2, -1):
        _borrador(a, ua, ahora + dt.timedelta(days=dias))
    _borrador(b, ub, ahora - dt.timedelta(days=1))
    construidas = []
    consulta = _consulta(construidas)

    with django_assert_num_queries(1):
        assert consulta.filas(persona=a.pk, ahora=ahora) == [
            {"solicitante": a.pk, "vivos": 2, "todos": 3}
        ]
    # The same SQL with other values: another persona, a later moment, nobody.
    assert consulta.filas(persona=b.pk, ahora=ahora) == [
        {"solicitante": b.pk, "vivos": 0, "todos": 1}
    ]
    assert consulta.filas(persona=a.pk, ahora=ahora + dt.timedelta(days=3)) == [
        {"solicitante": a.pk, "vivos": 0, "todos": 3}
    ]
    assert consulta.filas(persona=-1, ahora=ahora) == []
    # Compiled once: built with two sets of marker values (to check where they land).
    assert len(construidas) == 2
    assert a.pk not in [c[0] for c in construidas]

    # Another shape (``forma``) compiles again.
    consulta.filas(forma="otra", persona=a.pk, ahora=ahora)
    assert len(construidas) == 4


def test_un_valor_que_no_llega_al_sql_es_un_error():
    consulta = ConsultaCompilada(
        lambda persona, ahora: Solicitud.objects.filter(solicitante=persona).values("pk"),
        persona=ENTERO,
        ahora=MOMENTO,
    )
    with pytest.raises(ValueError, match="No todos los valores"):
        consulta.filas(persona=1, ahora=timezone.now())
    # A value the ORM transforms on its way to the SQL (here to a date) cannot be replaced.
    transformado = ConsultaCompilada(
        lambda persona, ahora: Solicitud.objects.filter(
            solicitante=persona, creada__date__gte=ahora
        ).values("pk"),
        persona=ENTERO,
        ahora=MOMENTO,
    )
    with pytest.raises(ValueError, match="No todos los valores"):
        transformado.filas(persona=1, ahora=timezone.now())


def test_los_totales_de_la_bandeja_sin_filtros_se_compilan_una_vez(monkeypatch):
    """The bandeja's totals, for two personas and a capturista one after the other, each
    with its own counts; the ORM builds that query only the first time per role kind."""
    a, ua = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    b, ub = crear_solicitante("moral", rfc="EKU9003173C9", nombre="ESCUELA KEMPER SA DE CV")
    capturista = crear_capturista(a, "captura.consultas")
    ahora = timezone.now()
    _borrador(a, ua, ahora + dt.timedelta(days=1))
    _borrador(a, capturista, ahora + dt.timedelta(days=1))
    _borrador(a, capturista, ahora - dt.timedelta(days=1))  # expired: not counted
    _borrador(b, ub, ahora + dt.timedelta(days=1))
    for consulta in bandeja._TOTALES.values():
        consulta._compiladas.clear()
    construidas = []
    original = bandeja._cuentas
    monkeypatch.setattr(
        bandeja, "_cuentas", lambda *a, **k: construidas.append(1) or original(*a, **k)
    )

    casos = [
        (ua, Rol.SOLICITANTE_MORAL, a, 2),
        (ub, Rol.SOLICITANTE_MORAL, b, 1),
        (capturista, Rol.CAPTURISTA_PRIVADO, a, 1),
        (ua, Rol.SOLICITANTE_MORAL, a, 2),
    ]
    for usuario, rol, persona, borradores in casos:
        with CaptureQueriesContext(connection) as q:
            totales = bandeja.totales(usuario, rol, persona)
        assert totales == {"borradores": borradores, "tareas": 0, "concluidas": 0}
        assert len(q) == 1
        assert totales == {
            "borradores": bandeja.borradores_de(usuario, rol, persona).count(),
            "tareas": bandeja.tareas_de(usuario, rol, persona).count(),
            "concluidas": bandeja.concluidas_de(usuario, rol, persona).count(),
        }
    assert len(construidas) == 4  # compiled once for solicitantes, once for capturistas


def test_los_avisos_de_la_bandeja_son_los_del_orm_con_su_hora_local(client):
    """The bandeja's unread notices (SQL compiled once): the same rows, order and aware
    datetimes as the ORM's query, for the solicitante and for a capturista (only the notices
    of what it captured), and shown at Mexico City time."""
    from tests.soporte.personas import entrar_como_solicitante
    from tramites.models import Notificacion

    a, ua = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    capturista = crear_capturista(a, "captura.avisos")
    suya = _borrador(a, capturista, None)
    momento = dt.datetime(2026, 5, 29, 3, 30, tzinfo=dt.UTC)  # 28/05 21:30 in Mexico City
    for i, solicitud in enumerate([None, suya, None]):
        n = Notificacion.objects.create(
            persona=a, solicitud=solicitud, asunto=f"Aviso {i}", cuerpo="x"
        )
        Notificacion.objects.filter(pk=n.pk).update(creada=momento + dt.timedelta(minutes=i))
    Notificacion.objects.create(persona=a, asunto="Leído", cuerpo="x", leida=True)

    for usuario, rol, asuntos in (
        (ua, Rol.SOLICITANTE_MORAL, ["Aviso 2", "Aviso 1", "Aviso 0"]),
        (capturista, Rol.CAPTURISTA_PRIVADO, ["Aviso 1"]),
    ):
        orm = list(
            bandeja.notificaciones_no_leidas(a, usuario, rol).values(
                "pk", "asunto", "cuerpo", "creada"
            )[: bandeja.AVISOS_EN_BANDEJA]
        )
        compilados = bandeja.avisos_en_bandeja(a, usuario, rol)
        assert compilados == orm
        assert [n["asunto"] for n in compilados] == asuntos
        assert all(timezone.is_aware(n["creada"]) for n in compilados)
    assert bandeja.avisos_en_bandeja(None, ua, Rol.SOLICITANTE_MORAL) == []

    entrar_como_solicitante(client, ua)
    assert "28/05/2026 21:30" in client.get("/").content.decode()


def _vistos(solicitudes):
    return [
        (s.pk, s.numero_temporal, s.vence, s.datos, s.tramite.nombre, s.solicitante.rfc)
        for s in solicitudes
    ]


def test_objetos_son_los_del_orm_con_sus_relaciones(django_assert_num_queries):
    """``objetos()``: instances as the ORM's, their select_related objects included (no
    query to reach them), with text values in place."""
    a, ua = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    b, ub = crear_solicitante("moral", rfc="EKU9003173C9", nombre="ESCUELA KEMPER SA DE CV")
    ahora = timezone.now()
    s1 = _borrador(a, ua, ahora + dt.timedelta(days=1))
    s2 = _borrador(a, ua, ahora + dt.timedelta(days=2))
    _borrador(b, ub, ahora + dt.timedelta(days=1))

    def construir(persona, numero):
        return Solicitud.objects.select_related("tramite", "solicitante").filter(
            solicitante=persona, numero_temporal=numero
        )

    consulta = ConsultaCompilada(construir, persona=ENTERO, numero=TEXTO)
    for persona, numero, cuantos in (
        (a, s1.numero_temporal, 1),
        (a, s2.numero_temporal, 1),
        (b, s1.numero_temporal, 0),
        (a, "'; DROP TABLE x; --", 0),
    ):
        esperado = _vistos(construir(persona.pk, numero))
        with django_assert_num_queries(1):
            obtenidos = consulta.objetos(persona=persona.pk, numero=numero)
            assert _vistos(obtenidos) == esperado and len(esperado) == cuantos
        assert all(o._state.db == "default" and not o._state.adding for o in obtenidos)
    with pytest.raises(ValueError, match="objetos"):
        consulta.filas(persona=a.pk, numero=s1.numero_temporal)


def test_fechas_como_valores():
    """A date value (FECHA) goes to the SQL as the ORM sends it; a moment is refused (the
    ORM would take its local date)."""
    from raoce.models import Programa
    from tests.raoce.conftest import crear_programa

    a, _ = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    crear_programa(a, "IMMEX", "83-2019", fecha_autorizacion=dt.date(2019, 3, 15))
    crear_programa(a, "PROSEC", "2021-1", fecha_autorizacion=dt.date(2021, 1, 4))

    def construir(persona, desde):
        return Programa.objects.filter(persona=persona, fecha_autorizacion__gte=desde)

    consulta = ConsultaCompilada(construir, persona=ENTERO, desde=FECHA)
    for desde in (dt.date(2019, 3, 15), dt.date(2019, 3, 16), dt.date(2021, 1, 4), dt.date.max):
        assert consulta.objetos(persona=a.pk, desde=desde) == list(construir(a.pk, desde))
    assert len(consulta.objetos(persona=a.pk, desde=dt.date(2019, 1, 1))) == 2
    with pytest.raises(TypeError, match="fecha"):
        consulta.objetos(persona=a.pk, desde=timezone.now())


def test_enteros_tipados_como_valores():
    """An integer inside ``Value(…, output_field=IntegerField())`` (a plain int on a
    PositiveIntegerField lookup would make the marker an empty lookup) reaches the SQL typed
    as the ORM types it (psycopg's Int4 on PostgreSQL), each call with its own value."""
    from django.db.models import IntegerField, Value

    from raoce.models import Programa
    from tests.raoce.conftest import crear_programa

    a, _ = crear_solicitante("moral", rfc="LBA100315MX4", nombre="LACTEOS SA DE CV")
    crear_programa(a, "IMMEX", "83-2019", fecha_autorizacion=dt.date(2019, 3, 15))
    crear_programa(a, "PROSEC", "2021-1", fecha_autorizacion=dt.date(2021, 1, 4))

    def construir(persona, anio):
        return Programa.objects.filter(
            persona=persona, fecha_autorizacion__year__lte=Value(anio, output_field=IntegerField())
        ).order_by("pk")

    consulta = ConsultaCompilada(construir, persona=ENTERO, anio=ENTERO)
    for anio in (2018, 2019, 2020, 2021, 2030):
        assert consulta.objetos(persona=a.pk, anio=anio) == list(construir(a.pk, anio))
    assert len(consulta.objetos(persona=a.pk, anio=2020)) == 1


def test_sin_prefetch_related():
    consulta = ConsultaCompilada(
        lambda persona: Solicitud.objects.filter(solicitante=persona).prefetch_related(
            "notificaciones"
        ),
        persona=ENTERO,
    )
    with pytest.raises(ValueError, match="prefetch_related"):
        consulta.objetos(persona=1)
