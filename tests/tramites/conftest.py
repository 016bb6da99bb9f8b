"""Fixtures for the engine: personas, logged-in clients and a small test procedure."""

from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import Group

from tramites.models import Instrumento, Tramite
from tramites.wizard import Asistente, Paso, PasoSolicitante, registrar
from vucem.models import Capturista, Persona, Rol, User


class DatosPruebaForm(forms.Form):
    descripcion = forms.CharField(label="Descripción", max_length=100)
    cantidad = forms.DecimalField(
        label="Cantidad", max_digits=12, decimal_places=3, min_value=Decimal("0.001")
    )


class PasoDatos(Paso):
    slug = "datos"
    titulo = "Datos de la solicitud"
    form_class = DatosPruebaForm


@registrar
class AsistentePrueba(Asistente):
    """A two-tab procedure used only by the engine's tests."""

    clave = "prueba-motor"
    titulo = "Trámite de prueba"
    pasos = [PasoSolicitante, PasoDatos]
    efectos: list = []

    def cadena_campos(self, solicitud):
        d = solicitud.datos.get("datos", {})
        return [("descripcion", d.get("descripcion")), ("cantidad", d.get("cantidad"))]

    def al_firmar(self, solicitud, *, usuario):
        AsistentePrueba.efectos.append(solicitud.folio)


@pytest.fixture
def tramite_prueba(db):
    instrumento = Instrumento.objects.get(slug="cupos")
    return Tramite.objects.create(
        instrumento=instrumento,
        vucem_id=990102,
        clave="prueba-motor",
        nombre="Trámite de prueba del motor",
        tipo_persona=Tramite.TipoPersona.AMBAS,
    )


def crear_persona(rfc, nombre, tipo="moral", **extra):
    return Persona.objects.create(
        rfc=rfc,
        nombre=nombre,
        tipo=tipo,
        correo=f"{rfc.lower()}@example.com",
        calle="CIPRES",
        numero_exterior="356",
        codigo_postal="81248",
        municipio="AHOME",
        estado="SINALOA",
        **extra,
    )


def usuario_solicitante(persona):
    user = User.objects.create(username=persona.rfc, persona=persona)
    user.set_unusable_password()
    user.save()
    rol = persona.rol_solicitante
    user.groups.add(Group.objects.get_or_create(name=rol)[0])
    return user


def entrar(client, user, persona, rol):
    client.force_login(user)
    s = client.session
    s["persona_id"] = persona.pk
    s["rol"] = str(rol)
    if rol in (Rol.SOLICITANTE_FISICA, Rol.SOLICITANTE_MORAL):
        s["rfc_fiel"] = persona.rfc
    s.save()
    return client


@pytest.fixture
def persona_moral(db):
    return crear_persona(
        "EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV", rfc_representante="VADA800927DJ3"
    )


@pytest.fixture
def otra_persona(db):
    return crear_persona("KIJ0906199R1", "KERNEL INDUSTIA JUGUETERA SA DE CV")


@pytest.fixture
def solicitante(persona_moral):
    return usuario_solicitante(persona_moral)


@pytest.fixture
def cliente(client, solicitante, persona_moral):
    return entrar(client, solicitante, persona_moral, Rol.SOLICITANTE_MORAL)


@pytest.fixture
def capturista(persona_moral):
    user = User.objects.create_user(username="capturista.prueba", password="Ventanilla.2026")
    user.groups.add(Group.objects.get_or_create(name=Rol.CAPTURISTA_PRIVADO)[0])
    Capturista.objects.create(solicitante=persona_moral, usuario=user)
    return user
