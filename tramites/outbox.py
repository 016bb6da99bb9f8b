"""The notification outbox: a notice is a row written in the caller's transaction; after
commit the ``notificacion_por_enviar`` signal has ``tramites.tasks`` queue its delivery, and a
beat job re-sends what is still pending. Nothing is lost if Redis or SMTP is down."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.dispatch import Signal
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone, translation

from acuses.models import Documento
from tramites.models import EstadoSolicitud, Notificacion

logger = logging.getLogger(__name__)


def _nueva(
    *,
    asunto: str,
    cuerpo: str,
    persona=None,
    usuario=None,
    destinatario: str = "",
    solicitud=None,
    tipo: str = "",
    enlace: str = "",
) -> Notificacion:
    correo = (
        destinatario
        or (persona.correo if persona is not None else "")
        or (usuario.email if usuario is not None else "")
    )
    return Notificacion(
        destinatario=correo,
        persona=persona,
        usuario=usuario,
        solicitud=solicitud,
        asunto=asunto[:254],
        cuerpo=cuerpo,
        tipo=tipo,
        enlace=enlace,
        estado=Notificacion.Estado.PENDIENTE if correo else Notificacion.Estado.ENVIADA,
        enviada_en=None if correo else timezone.now(),  # bandeja-only notice: nothing to send
    )


def notificar(**campos) -> Notificacion:
    """Write a notification (the keyword arguments of :func:`_nueva`) to the outbox in the
    caller's transaction; it is sent by a Celery task after commit (and re-sent by a beat job
    if that fails). ``tipo`` picks the e-mail template (:func:`construir_correo`), ``enlace``
    the portal page it links to."""
    n = _nueva(**campos)
    n.save()
    if n.estado == Notificacion.Estado.PENDIENTE:
        transaction.on_commit(lambda: encolar_notificacion(n.pk))
    return n


def notificar_en_lote(avisos: list[dict]) -> list[Notificacion]:
    """:func:`notificar` for many notices at once (the set-based jobs): one INSERT per
    batch in the caller's transaction, queued after commit."""
    creadas = Notificacion.objects.bulk_create([_nueva(**a) for a in avisos], batch_size=500)
    pks = [n.pk for n in creadas if n.estado == Notificacion.Estado.PENDIENTE]
    if pks:
        transaction.on_commit(lambda: encolar_lote(pks))
    return creadas


#: Notices per delivery task when a job queues many (one task and one mail connection for
#: each part: a deadline day's 100,000 notices are 1,000 tasks, not 100,000).
ENVIOS_POR_TAREA = 100


def encolar_lote(pks: list[int]) -> None:
    """After commit: hand a batch's notices to the delivery tasks, :data:`ENVIOS_POR_TAREA`
    per task."""
    for i in range(0, len(pks), ENVIOS_POR_TAREA):
        parte = list(pks[i : i + ENVIOS_POR_TAREA])
        try:
            notificaciones_por_enviar.send(sender=Notificacion, pks=parte)
        except Exception:  # broker down: the beat job re-sends them later
            logger.warning(
                "No se pudieron encolar %s notificaciones; se reintentará",
                len(parte),
                exc_info=True,
            )


#: Sent (after commit) for each outbox row to deliver; ``tramites.tasks`` queues the
#: delivery task. A signal keeps the engine's services free of the task module.
notificacion_por_enviar = Signal()
#: The same for a part of a batch (``pks``): one task delivers them all.
notificaciones_por_enviar = Signal()


def encolar_notificacion(pk: int) -> None:
    try:
        notificacion_por_enviar.send(sender=Notificacion, pk=pk)
    except Exception:  # broker down: the beat job re-sends it later
        logger.warning("No se pudo encolar la notificación %s; se reintentará", pk, exc_info=True)


def backoff(intentos: int) -> timedelta:
    """Delay before the next delivery attempt: 1, 2, 4, 8… minutes, capped at 6 hours."""
    return timedelta(minutes=min(2 ** max(intentos - 1, 0), 360))


def enlace_absoluto(n: Notificacion) -> str:
    """The portal page a notice is about, as an absolute URL (``SITE_URL``): its ``enlace``;
    else its draft (to continue it) or its signed solicitud; else the bandeja."""
    if n.enlace:
        ruta = n.enlace
    elif n.solicitud is not None and n.solicitud.estado == EstadoSolicitud.BORRADOR:
        ruta = reverse("tramites:continuar", args=[n.solicitud.numero_temporal])
    elif n.solicitud is not None and n.solicitud.folio:
        ruta = reverse("tramites:registrada", args=[n.solicitud.numero_temporal])
    else:
        ruta = reverse("vucem:bandeja")
    if ruta.startswith(("http://", "https://")):
        return ruta
    return settings.SITE_URL.rstrip("/") + "/" + ruta.lstrip("/")


