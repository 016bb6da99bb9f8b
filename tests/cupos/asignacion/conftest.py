"""Fixtures for the solicitud de asignación de cupo and the dictamen: the seeds' cupos
(avena, seed 002; lácteos A/B/C/D, seed 004), signed solicitudes made directly in the
database, and staff users."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from cupos.models import (
    RepresentacionFederal,
)
from tests.cupos.factories import cupo_avena, cupo_lacteos
from tests.tramites.conftest import crear_persona, entrar, usuario_solicitante  # noqa: F401
from vucem.models import Rol, User


def aware(*args):
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def representacion(db):
    return RepresentacionFederal.objects.get_or_create(clave="SIN", defaults={"nombre": "Sinaloa"})[
        0
    ]


@pytest.fixture
def lacteos(db, representacion):
    return cupo_lacteos(2024, representacion)


@pytest.fixture
def avena(db, representacion):
    return cupo_avena(timezone.localdate().year, representacion)


@pytest.fixture
def capturador(db):
    return User.objects.create(username="capturador.prueba")


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
