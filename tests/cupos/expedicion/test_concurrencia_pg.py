"""The total issued never exceeds the asignación under concurrent signings (real PostgreSQL).

50 threads, each with its own connection, sign a different solicitud of one certificate
against an asignación whose saldo fits exactly 10: 10 are issued, the saldo ends at 0 and
the other 40 get the "Saldo insuficiente" message (no other exception).
"""

from decimal import Decimal

import pytest

from cupos import saldos
from cupos.expedicion import services as expedicion
from cupos.models import CertificadoCupo, MovimientoSaldo
from tests.concurrencia import en_paralelo, renglones_libres, solo_postgres
from tests.cupos.factories import asignacion_con_saldo, cupo_con_subcupo
from tests.firmas import firmar_como_navegador
from tests.tramites.conftest import usuario_solicitante
from tramites import services
from tramites.models import Solicitud, Tramite

from .conftest import crear_persona

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HILOS = 50
CABEN = 10
MONTO = Decimal("1000")


@pytest.fixture(autouse=True)
def _solo_postgres():
    solo_postgres()


def _borrador(tramite, persona, usuario, asignacion):
    s = services.crear_borrador(tramite=tramite, solicitante=persona, usuario=usuario)
    services.guardar_paso(s, "solicitante", {"rfc": persona.rfc})
    expedicion.seleccionar_asignacion(s, asignacion)
    expedicion.agregar_linea(s, str(MONTO))
    expedicion.confirmar(s)
    return s


@pytest.fixture
def escenario(fiel_ca, credencial_factory):
    from tramites.catalogo import cargar_catalogo

    cargar_catalogo()  # transaction=True tests flush the data migrations' rows
    persona = crear_persona("LBA100315MX4", "LACTEOS DEL BAJIO SA DE CV")
    usuario = usuario_solicitante(persona)
    _cupo, sub = cupo_con_subcupo()
    asignacion = asignacion_con_saldo(persona, sub, MONTO * CABEN)
    cred = credencial_factory(rfc=persona.rfc, nombre=persona.nombre)
    return persona, usuario, asignacion, cred


def test_50_firmas_simultaneas_expiden_exactamente_10(escenario):
    persona, usuario, asignacion, cred = escenario
    tramite = Tramite.objects.get(vucem_id=120202)
    borradores = [_borrador(tramite, persona, usuario, asignacion) for _ in range(HILOS)]

    def firmar(s):
        def fn():
            r = firmar_como_navegador(
                Solicitud.objects.get(pk=s.pk),
                cred,
                usuario=usuario,
                rfc_sesion=persona.rfc,
            )
            return r

        return fn

    resultados = en_paralelo([firmar(s) for s in borradores])

    ok = [r for estado, r in resultados if estado == "ok" and r.ok]
    rechazos = [
        r.mensaje if estado == "error" else " ".join(r.errores)
        for estado, r in resultados
        if not (estado == "ok" and r.ok)
    ]
    inesperados = [
        r
        for estado, r in resultados
        if estado == "error" and not isinstance(r, services.TramiteError)
    ]
    assert inesperados == []
    assert len(ok) == CABEN
    assert len(rechazos) == HILOS - CABEN
    assert all("Saldo insuficiente" in m for m in rechazos), rechazos[:3]

    assert CertificadoCupo.objects.filter(asignacion=asignacion).count() == CABEN
    t = saldos.totales(asignacion)
    assert t["expedido"] == MONTO * CABEN and t["disponible"] == 0
    assert MovimientoSaldo.objects.filter(asignacion=asignacion, tipo="expedicion").count() == CABEN
    # the refused ones rolled back entirely: still drafts, no folio, no documents
    firmadas = Solicitud.objects.filter(pk__in=[s.pk for s in borradores], estado="firmada")
    assert firmadas.count() == CABEN
    assert (
        Solicitud.objects.filter(
            pk__in=[s.pk for s in borradores], estado="borrador", folio__isnull=True
        ).count()
        == HILOS - CABEN
    )


def test_firmas_simultaneas_por_el_cliente_sin_paginas_de_error(escenario):
    """A smaller variant through the views: no 500 pages, only the saldo message."""
    from django.test import Client
    from django.urls import reverse

    from tests.tramites.conftest import entrar
    from vucem.models import Rol

    from .conftest import firmar_en

    persona, usuario, asignacion, cred = escenario
    tramite = Tramite.objects.get(vucem_id=120202)
    n = 8
    asignacion.monto_asignado = MONTO * 3
    MovimientoSaldo.objects.filter(asignacion=asignacion).update(monto=MONTO * 3)
    borradores = [_borrador(tramite, persona, usuario, asignacion) for _ in range(n)]

    def firmar(s):
        def fn():
            c = Client(raise_request_exception=False)
            entrar(c, usuario, persona, Rol.SOLICITANTE_MORAL)
            r = firmar_en(c, reverse("tramites:firmar", args=[s.numero_temporal]), cred)
            return r.status_code, r.content.decode()

        return fn

    resultados = en_paralelo([firmar(s) for s in borradores])
    assert all(estado == "ok" for estado, _ in resultados), resultados
    codigos = [r[0] for _, r in resultados]
    assert 500 not in codigos
    assert codigos.count(302) == 3
    assert all("Saldo insuficiente" in html for _, (codigo, html) in resultados if codigo == 200)
    assert saldos.totales(asignacion)["disponible"] == 0


def test_el_candado_del_saldo_no_toma_el_cupo_ni_el_subcupo(escenario):
    """saldos.bloquear locks the asignación only: its subcupo, cupo and beneficiario rows
    (shared by every asignación of the cupo) stay free for other expediciones (issue 8)."""
    from django.db import transaction

    from cupos.models import Asignacion, Cupo, Subcupo
    from vucem.models import Persona

    persona, _usuario, asignacion, _cred = escenario
    with transaction.atomic():
        bloqueada = saldos.bloquear(asignacion.pk)
        libres = renglones_libres(
            (Subcupo, bloqueada.subcupo_id),
            (Cupo, bloqueada.subcupo.cupo_id),
            (Persona, persona.pk),
            (Asignacion, asignacion.pk),  # held
        )
    assert libres == [True, True, True, False]
