"""The trámite of ``asistente.py`` end to end through the real views: capture, Agregar /
Quitar, errors on the field, signing with a FIEL, folio and an acuse with its lines."""

import pytest
from django.urls import reverse

from acuses.models import Documento
from tests.firmas import firmar_en
from tramites.models import Instrumento, Solicitud, Tramite
from vucem.models import Rol

from ..tramites.conftest import crear_persona, entrar, usuario_solicitante
from .asistente import AsistenteEjemplo

pytestmark = pytest.mark.django_db


@pytest.fixture
def tramite(db):
    return Tramite.objects.create(
        instrumento=Instrumento.objects.get(slug="cupos"),
        vucem_id=990201,
        clave=AsistenteEjemplo.clave,
        nombre="Trámite de ejemplo del contrato",
        tipo_persona=Tramite.TipoPersona.AMBAS,
    )


def test_un_tramite_nuevo_solo_con_el_contrato(client, tramite, credencial_factory):
    persona = crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV")
    entrar(client, usuario_solicitante(persona), persona, Rol.SOLICITANTE_MORAL)
    client.post(reverse("tramites:iniciar", args=[tramite.vucem_id]))
    s = Solicitud.objects.get()
    paso = lambda slug: reverse("tramites:paso", args=[s.numero_temporal, slug])  # noqa: E731

    r = client.post(paso("datos"), {"mercancia": "Avena"})
    assert r.status_code == 302 and r.url == paso("partidas")
    # the engine shows a rule error of an action on its field
    r = client.post(paso("partidas"), {"accion": "continuar"})
    assert "Agregue al menos una partida." in r.content.decode()
    assert r.context["campo_error"] == "fraccion"
    r = client.post(paso("partidas"), {"accion": "agregar", "fraccion": "10.04"})
    assert r.status_code == 200 and r.context["form"].errors["fraccion"]
    for fraccion in ("1004.00.99", "0402.10.01"):
        r = client.post(paso("partidas"), {"accion": "agregar", "fraccion": fraccion})
        assert r.status_code == 302 and r.url == paso("partidas")
    assert client.post(paso("partidas"), {"accion": "quitar-0402.10.01"}).status_code == 302
    r = client.post(paso("partidas"), {"accion": "quitar-9999.99.99"})
    assert "La partida a quitar no existe." in r.content.decode()
    assert "Acción no válida." in client.post(paso("partidas"), {"accion": "otra"}).content.decode()
    r = client.post(paso("partidas"), {"accion": "continuar"})
    assert r.url == reverse("tramites:firmar", args=[s.numero_temporal])

    cred = credencial_factory(
        rfc=persona.rfc, nombre=persona.nombre, rfc_representante="VADA800927DJ3"
    )
    r = firmar_en(client, reverse("tramites:firmar", args=[s.numero_temporal]), cred)
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.folio and s.cadena_original.endswith("|Avena|1004.00.99||")
    acuse = s.documentos.get(tipo=Documento.Tipo.ACUSE)
    assert acuse.contexto["lineas"] == [{"etiqueta": "Partida 1", "valor": "1004.00.99"}]
    # a signed draft cannot be changed through any action
    r = client.post(paso("partidas"), {"accion": "agregar", "fraccion": "0402.10.01"})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.datos["partidas"]["fracciones"] == ["1004.00.99"]
