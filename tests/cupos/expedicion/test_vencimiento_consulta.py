"""The certificate expiry beat job and the consulta de cupos page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cupos import tasks
from tests.cupos.factories import CertificadoCupoFactory, asignacion_con_saldo, cupo_con_subcupo
from tramites.models import Notificacion, RegistroAuditoria

pytestmark = pytest.mark.django_db


def _certificado(asignacion, folio, vigencia_fin, monto="100"):
    return CertificadoCupoFactory(
        asignacion=asignacion,
        folio=folio,
        monto_expedido=Decimal(monto),
        vigencia_inicio=vigencia_fin - dt.timedelta(days=30),
        vigencia_fin=vigencia_fin,
    )


def test_vencer_certificados_audita_y_recuerda_una_vez(asignacion):
    hoy = dt.date(2027, 1, 2)
    vencido = _certificado(asignacion, "C1", dt.date(2026, 12, 31))
    vigente = _certificado(asignacion, "C2", dt.date(2027, 1, 2))
    assert tasks.vencer(hoy=hoy) == (1, 1)
    assert tasks.vencer(hoy=hoy) == (0, 0)  # once
    vencido.refresh_from_db(), vigente.refresh_from_db()
    assert vencido.estado == "vencido" and vencido.recordatorio_devolucion
    assert vigente.estado == "vigente"
    reg = RegistroAuditoria.objects.get(object_id=str(vencido.pk), estado_nuevo="vencido")
    assert reg.estado_anterior == "vigente" and "31/12/2026" in reg.motivo
    (n,) = Notificacion.objects.filter(persona=asignacion.beneficiario)
    assert "C1" in n.asunto and "quince días hábiles" in n.cuerpo
    assert "22/01/2027" in n.cuerpo  # 15 business days after 31/12/2026 (1 Jan is a holiday)


def test_tarea_beat_existe_y_corre(asignacion, settings):
    from celery import current_app

    assert "cupos.tasks.vencer_certificados" in current_app.tasks or tasks.vencer_certificados.name
    assert any(
        v["task"] == "cupos.tasks.vencer_certificados"
        for v in settings.CELERY_BEAT_SCHEDULE.values()
    )
    _certificado(asignacion, "C9", dt.date.today() - dt.timedelta(days=1))
    assert tasks.vencer_certificados.delay().get() == 1


def test_consulta_de_cupos(cliente_moral, moral, otra):
    cupo_imp, sub = cupo_con_subcupo(monto_total=Decimal("1000000"))
    cupo_exp, sub_exp = cupo_con_subcupo(clave="azucar", monto_total=Decimal("500"))
    cupo_exp.regimen, cupo_exp.producto, cupo_exp.nombre = "exportacion", "Azúcar", "Cupo de azúcar"
    cupo_exp.save()
    a = asignacion_con_saldo(moral, sub, Decimal("250000"))
    asignacion_con_saldo(otra, sub, Decimal("250000"), numero="000002")
    from cupos import saldos

    c = _certificado(a, "X1", dt.date.today(), monto="100000")
    saldos.registrar_expedicion(c)
    r = cliente_moral.get(reverse("cupos:consulta"))
    html = r.content.decode()
    assert r.status_code == 200 and "Consulta de cupos" in html
    assert "1,000,000 kg" in html and "500,000" in html and "100,000" in html
    assert 'role="progressbar"' in html and 'aria-valuenow="50.0"' in html
    assert "Cupo de azúcar" in html
    html = cliente_moral.get(reverse("cupos:consulta"), {"regimen": "exportacion"}).content.decode()
    assert "Cupo de azúcar" in html and "1,000,000 kg" not in html
    html = cliente_moral.get(reverse("cupos:consulta"), {"producto": "lácteas"}).content.decode()
    assert "Cupo de azúcar" not in html and "1,000,000 kg" in html
    viejo, _ = cupo_con_subcupo(clave="viejo", anio=dt.date.today().year - 1)
    viejo.nombre = "Cupo del año pasado"
    viejo.save()
    html = cliente_moral.get(reverse("cupos:consulta"), {"anio": str(viejo.anio)}).content.decode()
    assert "Cupo del año pasado" in html and "Cupo de azúcar" not in html
    html = cliente_moral.get(reverse("cupos:consulta"), {"producto": "no existe"}).content.decode()
    assert "No hay cupos que coincidan" in html


def test_consulta_requiere_sesion(client):
    r = client.get(reverse("cupos:consulta"))
    assert r.status_code == 302


# ------------------------------------------------------------------ asignaciones


def test_vencer_asignaciones_audita_y_es_idempotente(moral, cupo):
    from cupos.models import Asignacion
    from tramites.services import historial

    _cupo, sub = cupo
    hoy = dt.date(2027, 1, 2)
    vencida = asignacion_con_saldo(moral, sub, numero="000101", vigencia_fin=dt.date(2027, 1, 1))
    al_dia = asignacion_con_saldo(moral, sub, numero="000102", vigencia_fin=hoy)
    cancelada = asignacion_con_saldo(
        moral,
        sub,
        numero="000103",
        vigencia_fin=dt.date(2026, 6, 30),
        estado=Asignacion.Estado.CANCELADA,
    )
    assert tasks.vencer_asignaciones(hoy=hoy) == 1
    assert tasks.vencer_asignaciones(hoy=hoy) == 0  # once
    for a in (vencida, al_dia, cancelada):
        a.refresh_from_db()
    assert (vencida.estado, al_dia.estado, cancelada.estado) == ("vencida", "vigente", "cancelada")
    (reg,) = historial(vencida)
    assert (reg.estado_anterior, reg.estado_nuevo) == ("vigente", "vencida")
    assert reg.motivo.startswith("Terminó su vigencia") and "01/01/2027" in reg.motivo
    assert not historial(al_dia).exists() and not historial(cancelada).exists()


def test_la_tarea_diaria_tambien_vence_asignaciones(moral, cupo):
    _cupo, sub = cupo
    ayer = dt.date.today() - dt.timedelta(days=1)
    a = asignacion_con_saldo(moral, sub, numero="000201", vigencia_fin=ayer)
    assert tasks.vencer_certificados.delay().get() == 0  # no certificates
    a.refresh_from_db()
    assert a.estado == "vencida"


def test_vigencia_del_certificado_la_da_el_calendario(asignacion, monkeypatch):
    """31 December comes from ``tramites.calendario.fin_de_anio`` (one place)."""
    from cupos.expedicion.services import vigencia_certificado
    from tramites import calendario

    llamadas = []
    real = calendario.fin_de_anio

    def espia(year):
        llamadas.append(year)
        return real(year)

    monkeypatch.setattr(calendario, "fin_de_anio", espia)
    desde = dt.date(asignacion.anio, 3, 1)
    assert vigencia_certificado(asignacion, desde) == dt.date(asignacion.anio, 12, 31)
    assert llamadas == [asignacion.anio]


def test_al_vencer_la_asignacion_se_avisa_al_beneficiario_una_vez(
    moral, cupo, django_capture_on_commit_callbacks
):
    """Issue 10 item 6: the beneficiario is told its asignación expired (e-mail + bandeja)."""
    from django.core import mail

    from tramites.models import Notificacion

    _cupo, sub = cupo
    a = asignacion_con_saldo(moral, sub, numero="000301", vigencia_fin=dt.date(2027, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.vencer_asignaciones(hoy=dt.date(2027, 1, 2))
        tasks.vencer_asignaciones(hoy=dt.date(2027, 1, 3))
    (aviso,) = Notificacion.objects.filter(persona=moral)
    assert aviso.tipo == "asignacion_vencida" and aviso.solicitud_id == a.solicitud_id
    assert aviso.asunto == f"Venció la asignación de cupo del oficio {a.numero_oficio}"
    assert "terminó su vigencia el 01/01/2027" in aviso.cuerpo
    assert "El saldo no ejercido era de" in aviso.cuerpo
    assert [m.to for m in mail.outbox] == [[moral.correo]]
