"""Factories for the acuses tests: ORM rows only, no dependency on other apps' services."""

import itertools
import zoneinfo
from datetime import datetime

import pytest
from django.core.cache import cache

from acuses.models import Documento
from tramites.models import Dependencia, Instrumento, Solicitud, Tramite
from vucem.models import Persona, User

_seq = itertools.count(1)

CADENA = (
    "|0201200020220260101000001|EKU9003173C9|ESCUELA KEMPER URGATE SA DE CV|120202|1000.000|kg||"
)
SELLO_FALSO = "QUJD" * 86  # 344 base64 chars, like a 2048-bit RSA signature


@pytest.fixture(autouse=True)
def _limpiar_cache():
    """django-ratelimit counts in the cache: each test starts at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tramite(db):
    dep, _ = Dependencia.objects.get_or_create(
        clave="SE", defaults={"codigo": "02", "nombre": "Secretaría de Economía"}
    )
    ins, _ = Instrumento.objects.get_or_create(
        dependencia=dep, slug="cupos", defaults={"nombre": "Cupos de Importación y Exportación"}
    )
    t, _ = Tramite.objects.get_or_create(
        vucem_id=120202,
        defaults={
            "instrumento": ins,
            "clave": "expedicion-cupo",
            "nombre": "Expedición de certificados de cupo por asignación directa",
            "tipo_persona": Tramite.TipoPersona.MORAL,
            "homoclave": "SE-03-013-2",
        },
    )
    return t


@pytest.fixture
def persona_factory(db):
    def crear(rfc="EKU9003173C9", nombre="ESCUELA KEMPER URGATE SA DE CV", tipo=Persona.Tipo.MORAL):
        persona, _ = Persona.objects.get_or_create(
            rfc=rfc, defaults={"nombre": nombre, "tipo": tipo}
        )
        return persona

    return crear


@pytest.fixture
def usuario_factory(db):
    def crear(persona=None, username=None, **extra):
        if persona is not None and (existente := User.objects.filter(persona=persona).first()):
            return existente
        username = username or (persona.rfc if persona else f"usuario{next(_seq)}")
        return User.objects.create(username=username, persona=persona, **extra)

    return crear


@pytest.fixture
def solicitud_factory(db, tramite, persona_factory, usuario_factory):
    def crear(solicitante=None, firmada_en=None, **extra):
        solicitante = solicitante or persona_factory()
        n = next(_seq)
        usuario = getattr(solicitante, "usuario", None) or usuario_factory(solicitante)
        datos = {
            "tramite": tramite,
            "solicitante": solicitante,
            "capturada_por": usuario,
            "estado": Solicitud.Estado.FIRMADA,
            "numero_temporal": f"{100000000 + n}",
            "folio": f"020120000202026010100{n:04d}",
            "firmada_en": firmada_en
            or datetime(2026, 3, 2, 16, 45, tzinfo=zoneinfo.ZoneInfo("UTC")),
            "cadena_original": CADENA,
            "sello_solicitante": SELLO_FALSO,
            "sello_ventanilla": SELLO_FALSO,
            "numero_certificado": "30001000000500003416",
        }
        datos.update(extra)
        return Solicitud.objects.create(**datos)

    return crear


@pytest.fixture
def documento_factory(db, solicitud_factory):
    """A Documento row created directly (no task scheduled)."""

    def crear(solicitud=None, tipo=Documento.Tipo.ACUSE, contexto=None, **extra):
        solicitud = solicitud or solicitud_factory()
        datos = {
            "solicitud": solicitud,
            "tipo": tipo,
            "titulo": "Acuse de recepción de trámite",
            "folio": solicitud.folio,
            "cadena_original": solicitud.cadena_original,
            "sello_solicitante": solicitud.sello_solicitante,
            "sello_ventanilla": solicitud.sello_ventanilla,
            "contexto": contexto if contexto is not None else {},
        }
        datos.update(extra)
        return Documento.objects.create(**datos)

    return crear


@pytest.fixture
def cliente_de(client):
    """``cliente_de(persona)``: the test client logged in as the persona's user, acting for it."""

    def entrar(persona, rol=None):
        user = getattr(persona, "usuario", None) or User.objects.create(
            username=persona.rfc, persona=persona
        )
        client.force_login(user)
        session = client.session
        session["persona_id"] = persona.pk
        session["rol"] = rol or persona.rol_solicitante
        session.save()
        return client

    return entrar


CONTEXTO_CERTIFICADO = {
    "cupo": {
        "descripcion": "Cupo para importar avena con arancel preferencial",
        "regimen": "Importación",
        "producto": "Avena",
        "subproducto": "Avena en grano",
        "fracciones": ["1004.00.99"],
        "tratado": "Sin tratado (OMC)",
        "unidad": "kg",
        "mecanismo": "Asignación directa",
        "periodo": "2026",
    },
    "beneficiario": {"nombre": "ESCUELA KEMPER URGATE SA DE CV", "rfc": "EKU9003173C9"},
    "monto": "1234567.500",
    "unidad": "kg",
    "vigencia_desde": "2026-03-02",
    "vigencia_hasta": "2026-12-31",
    "numero_oficio": "SE-DGFCCE-0123/2026",
    "folio_certificado": "CC-2026-000001",
    "fundamento": "Acuerdo por el que se da a conocer el cupo para importar avena, DOF 30/12/2025.",
}


@pytest.fixture
def contexto_certificado():
    import copy

    return copy.deepcopy(CONTEXTO_CERTIFICADO)


@pytest.fixture
def solicitud_sellada(solicitud_factory, persona_factory, credencial_factory):
    """A solicitud signed for real: sello del solicitante with a test FIEL, sello de la
    Ventanilla with the session seal (firma.services)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    from firma.services import firmar, sellar_ventanilla

    persona = persona_factory()
    cred = credencial_factory(rfc=persona.rfc, nombre=persona.nombre)
    try:
        cert = x509.load_der_x509_certificate(cred.cer)
    except ValueError:
        cert = x509.load_pem_x509_certificate(cred.cer)
    return solicitud_factory(
        solicitante=persona,
        sello_solicitante=firmar(cred.abrir(), CADENA),
        sello_ventanilla=sellar_ventanilla(CADENA),
        certificado_firmante=cert.public_bytes(Encoding.PEM).decode("ascii"),
    )
