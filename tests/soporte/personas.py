"""Helpers for tests of every app: create personas, users in each role and log a Django
test client in as them, with the same session keys the real login views set.

Plain functions (import them anywhere) plus pytest fixtures (re-export them from a
conftest with ``from tests.soporte.personas import *  # noqa``)::

    from tests.soporte.personas import crear_solicitante, entrar_como_solicitante

    def test_x(client):
        persona, user = crear_solicitante(tipo="moral")
        entrar_como_solicitante(client, user)   # acts as the persona, session bound to its RFC
"""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from stdnum.mx import rfc as stdnum_rfc

from vucem.middleware import SESSION_PERSONA, SESSION_RFC_FIEL, SESSION_ROL
from vucem.models import Capturista, Domicilio, Persona, Rol

PASSWORD_PRUEBA = "Ventanilla.Prueba.2026"

_consecutivo = itertools.count(1)
_LETRAS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def rfc_valido(tipo: str = "fisica", n: int | None = None) -> str:
    """A fresh RFC with a correct check digit (12 chars moral, 13 física)."""
    n = next(_consecutivo) if n is None else n
    a, b, c = _LETRAS[n % 23], _LETRAS[(n // 23) % 23], _LETRAS[(n // 529) % 23]
    fecha = f"{80 + n % 20:02d}{1 + n % 12:02d}{1 + n % 28:02d}"
    base = (f"X{a}{b}{c}" if tipo == "fisica" else f"Z{a}{b}") + fecha + "A1"
    return base + stdnum_rfc.calc_check_digit(base)


def grupo(rol: str) -> Group:
    return Group.objects.get_or_create(name=str(rol))[0]


def crear_persona(
    tipo: str = "fisica", *, rfc: str | None = None, nombre: str | None = None, **extra
) -> Persona:
    rfc = rfc or rfc_valido(tipo)
    defaults = {
        "tipo": tipo,
        "nombre": nombre
        or (f"EMPRESA PRUEBA {rfc} SA DE CV" if tipo == "moral" else f"PERSONA PRUEBA {rfc}"),
        "calle": "AV. HIDALGO",
        "numero_exterior": "77",
        "colonia": "GUERRERO",
        "codigo_postal": "06300",
        "municipio": "CUAUHTÉMOC",
        "estado": "CIUDAD DE MÉXICO",
        "correo": "solicitante@example.com",
    }
    defaults.update(extra)
    persona, _ = Persona.objects.get_or_create(rfc=rfc, defaults=defaults)
    return persona


def crear_domicilio_planta(persona: Persona, tipo: str = Domicilio.Tipo.INDUSTRIAS) -> Domicilio:
    return Domicilio.objects.create(
        persona=persona,
        tipo=tipo,
        calle="CALLE INDUSTRIAL",
        numero_exterior="10",
        colonia="PARQUE INDUSTRIAL",
        codigo_postal="76120",
        municipio="QUERÉTARO",
        estado="QUERÉTARO",
    )


def crear_solicitante(tipo: str = "fisica", **kwargs):
    """A persona and its FIEL user (username = RFC, unusable password). Returns (persona, user)."""
    persona = crear_persona(tipo, **kwargs)
    User = get_user_model()
    user = User.objects.filter(persona=persona).first()
    if user is None:
        user = User(username=persona.rfc, persona=persona, first_name=persona.nombre[:150])
        user.set_unusable_password()
        user.save()
    user.groups.add(grupo(persona.rol_solicitante))
    return persona, user


def crear_usuario(
    rol: str, username: str | None = None, *, password: str = PASSWORD_PRUEBA, **extra
):
    """A password ("sin FIEL") user in ``rol``; staff roles get is_staff."""
    User = get_user_model()
    username = username or f"{rol}.{next(_consecutivo)}"
    staff = rol in (Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL)
    user = User.objects.create_user(
        username=username,
        password=password,
        email=f"{username}@example.com",
        first_name=extra.pop("first_name", username),
        is_staff=extra.pop("is_staff", staff),
        **extra,
    )
    user.groups.add(grupo(rol))
    return user


def crear_capturista(
    solicitante: Persona, username: str | None = None, *, password: str = PASSWORD_PRUEBA
):
    """A capturista privado registered by ``solicitante``. Returns the user."""
    User = get_user_model()
    user = User.objects.filter(username=username).first() if username else None
    if user is None:
        user = crear_usuario(Rol.CAPTURISTA_PRIVADO, username, password=password)
    Capturista.objects.get_or_create(
        solicitante=solicitante, usuario=user, defaults={"activo": True}
    )
    return user


def _sesion(client, user, rol, persona=None, rfc_fiel=""):
    client.force_login(user, backend="vucem.autenticacion.ModelBackendConPersona")
    session = client.session
    session[SESSION_ROL] = str(rol)
    if persona is not None:
        session[SESSION_PERSONA] = persona.pk
    else:
        session.pop(SESSION_PERSONA, None)
    if rfc_fiel:
        session[SESSION_RFC_FIEL] = rfc_fiel
    session.save()
    return client


def entrar_como_solicitante(client, user):
    """As if the user logged in with its FIEL and picked its solicitante role."""
    return _sesion(client, user, user.persona.rol_solicitante, user.persona, user.persona.rfc)


def entrar_como_capturista(client, user, solicitante: Persona, *, gubernamental: bool = False):
    rol = Rol.CAPTURISTA_GUBERNAMENTAL if gubernamental else Rol.CAPTURISTA_PRIVADO
    return _sesion(client, user, rol, solicitante)


def entrar_como_staff(client, user, rol: str = Rol.DICTAMINADOR):
    return _sesion(client, user, rol)


# -- pytest fixtures ----------------------------------------------------------------------


@pytest.fixture
def solicitante_fisica(db):
    """(persona, user) of a persona física with FIEL user."""
    return crear_solicitante("fisica")


@pytest.fixture
def solicitante_moral(db):
    return crear_solicitante("moral")


@pytest.fixture
def cliente_solicitante(client, solicitante_fisica):
    """A test client logged in as the persona física (solicitante role, FIEL-bound)."""
    return entrar_como_solicitante(client, solicitante_fisica[1])


@pytest.fixture
def cliente_moral(client, solicitante_moral):
    return entrar_como_solicitante(client, solicitante_moral[1])


@pytest.fixture
def capturista_privado(db, solicitante_moral):
    """A capturista privado registered by ``solicitante_moral``."""
    return crear_capturista(solicitante_moral[0])


@pytest.fixture
def cliente_capturista(client, capturista_privado, solicitante_moral):
    """A test client logged in as the capturista privado acting for ``solicitante_moral``."""
    return entrar_como_capturista(client, capturista_privado, solicitante_moral[0])


@pytest.fixture
def dictaminador(db):
    return crear_usuario(Rol.DICTAMINADOR)


@pytest.fixture
def cliente_dictaminador(client, dictaminador):
    return entrar_como_staff(client, dictaminador, Rol.DICTAMINADOR)


@pytest.fixture
def nivel_central(db):
    return crear_usuario(Rol.NIVEL_CENTRAL)


@pytest.fixture
def cliente_nivel_central(client, nivel_central):
    return entrar_como_staff(client, nivel_central, Rol.NIVEL_CENTRAL)


__all__ = [
    "PASSWORD_PRUEBA",
    "capturista_privado",
    "cliente_capturista",
    "cliente_dictaminador",
    "cliente_moral",
    "cliente_nivel_central",
    "cliente_solicitante",
    "crear_capturista",
    "crear_domicilio_planta",
    "crear_persona",
    "crear_solicitante",
    "crear_usuario",
    "dictaminador",
    "entrar_como_capturista",
    "entrar_como_solicitante",
    "entrar_como_staff",
    "grupo",
    "nivel_central",
    "rfc_valido",
    "solicitante_fisica",
    "solicitante_moral",
]
