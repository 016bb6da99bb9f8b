"""Concurrent signings never cancel more than a certificate has (real PostgreSQL).

20 threads, each with its own connection, sign a different solicitud that cancels 100 kg
of one certificate with 1,000 kg disponible: exactly 10 succeed, the certificate ends
cancelado with 1,000 kg returned to the saldo, and the other 10 get the "excede el
disponible" message (no other exception).
"""

from decimal import Decimal

import pytest

from cupos import saldos
from cupos.cancelacion import services as cancelacion
from cupos.models import CertificadoCupo, MovimientoSaldo
from tests.concurrencia import en_paralelo, solo_postgres
from tests.cupos.factories import asignacion_con_saldo, certificado_directo, cupo_con_subcupo
from tests.firmas import firmar_como_navegador
from tests.tramites.conftest import usuario_solicitante
from tramites import services
from tramites.models import Solicitud, Tramite

from .conftest import MORAL, crear_persona

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HILOS = 20
CABEN = 10
MONTO = Decimal("100")


@pytest.fixture(autouse=True)
def _solo_postgres():
    solo_postgres()


def test_20_firmas_simultaneas_cancelan_exactamente_10(credencial_factory):
    from tramites.catalogo import cargar_catalogo

    cargar_catalogo()  # transaction=True tests flush the data migrations' rows
    persona = crear_persona(MORAL["rfc"], MORAL["nombre"])
    usuario = usuario_solicitante(persona)
    cupo, sub = cupo_con_subcupo()
    asignacion = asignacion_con_saldo(persona, sub)
    cert = certificado_directo(asignacion, MONTO * CABEN, usuario=usuario)
    cred = credencial_factory(rfc=persona.rfc, nombre=persona.nombre)
    tramite = Tramite.objects.get(vucem_id=140104)

    borradores = []
    for _ in range(HILOS):
        s = services.crear_borrador(tramite=tramite, solicitante=persona, usuario=usuario)
        services.guardar_paso(s, "solicitante", {"rfc": persona.rfc})
        cancelacion.guardar_busqueda(s, {"regimen": "importacion"})
        cancelacion.seleccionar_cupo(s, cupo.pk)
        cancelacion.agregar_certificado(s, cert.pk, str(MONTO))
        cancelacion.confirmar(s)
        borradores.append(s)

    def firmar(s):
        def fn():
            return firmar_como_navegador(
                Solicitud.objects.get(pk=s.pk),
                cred,
                usuario=usuario,
                rfc_sesion=persona.rfc,
            )

        return fn

    resultados = en_paralelo([firmar(s) for s in borradores])
    inesperados = [r for estado, r in resultados if estado == "error"]
    assert inesperados == []
    ok = [r for _, r in resultados if r.ok]
    rechazos = [" ".join(r.errores) for _, r in resultados if not r.ok]
    assert len(ok) == CABEN and len(rechazos) == HILOS - CABEN
    assert all(
        "excede el disponible" in m or "no está disponible para cancelar" in m for m in rechazos
    ), rechazos[:3]

    cert.refresh_from_db()
    assert cert.monto_cancelado == MONTO * CABEN and cert.estado == "cancelado"
    assert MovimientoSaldo.objects.filter(certificado=cert, tipo="cancelacion").count() == CABEN
    assert saldos.totales(asignacion)["cancelado"] == MONTO * CABEN
    assert CertificadoCupo.objects.get(pk=cert.pk).disponible_para_cancelar == 0
