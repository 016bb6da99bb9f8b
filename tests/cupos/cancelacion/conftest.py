"""Fixtures of the cancelación tests (seed 001): a cupo with an asignación of the persona
moral, certificates issued with the expedición services (signed) or built directly,
staff users to notify, logged-in clients and helpers for the wizard's actions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from cupos.models import (
    RepresentacionFederal,
)
from tests.cupos.factories import asignacion_con_saldo, cupo_con_subcupo
from tests.firmas import firmar_en  # noqa: F401  (re-exported for the tests)
from tests.tramites.conftest import crear_persona, entrar, usuario_solicitante
from tramites.models import Solicitud
from vucem.models import Capturista, Rol, User

MORAL = {"rfc": "LBA100315MX4", "nombre": "LACTEOS DEL BAJIO SA DE CV"}
OTRA = {"rfc": "ACN080610GT1", "nombre": "AVENAS Y CEREALES DEL NORTE SA DE CV"}
CANCELACION = 140104


def hoy():
    return timezone.localdate()


@pytest.fixture
def rep_jal(db):
    return RepresentacionFederal.objects.get_or_create(clave="JAL", defaults={"nombre": "Jalisco"})[
        0
    ]


@pytest.fixture
def cupo(db, rep_jal):
    return cupo_con_subcupo("lacteos-cancel", representacion_federal=rep_jal)


@pytest.fixture
def moral(db):
    return crear_persona(MORAL["rfc"], MORAL["nombre"], rfc_representante="LOHM750820K33")


@pytest.fixture
def otra(db):
    return crear_persona(OTRA["rfc"], OTRA["nombre"])


@pytest.fixture
def asignacion(moral, cupo):
    return asignacion_con_saldo(moral, cupo[1])


@pytest.fixture
def usuario_moral(moral):
    return usuario_solicitante(moral)


@pytest.fixture
def cliente_moral(client, moral, usuario_moral):
    return entrar(client, usuario_moral, moral, Rol.SOLICITANTE_MORAL)


def staff(username, rol, email):
    user = User.objects.create_user(
        username=username, password="Ventanilla.2026", email=email, is_staff=True
    )
    user.groups.add(Group.objects.get_or_create(name=str(rol))[0])
    return user


@pytest.fixture
def dictaminador(db):
    return staff("dictaminador.prueba", Rol.DICTAMINADOR, "dictaminador@se.example")


@pytest.fixture
def nivel_central(db):
    return staff("central.prueba", Rol.NIVEL_CENTRAL, "central@se.example")


@pytest.fixture
def capturista(moral):
    user = User.objects.create_user(username="capturista.lacteos", password="Ventanilla.2026")
    user.groups.add(Group.objects.get_or_create(name=Rol.CAPTURISTA_PRIVADO)[0])
    Capturista.objects.create(solicitante=moral, usuario=user)
    return user


def url_paso(solicitud, slug="cancelacion"):
    return reverse("tramites:paso", args=[solicitud.numero_temporal, slug])


def url_firmar(solicitud):
    return reverse("tramites:firmar", args=[solicitud.numero_temporal])


def iniciar(client, vucem_id=CANCELACION):
    """Solicitante tab → Continuar: creates the draft; returns it."""
    r = client.post(reverse("tramites:iniciar", args=[vucem_id]))
    assert r.status_code == 302, r.content[:500]
    return Solicitud.objects.order_by("-pk").first()


def buscar(client, solicitud, **filtros):
    datos = {"accion": "buscar", "regimen": "importacion", "mecanismo": "asignacion_directa"}
    datos.update(filtros)
    return client.post(url_paso(solicitud), datos)


def seleccionar(client, solicitud, cupo):
    return client.post(url_paso(solicitud), {"accion": f"cupo-{cupo.pk}"})


def agregar(client, solicitud, certificado, monto):
    pk = certificado.pk if hasattr(certificado, "pk") else certificado
    return client.post(
        url_paso(solicitud), {"accion": "agregar", "certificado": str(pk), "monto": monto}
    )


def siguiente(client, solicitud):
    return client.post(url_paso(solicitud), {"accion": "siguiente"})


def capturar(client, cupo, lineas, **filtros):
    """Iniciar → Buscar → Seleccionar cupo → Agregar each (certificado, monto) → Siguiente."""
    s = iniciar(client)
    assert buscar(client, s, **filtros).status_code == 302
    assert seleccionar(client, s, cupo).status_code == 302
    for cert, monto in lineas:
        r = agregar(client, s, cert, monto)
        assert r.status_code == 302, r.content.decode()[:3000]
    r = siguiente(client, s)
    assert r.status_code == 302 and r.url == url_firmar(s), r.content.decode()[:3000]
    s.refresh_from_db()
    return s
