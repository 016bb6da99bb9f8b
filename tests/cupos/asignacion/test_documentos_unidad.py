"""The oficio de asignación and the certificado de cupo print the cupo's unit the same way
(its name, «kilogramos»); their cadenas carry the unit's code («kg»)."""

from decimal import Decimal as D

from django.utils import timezone

from cupos.asignacion import dictamen
from cupos.expedicion import services as expedicion
from tests.cupos.asignacion.conftest import dictaminador_user
from tests.cupos.factories import CertificadoCupoFactory, solicitud_asignacion_firmada
from tests.tramites.conftest import crear_persona


def test_oficio_y_certificado_imprimen_la_misma_unidad(avena, capturador):
    cupo, sub = avena
    persona = crear_persona("LBA100315MX4", "LACTEOS DEL BAJIO SA DE CV")
    s = solicitud_asignacion_firmada(
        persona,
        sub,
        recibida=timezone.now(),
        usuario=capturador,
        monto_solicitado=D("1000"),
        consumo_auditado_12m=D("5000"),
    )
    r = dictamen.aprobar(s, usuario=dictaminador_user(), monto=D("1000"))
    oficio = r.documento.contexto
    cert = CertificadoCupoFactory(asignacion=r.asignacion, solicitud=s, monto_expedido=D("100"))
    certificado = expedicion.documento_certificado(cert, 1).contexto

    assert oficio["unidad"] == certificado["unidad"] == "kilogramos"
    assert oficio["cupo"]["unidad"] == certificado["cupo"]["unidad"] == "kilogramos"
    assert ("unidad", "kg") in expedicion.campos_certificado(cert)
    assert "|kg|" in r.documento.cadena_original
