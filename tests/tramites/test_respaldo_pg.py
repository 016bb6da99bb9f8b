"""Issue 11, item 7: a backup restores into a working portal.

Signs solicitudes (real FIEL signatures, the Ventanilla's seal, acuses rendered as PDFs),
dumps the PostgreSQL database with ``pg_dump -Fc`` and archives MEDIA_ROOT with ``tar``, as
the README's backup section says; restores both into a FRESH database and folder
(``pg_restore``, ``tar -x``) and checks there that every document's PDF has its recorded
sha256 and that its sellos verify, as the public verification page would.

``transaction=True``: the rows must be committed for ``pg_dump`` (another connection) to see
them (such tests flush the database, so the catalog is loaded here).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from acuses.models import Documento
from tests.firmas import firmar_en
from tramites.models import Solicitud

from .conftest import crear_persona, entrar, usuario_solicitante

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _pg(programa: str, *args: str, bd: str | None = None) -> subprocess.CompletedProcess:
    ajustes = connection.settings_dict
    entorno = {**os.environ, "PGPASSWORD": str(ajustes.get("PASSWORD") or "")}
    comando = [
        programa,
        "-h", ajustes.get("HOST") or "127.0.0.1",
        "-p", str(ajustes.get("PORT") or 5432),
        "-U", ajustes.get("USER") or "postgres",
        *args,
    ]  # fmt: skip
    if bd:
        comando += ["-d", bd] if programa != "pg_dump" else [bd]
    return subprocess.run(comando, env=entorno, capture_output=True, text=True, timeout=300)


@pytest.fixture
def bd_restaurada():
    nombre = f"{connection.settings_dict['NAME']}_restaurada_{uuid.uuid4().hex[:6]}"
    yield nombre
    _pg("dropdb", "--if-exists", nombre)


def _firmar(client, tramite, persona, credencial_factory):
    user = usuario_solicitante(persona)
    entrar(client, user, persona, persona.rol_solicitante)
    cred = credencial_factory(rfc=persona.rfc, nombre=persona.nombre)
    client.post(reverse("tramites:iniciar", args=[tramite.vucem_id]))
    s = Solicitud.objects.filter(solicitante=persona).latest("pk")
    client.post(
        reverse("tramites:paso", args=[s.numero_temporal, "datos"]),
        {"descripcion": f"Avena de {persona.rfc}", "cantidad": "12.5"},
    )
    r = firmar_en(client, reverse("tramites:firmar", args=[s.numero_temporal]), cred)
    assert r.status_code == 302, r.content.decode()[:1000]
    s.refresh_from_db()
    assert s.folio
    return s


def test_respaldo_y_restauracion(client, credencial_factory, settings, tmp_path, bd_restaurada):
    if connection.vendor != "postgresql":
        pytest.skip("El respaldo con pg_dump necesita PostgreSQL (DATABASE_URL=postgres://…)")
    if not shutil.which("pg_dump"):
        pytest.skip("No está pg_dump (paquete postgresql-client)")
    from tramites.catalogo import cargar_catalogo
    from tramites.models import Instrumento, Tramite

    cargar_catalogo()  # transaction=True tests flush the data migrations' rows
    tramite_prueba = Tramite.objects.create(
        instrumento=Instrumento.objects.get(slug="cupos"),
        vucem_id=990102,
        clave="prueba-motor",
        nombre="Trámite de prueba del motor",
        tipo_persona=Tramite.TipoPersona.AMBAS,
    )
    personas = [
        crear_persona("EKU9003173C9", "ESCUELA KEMPER URGATE SA DE CV"),
        crear_persona("KIJ0906199R1", "KERNEL INDUSTIA JUGUETERA SA DE CV"),
        crear_persona("CACX7605101P8", "XOCHILT CASAS CHAVEZ", tipo="fisica"),
    ]
    firmadas = [_firmar(client, tramite_prueba, p, credencial_factory) for p in personas]
    documentos = list(Documento.objects.filter(solicitud__in=firmadas))
    assert len(documentos) >= len(firmadas)
    assert all(d.archivo and d.sha256 for d in documentos)  # PDFs rendered (eager) at commit

    # -- backup: the database (custom format) and the stored PDFs -------------------------
    volcado = tmp_path / "ventanilla.dump"
    r = _pg("pg_dump", "-Fc", "--no-owner", "-f", str(volcado), bd=connection.settings_dict["NAME"])
    assert r.returncode == 0, r.stderr
    archivo_media = tmp_path / "media.tar.gz"
    with tarfile.open(archivo_media, "w:gz") as tar:
        tar.add(settings.MEDIA_ROOT, arcname="media")

    # -- restore into a fresh database and folder -----------------------------------------
    r = _pg("createdb", bd_restaurada)
    assert r.returncode == 0, r.stderr
    r = _pg("pg_restore", "--no-owner", "--exit-on-error", str(volcado), bd=bd_restaurada)
    assert r.returncode == 0, r.stderr
    destino = tmp_path / "restaurado"
    with tarfile.open(archivo_media) as tar:
        tar.extractall(destino, filter="data")
    media_restaurada = destino / "media"

    # -- verify there: every document's PDF hash and sellos ------------------------------
    from acuses.services import verificar_documento

    nombre_original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = bd_restaurada
    settings.MEDIA_ROOT = str(media_restaurada)
    try:
        assert connection.cursor() and connection.settings_dict["NAME"] == bd_restaurada
        restaurados = list(Documento.objects.select_related("solicitud").order_by("pk"))
        assert {d.pk for d in restaurados} >= {d.pk for d in documentos}
        for doc in restaurados:
            contenido = (media_restaurada / doc.archivo.name).read_bytes()
            assert contenido.startswith(b"%PDF")
            assert hashlib.sha256(contenido).hexdigest() == doc.sha256, doc.folio
            resultado = verificar_documento(doc.folio, doc.codigo_verificacion)
            assert resultado is not None, doc.folio
            assert resultado["sello_ventanilla"] is True, doc.folio
            assert resultado["sello_solicitante"] in (True, None), doc.folio
            if doc.sello_solicitante:
                assert resultado["sello_solicitante"] is True, doc.folio
        assert sum(1 for d in restaurados if d.sello_solicitante) >= len(firmadas)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = nombre_original