def saludo(n: Notificacion) -> str:
    """ "Estimado(a) LACTEOS DEL BAJIO SA DE CV:" (the persona, else the user)."""
    nombre = ""
    if n.persona is not None:
        nombre = n.persona.nombre
    elif n.usuario is not None:
        nombre = n.usuario.get_full_name() or n.usuario.get_username()
    return f"Estimado(a) {nombre}:" if nombre else "Estimado(a) usuario(a):"


def acuse_adjunto(n: Notificacion) -> Documento | None:
    """The acuse of the notice's solicitud whose PDF has been generated, if any."""
    if n.solicitud_id is None:
        return None
    acuse = (
        Documento.objects.filter(solicitud_id=n.solicitud_id, tipo=Documento.Tipo.ACUSE)
        .order_by("pk")
        .first()
    )
    return acuse if acuse is not None and acuse.pdf_generado else None


def construir_correo(n: Notificacion) -> EmailMultiAlternatives:
    """The e-mail of one notice, in es-MX: plain text and HTML from ``correo/<tipo>`` (or
    ``correo/aviso``) over the shared layout ``correo/base``, with greeting, the facts (the
    notice's cuerpo), a link to the portal page and the acuse PDF attached where one
    exists."""
    contexto = {
        "n": n,
        "saludo": saludo(n),
        "enlace": enlace_absoluto(n),
        "acuse": acuse_adjunto(n),
        "sitio": settings.SITE_URL.rstrip("/"),
    }
    nombres = [f"correo/{n.tipo}", "correo/aviso"] if n.tipo else ["correo/aviso"]
    with translation.override("es-mx"):
        texto = select_template([f"{x}.txt" for x in nombres]).render(contexto)
        html = select_template([f"{x}.html" for x in nombres]).render(contexto)
    correo = EmailMultiAlternatives(n.asunto, texto, settings.DEFAULT_FROM_EMAIL, [n.destinatario])
    correo.attach_alternative(html, "text/html")
    acuse = contexto["acuse"]
    if acuse is not None:
        with acuse.archivo.open("rb") as f:
            correo.attach(f"acuse-{acuse.folio or acuse.pk}.pdf", f.read(), "application/pdf")
    return correo


def entregar_notificacion(pk: int, conexion=None) -> bool:
    """Send one outbox row by e-mail (over ``conexion``, an open mail connection, when
    given). Returns True when it is (or already was) sent."""
    with transaction.atomic():
        n = (
            Notificacion.objects.select_for_update(of=("self",))
            .select_related("persona", "usuario", "solicitud")
            .filter(pk=pk)
            .first()
        )
        if n is None or n.estado != Notificacion.Estado.PENDIENTE:
            return n is not None and n.estado == Notificacion.Estado.ENVIADA
        try:
            correo = construir_correo(n)
            if conexion is not None:
                correo.connection = conexion
            correo.send(fail_silently=False)
        except Exception as exc:
            n.intentos += 1
            n.ultimo_error = f"{type(exc).__name__}: {exc}"[:2000]
            n.siguiente_intento = timezone.now() + backoff(n.intentos)
            if n.intentos >= settings.OUTBOX_MAX_INTENTOS:
                n.estado = Notificacion.Estado.FALLIDA
            n.save(update_fields=["intentos", "ultimo_error", "siguiente_intento", "estado"])
            logger.warning(
                "Falló el envío de la notificación %s (intento %s): %s", pk, n.intentos, exc
            )
            return False
        n.estado = Notificacion.Estado.ENVIADA
        n.enviada_en = timezone.now()
        n.intentos += 1
        n.save(update_fields=["estado", "enviada_en", "intentos"])
        return True


def notificaciones_atoradas(ahora=None, gracia=timedelta(minutes=2)):
    """Pending rows whose next attempt is due (and not just created)."""
    ahora = ahora or timezone.now()
    return Notificacion.objects.filter(
        estado=Notificacion.Estado.PENDIENTE,
        siguiente_intento__lte=ahora,
        creada__lte=ahora - gracia,
    )
