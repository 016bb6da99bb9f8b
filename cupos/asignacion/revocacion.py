"""Revocation of an oficio de asignación by nivel central (issue 10, item 1).

The only way an oficio stops being vigente before its term: nivel central gives a motivo; the
asignación goes to *revocada* (its saldo can no longer be expedited: EXP005, and an *ajuste*
movement withdraws the unexpedited saldo from its ledger), the oficio's
Documento to *revocado* with that date and motivo (shown on the public verification page),
both audited, and the beneficiary (and the dictaminador who resolved it) are notified through
the outbox, all in one transaction under the asignación's row lock (the same lock expedición
takes, so a certificate is never issued against a revoked oficio)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from acuses.models import Documento
from acuses.services import actualizar_estado
from cupos import saldos
from cupos.models import CERO, Asignacion, MovimientoSaldo
from cupos.montos import formato_monto
from tramites.outbox import notificar
from tramites.reglas import TramiteError
from tramites.services import registrar_auditoria
from vucem.roles import es_nivel_central

A = Asignacion.Estado


def puede_revocar(user) -> bool:
    """Nivel central (or a superuser) only."""
    if not (user is not None and user.is_authenticated and user.is_staff):
        return False
    return es_nivel_central(user)


def oficios_de(asignacion: Asignacion):
    """The oficio document(s) of an asignación (issued at its dictamen)."""
    if not asignacion.solicitud_id:
        return Documento.objects.none()
    return Documento.objects.filter(
        solicitud_id=asignacion.solicitud_id, tipo=Documento.Tipo.OFICIO
    ).order_by("pk")


@dataclass
class ResultadoRevocacion:
    asignacion: Asignacion
    documentos: list = field(default_factory=list)
    ya_revocada: bool = False


def revocar_oficio(asignacion: Asignacion, *, usuario, motivo: str) -> ResultadoRevocacion:
    """Revoke a vigente oficio de asignación. Idempotent on an already revoked one
    (``ya_revocada``). Raises :class:`TramiteError` (Spanish message) when the user is not
    nivel central, the motivo is missing or the oficio is not vigente."""
    if not puede_revocar(usuario):
        raise TramiteError(
            "Solo nivel central puede revocar un oficio de asignación.", "sin_permiso"
        )
    motivo = (motivo or "").strip()
    if not motivo:
        raise TramiteError("Capture el motivo de la revocación.", "falta_motivo")
    with transaction.atomic():
        a = saldos.bloquear(asignacion.pk)
        oficio = f"{a.numero_oficio}/{a.anio}"
        if a.estado == A.REVOCADA:
            return ResultadoRevocacion(a, list(oficios_de(a)), ya_revocada=True)
        if a.estado != A.VIGENTE:
            raise TramiteError(
                f"El oficio {oficio} está «{a.get_estado_display().lower()}»: solo puede "
                "revocarse un oficio vigente.",
                "oficio_no_vigente",
            )
        ahora = timezone.now()
        disponible = saldos.disponible(a)
        anterior = a.estado
        a.estado = A.REVOCADA
        a.save(update_fields=["estado"])
        registrar_auditoria(
            a, anterior=anterior, nuevo=a.estado, usuario=usuario, motivo=f"Revocado: {motivo}"
        )
        if disponible > CERO:  # the ledger says it too: nothing left to expedite
            MovimientoSaldo.objects.create(
                asignacion=a,
                tipo=MovimientoSaldo.Tipo.AJUSTE,
                monto=-disponible,
                usuario=usuario,
                descripcion=f"Revocación del oficio {oficio}: saldo no expedido retirado"[:254],
            )
        documentos = [
            actualizar_estado(
                d, Documento.Estado.REVOCADO, motivo=motivo, usuario=usuario, desde=ahora
            )
            for d in oficios_de(a)
        ]
        u = a.subcupo.cupo.get_unidad_display()
        cuerpo = (
            f"El oficio de asignación {oficio} del cupo «{a.subcupo.cupo.nombre}» "
            f"(subcupo {a.subcupo.clave}) fue revocado el "
            f"{timezone.localtime(ahora):%d/%m/%Y} por nivel central.\n\nMotivo: {motivo}\n\n"
            f"Su saldo de {formato_monto(disponible, u)} ya no puede expedirse en certificados "
            "de cupo. Los certificados ya expedidos conservan su estado. La página pública "
            "de verificación del oficio lo muestra como revocado."
        )
        asunto = f"Revocación del oficio de asignación {oficio}"
        notificar(persona=a.beneficiario, solicitud=a.solicitud, asunto=asunto, cuerpo=cuerpo)
        if a.dictaminador_id and a.dictaminador_id != usuario.pk:
            notificar(usuario=a.dictaminador, asunto=asunto, cuerpo=cuerpo)
    return ResultadoRevocacion(a, documentos)
