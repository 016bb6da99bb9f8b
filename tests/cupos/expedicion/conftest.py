"""Fixtures of the expedición tests: a lácteos-like cupo, asignaciones with their ledger,
demo personas (moral and física) with FIELs, logged-in clients and a signing helper."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from tests.cupos.factories import asignacion_con_saldo, cupo_con_subcupo
from tests.firmas import firmar_en  # noqa: F401  (re-exported for the tests)
from tests.tramites.conftest import crear_persona, entrar, usuario_solicitante
from vucem.models import Capturista, Rol

MORAL = {"rfc": "LBA100315MX4", "nombre": "LACTEOS DEL BAJIO SA DE CV"}
FISICA = {"rfc": "PEGJ800101AB6", "nombre": "JUAN PEREZ GARCIA"}
OTRA = {"rfc": "ACN080610GT1", "nombre": "AVENAS Y CEREALES DEL NORTE SA DE CV"}


def hoy():
    return timezone.localdate()


@pytest.fixture
def cupo(db):
    return cupo_con_subcupo(
        nombre="Cupo de importación de preparaciones a base de productos lácteos",
        fecha_dof=dt.date(2012, 12, 19),
    )


@pytest.fixture
def moral(db):
    return crear_persona(MORAL["rfc"], MORAL["nombre"], rfc_representante="LOHM750820K33")


@pytest.fixture
def fisica(db):
    return crear_persona(FISICA["rfc"], FISICA["nombre"], tipo="fisica", curp="PEGJ800101HDFRRN03")


@pytest.fixture
def otra(db):
    return crear_persona(OTRA["rfc"], OTRA["nombre"])


@pytest.fixture
def asignacion(moral, cupo):
    return asignacion_con_saldo(moral, cupo[1])


@pytest.fixture
def asignacion_fisica(fisica, cupo):
    return asignacion_con_saldo(fisica, cupo[1], Decimal("80000"), numero="000002")


@pytest.fixture
def cliente_moral(client, moral):
    return entrar(client, usuario_solicitante(moral), moral, Rol.SOLICITANTE_MORAL)


@pytest.fixture
def cliente_fisica(client, fisica):
    return entrar(client, usuario_solicitante(fisica), fisica, Rol.SOLICITANTE_FISICA)


@pytest.fixture
def capturista(moral):
    from vucem.models import User

    user = User.objects.create_user(username="capturista.lacteos", password="Ventanilla.2026")
    user.groups.add(Group.objects.get_or_create(name=Rol.CAPTURISTA_PRIVADO)[0])
    Capturista.objects.create(solicitante=moral, usuario=user)
    return user


def url_paso(solicitud, slug="expedicion"):
    return reverse("tramites:paso", args=[solicitud.numero_temporal, slug])


def iniciar(client, vucem_id):
    """Solicitante tab → Continuar: creates the draft; returns it."""
    from tramites.models import Solicitud

    r = client.post(reverse("tramites:iniciar", args=[vucem_id]))
    assert r.status_code == 302, r.content[:500]
    return Solicitud.objects.order_by("-pk").first()


def buscar(client, solicitud, anio, numero):
    return client.post(
        url_paso(solicitud), {"accion": "buscar", "anio": str(anio), "numero_oficio": numero}
    )


def agregar(client, solicitud, monto):
    return client.post(url_paso(solicitud), {"accion": "agregar", "monto": monto})
