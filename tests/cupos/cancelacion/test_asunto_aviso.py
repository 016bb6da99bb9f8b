"""Issue 9 item 5: the cancellation notice keeps the seed's subject line (seed 001: "Aviso de
Certificados de Exportación por Solicitud pendientes por Cancelar") and its equivalent for
import cupos, in the outbox row and in the e-mail actually sent."""

import pytest
from django.core import mail

from cupos.cancelacion.services import asunto_aviso
from cupos.models import Cupo, Regimen
from tests.cupos.factories import asignacion_con_saldo, certificado_directo, cupo_con_subcupo
from tramites.models import Notificacion

from .conftest import capturar, firmar_en, url_firmar

pytestmark = pytest.mark.django_db

EXPORTACION = "Aviso de Certificados de Exportación por Solicitud pendientes por Cancelar"
IMPORTACION = "Aviso de Certificados de Importación por Solicitud pendientes por Cancelar"


@pytest.mark.parametrize(
    ("regimen", "asunto"),
    [(Regimen.EXPORTACION, EXPORTACION), (Regimen.IMPORTACION, IMPORTACION)],
)
def test_asunto_del_aviso_por_regimen(
    regimen,
    asunto,
    cliente_moral,
    moral,
    dictaminador,
    fiel,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    cupo, sub = cupo_con_subcupo(f"cupo-{regimen}", regimen=regimen)
    cert = certificado_directo(asignacion_con_saldo(moral, sub, numero="000077"), "1000")
    s = capturar(cliente_moral, cupo, [(cert, "250")], regimen=str(regimen))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = firmar_en(cliente_moral, url_firmar(s), fiel(moral))
    assert r.status_code == 302
    s.refresh_from_db()

    avisos = Notificacion.objects.filter(solicitud=s).exclude(asunto__startswith="Acuse")
    assert {n.asunto for n in avisos} == {asunto}
    assert {n.destinatario for n in avisos} == {moral.correo, dictaminador.email}
    assert all(s.folio in n.cuerpo for n in avisos)  # the folio travels in the body

    enviados = [m for m in mail.outbox if not m.subject.startswith("Acuse")]
    assert sorted(m.subject for m in enviados) == [asunto, asunto]
    assert {m.to[0] for m in enviados} == {moral.correo, dictaminador.email}


def test_asunto_por_regimen_del_cupo():
    assert asunto_aviso(Cupo(regimen=Regimen.EXPORTACION)) == EXPORTACION
    assert asunto_aviso(Cupo(regimen=Regimen.IMPORTACION)) == IMPORTACION
