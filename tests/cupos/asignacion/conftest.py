"""Fixtures for the solicitud de asignación de cupo and the dictamen: the seeds' cupos
(avena, seed 002; lácteos A/B/C/D, seed 004), signed solicitudes made directly in the
database, and staff users."""

import datetime as dt
from decimal import Decimal as D
from itertools import count

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from cupos.models import (
    Criterio,
    Cupo,
    Mecanismo,
    RepresentacionFederal,
    SolicitudAsignacion,
    Subcupo,
)
from cupos.ventanas import VentanaRecepcion
from tests.tramites.conftest import crear_persona, entrar, usuario_solicitante  # noqa: F401
from tramites.models import Solicitud, Tramite
from vucem.models import Rol, User

VENTANA_A = VentanaRecepcion(
    tipo="desde_primer_habil_hasta_fecha", mes_inicio=1, dia_fin=30, mes_fin=11
)
VENTANA_B = VentanaRecepcion(tipo="dias_habiles_desde_primer_habil", mes=1, dias=15)
VENTANA_C = VentanaRecepcion(tipo="desde_primer_habil_hasta_ultimo_habil", mes_inicio=1, mes_fin=7)
VENTANA_D = VentanaRecepcion(tipo="dias_habiles_desde_primer_habil", mes=9, dias=15)

_folios = count(1)
_temporales = count(500_000_000)


def aware(*args):
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def representacion(db):
    return RepresentacionFederal.objects.get_or_create(clave="SIN", defaults={"nombre": "Sinaloa"})[
        0
    ]


def crear_cupo_avena(anio, representacion=None):
    cupo = Cupo.objects.create(
        clave=f"avena-{anio}",
        nombre="Avena, excepto para siembra",
        producto="Avena",
        subproducto="Excepto para siembra",
        fracciones_arancelarias=["1004.00.99"],
        regimen="importacion",
        tratado="Unilateral",
        mecanismo=Mecanismo.ASIGNACION_DIRECTA,
        monto_total=D("140000000"),
        anio=anio,
        vigencia_inicio=dt.date(anio, 1, 1),
        vigencia_fin=dt.date(anio, 12, 31),
        fundamento="Acuerdo por el que se da a conocer el cupo unilateral para importar avena (DOF 07/04/2005)",
        representacion_federal=representacion,
    )
    sub = Subcupo.objects.create(
        cupo=cupo,
        clave="UNICO",
        beneficiario="Personas físicas y morales que utilicen la avena como insumo",
        monto=D("140000000"),
        mecanismo=Mecanismo.ASIGNACION_DIRECTA,
        criterio=Criterio.CONSUMO_AUDITADO,
        ventana={},
    )
    return cupo, sub


def crear_cupo_lacteos(anio, representacion=None):
    cupo = Cupo.objects.create(
        clave=f"lacteos-{anio}",
        nombre="Preparaciones a base de productos lácteos",
        producto="Preparaciones lácteas",
        subproducto="Sólidos lácteos > 50 %",
        fracciones_arancelarias=["1901.90.05"],
        regimen="importacion",
        tratado="Unilateral",
        mecanismo=Mecanismo.ASIGNACION_DIRECTA,
        monto_total=D("44200000"),
        anio=anio,
        vigencia_inicio=dt.date(anio, 1, 1),
        vigencia_fin=dt.date(anio, 12, 31),
        fundamento="Acuerdo del cupo de preparaciones a base de productos lácteos (DOF 19/12/2012)",
        representacion_federal=representacion,
    )
    subs = {}
    datos = [
        (
            "A",
            "LICONSA",
            D("15000000"),
            Mecanismo.ASIGNACION_DIRECTA,
            Criterio.MONTO_FIJO,
            VENTANA_A,
            D("15000000"),
        ),
        (
            "B",
            "Industriales CON antecedentes",
            D("21200000"),
            Mecanismo.ASIGNACION_DIRECTA,
            Criterio.PROPORCIONAL,
            VENTANA_B,
            None,
        ),
        (
            "C",
            "Industriales SIN antecedentes",
            D("8000000"),
            Mecanismo.PRIMERO_EN_TIEMPO,
            Criterio.PRIMERO_EN_TIEMPO,
            VENTANA_C,
            D("1400000"),
        ),
        (
            "D",
            "Personas físicas o morales",
            None,
            Mecanismo.PRIMERO_EN_TIEMPO,
            Criterio.BOLSA_RESIDUAL,
            VENTANA_D,
            D("1400000"),
        ),
    ]
    for orden, (clave, ben, monto, mec, crit, ventana, maximo) in enumerate(datos):
        subs[clave] = Subcupo.objects.create(
            cupo=cupo,
            clave=clave,
            beneficiario=ben,
            monto=monto,
            mecanismo=mec,
            criterio=crit,
            ventana=ventana.to_dict(),
            maximo_por_beneficiario=maximo,
            parametros={"porcentaje_industrial": "0.80", "ejercicio_minimo": "0.70"}
            if clave == "D"
            else {},
            orden=orden,
        )
    subs["D"].residual_de.set([subs["B"], subs["C"]])
    return cupo, subs


@pytest.fixture
def lacteos(db, representacion):
    return crear_cupo_lacteos(2024, representacion)


@pytest.fixture
def avena(db, representacion):
    return crear_cupo_avena(timezone.localdate().year, representacion)


@pytest.fixture
def capturador(db):
    return User.objects.create(username="capturador.prueba")


def solicitud_firmada(
    persona, subcupo, *, recibida, usuario, folio=None, estado=Solicitud.Estado.EN_DICTAMEN, **datos
):
    """A solicitud de asignación already signed (made directly in the database)."""
    tramite = Tramite.objects.get(vucem_id=120402 if persona.tipo == "moral" else 120401)
    n = next(_folios)
    s = Solicitud.objects.create(
        tramite=tramite,
        solicitante=persona,
        capturada_por=usuario,
        numero_temporal=f"{next(_temporales):09d}",
        folio=folio or f"0201200400220240101{n:06d}",
        estado=estado,
        firmada_en=recibida,
        firmada_por=usuario,
    )
    SolicitudAsignacion.objects.create(solicitud=s, subcupo=subcupo, **datos)
    return s


def dictaminador_user(nombre="dictaminador.prueba", grupo=Rol.DICTAMINADOR):
    user = User.objects.create_user(username=nombre, password="Ventanilla.2026", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=grupo)[0])
    return user


@pytest.fixture
def dictaminador(db):
    return dictaminador_user()


@pytest.fixture
def cliente_dictaminador(client, dictaminador):
    client.force_login(dictaminador)
    s = client.session
    s["rol"] = str(Rol.DICTAMINADOR)
    s.save()
    return client
