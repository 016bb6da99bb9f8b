"""The shared dictamen resolution: every procedure resolves a solicitud through
:func:`resolver`, which owns the lock, idempotency, state check, audit and notice.

A procedure passes an ``efecto(solicitud)`` that does its domain work (an asignación, an
oficio, a resolución document…) and returns a :class:`Resolucion` saying what was decided
and what to tell the solicitante.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from tramites.models import EstadoSolicitud, Solicitud
from tramites.reglas import TramiteError
from tramites.services import bloquear_solicitud, cambiar_estado, notificar

E = EstadoSolicitud


@dataclass
class Resolucion:
    """What the procedure's ``efecto`` decided."""

    resultado: str  #: a ``Solicitud.Resultado`` value
    motivo: str  #: the audit entry's why
    asunto: str  #: the notice to the solicitante
    cuerpo: str
    justificacion: str = ""
    datos: dict = field(default_factory=dict)  #: the procedure's own result (asignación, …)


@dataclass
class ResultadoResolucion:
    solicitud: Solicitud
    datos: dict = field(default_factory=dict)
    ya_resuelta: bool = False


def resolver(
    solicitud: Solicitud, *, usuario, efecto: Callable[[Solicitud], Resolucion]
) -> ResultadoResolucion:
    """Resolve a solicitud en dictamen in one transaction with its row locked.

    Idempotent: an already resolved solicitud comes back with ``ya_resuelta=True`` and
    nothing changes. Any other state than "en dictamen" is refused. ``efecto`` runs with
    ``resuelta_en`` / ``resuelta_por`` already set (documents print them); a
    :class:`TramiteError` it raises rolls everything back.
    """
    with transaction.atomic():
        s = bloquear_solicitud(solicitud.pk)
        if s.estado == E.RESUELTA:
            return ResultadoResolucion(solicitud=s, ya_resuelta=True)
        if s.estado != E.EN_DICTAMEN:
            raise TramiteError("La solicitud no está en dictamen.", "no_en_dictamen")
        s.resuelta_en = timezone.now()
        s.resuelta_por = usuario
        r = efecto(s)
        s.resultado = r.resultado
        s.justificacion = r.justificacion
        cambiar_estado(
            s,
            E.RESUELTA,
            usuario=usuario,
            motivo=r.motivo,
            campos=["resultado", "resuelta_en", "resuelta_por", "justificacion"],
        )
        notificar(persona=s.solicitante, solicitud=s, asunto=r.asunto, cuerpo=r.cuerpo)
    return ResultadoResolucion(solicitud=s, datos=r.datos)
