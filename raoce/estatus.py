"""The program status service of RAOCE: every estatus change of a :class:`Programa` goes
through :func:`cambiar_estatus` (the back-office actions, the deadline jobs, the signing of a
report), audited with ``registrar_auditoria`` and notified to the persona through the outbox,
in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tramites.services import notificar, registrar_auditoria

from .models import EstatusPrograma, Programa

V, S, C = EstatusPrograma.VIGENTE, EstatusPrograma.SUSPENDIDO, EstatusPrograma.CANCELADO


def dmy(fecha: dt.date) -> str:
    return f"{fecha:%d/%m/%Y}"


def etiqueta(programa: Programa) -> str:
    """``"IMMEX 83-2019"``."""
    return f"{programa.tipo} {programa.numero}"


def cuerpo_por_omision(programa: Programa, anterior: str, nuevo: str, motivo: str) -> str:
    return (
        f"El estatus de su programa {etiqueta(programa)} cambió de "
        f"«{EstatusPrograma(anterior).label}» a «{EstatusPrograma(nuevo).label}». "
        f"Motivo: {motivo}"
    )


def cambiar_estatus(
    programa: Programa,
    nuevo: str,
    *,
    motivo: str,
    usuario=None,
    solicitud=None,
    asunto: str = "",
    cuerpo: str = "",
    periodo_suspension: int | None = None,
) -> bool:
    """Change a program's estatus, audited, and notify its persona (outbox).

    ``programa`` should be locked by the caller (``select_for_update``). Returns False (and
    does nothing) when it already has that estatus. ``periodo_suspension`` records the
    RAOCE whose absence suspended it (only automatic suspensions; cleared otherwise).
    """
    anterior = programa.estatus
    if anterior == nuevo:
        return False
    programa.estatus = nuevo
    programa.estatus_desde = timezone.now()
    programa.periodo_suspension = periodo_suspension if nuevo == S else None
    programa.save(update_fields=["estatus", "estatus_desde", "periodo_suspension"])
    registrar_auditoria(programa, anterior=anterior, nuevo=nuevo, usuario=usuario, motivo=motivo)
    notificar(
        persona=programa.persona,
        solicitud=solicitud,
        asunto=asunto or f"Programa {etiqueta(programa)}: {EstatusPrograma(nuevo).label}",
        cuerpo=cuerpo or cuerpo_por_omision(programa, anterior, nuevo, motivo),
    )
    return True
