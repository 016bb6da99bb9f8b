"""Notices of cupos' jobs, as small functions the (set-based) jobs call: each returns the
keyword arguments of :func:`tramites.outbox.notificar` / one item of
:func:`tramites.outbox.notificar_en_lote`, so a job can write them one by one or in bulk."""

from __future__ import annotations

from cupos.models import Asignacion
from cupos.montos import formato_monto


def aviso_asignacion_vencida(asignacion: Asignacion, disponible=None) -> dict:
    """Notice to the beneficiario that an asignación reached the end of its vigencia.
    ``disponible``: the saldo not used (Decimal), named when known."""
    cupo = asignacion.subcupo.cupo
    saldo = (
        f" El saldo no ejercido era de {formato_monto(disponible, cupo.get_unidad_display())}."
        if disponible is not None
        else ""
    )
    return {
        "persona": asignacion.beneficiario,
        "solicitud": asignacion.solicitud,
        "tipo": "asignacion_vencida",
        "asunto": f"Venció la asignación de cupo del oficio {asignacion.numero_oficio}",
        "cuerpo": (
            f"La asignación de cupo del oficio {asignacion.numero_oficio} ({cupo.nombre}) "
            f"terminó su vigencia el {asignacion.vigencia_fin:%d/%m/%Y} y quedó vencida; ya no "
            f"pueden expedirse certificados con cargo a ella.{saldo}"
        ),
    }
