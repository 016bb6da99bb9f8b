"""When a persona can start each cupos trámite (the catálogo's ``Asistente.disponibilidad``).

- asignación: some subcupo's reception window is open today (:mod:`cupos.ventanas`);
  otherwise the next opening date, of this year's cupos or, when none is left this year,
  of the same rules applied to next year (an estimate until the cupo is published);
- expedición: the persona holds a vigente oficio de asignación with saldo disponible;
- cancelación: the persona holds a vigente certificate with something left to cancel.
"""

from __future__ import annotations

import datetime as dt

from cupos import saldos, ventanas
from cupos.cancelacion.services import tiene_certificados_cancelables
from cupos.expedicion.reglas import EXP005
from cupos.models import Asignacion, Criterio, Subcupo
from tramites.memoria import Memoria
from tramites.registro import DISPONIBLE, Disponibilidad
from tramites.reglas import ReglaError
from vucem.consultas import ENTERO, FECHA, ConsultaCompilada

#: :func:`recepcion_asignacion` per date, alike for every persona (tramites.memoria):
#: forgotten when a cupo, subcupo or día inhábil is saved or deleted (cupos.receivers).
memoria_recepcion = Memoria("cupos:recepcion:version")


def _subcupos_en_recepcion():
    """Subcupos that receive solicitudes de asignación (licitación has its own process)."""
    return (
        Subcupo.objects.filter(cupo__activo=True)
        .exclude(criterio=Criterio.LICITACION)
        .select_related("cupo")
        .order_by("cupo__anio", "cupo__nombre", "orden", "clave")
    )


def recepcion_asignacion(hoy: dt.date | None = None) -> Disponibilidad:
    """Available while any subcupo's reception window is open on ``hoy``: read once per
    process and date (the catálogo asks on every visit; issue 8)."""
    hoy = hoy or ventanas.hoy()
    return memoria_recepcion.recordar(("recepcion", hoy), lambda: _recepcion_asignacion(hoy))


def _recepcion_asignacion(hoy: dt.date) -> Disponibilidad:
    proximas: list[tuple[dt.date, bool]] = []  # (inicio, estimated from next year's rules)
    for sub in _subcupos_en_recepcion():
        v = ventanas.ventana_subcupo(sub, hoy)
        if v.abierta:
            return DISPONIBLE
        inicio = v.inicio or sub.cupo.vigencia_inicio
        if inicio > hoy:
            proximas.append((inicio, False))
        elif sub.ventana and sub.cupo.anio <= hoy.year:
            siguiente, _fin = ventanas.periodo_recepcion(sub.ventana, hoy.year + 1)
            proximas.append((siguiente, True))
    motivo = (
        f"Hoy ({hoy:%d/%m/%Y}) no está abierta la recepción de solicitudes de ningún cupo; "
        "cada cupo recibe solicitudes sólo en su periodo de recepción."
    )
    if not proximas:
        return Disponibilidad(False, motivo)
    abre_el, estimada = min(proximas)
    if estimada:
        motivo += (
            f" Fecha según las reglas vigentes, sujeta a la publicación del cupo de {abre_el.year}."
        )
    return Disponibilidad(False, motivo, abre_el)


#: The persona's asignaciones vigentes on a date (compiled once: the catálogo asks on every
#: visit).
_VIGENTES = ConsultaCompilada(
    lambda persona, hoy: Asignacion.objects.filter(
        beneficiario=persona, estado=Asignacion.Estado.VIGENTE, vigencia_fin__gte=hoy
    ),
    persona=ENTERO,
    hoy=FECHA,
)


def expedicion_posible(persona, hoy: dt.date | None = None) -> Disponibilidad:
    """Available when the persona has a vigente asignación with saldo to expedite."""
    hoy = hoy or ventanas.hoy()
    futuras = []
    for a in _VIGENTES.objetos(persona=persona.pk, hoy=hoy):
        if saldos.disponible(a) <= 0:
            continue
        if a.vigencia_inicio > hoy:
            futuras.append(a.vigencia_inicio)
            continue
        try:
            EXP005().validar(a, hoy=hoy)
        except ReglaError:
            continue
        return DISPONIBLE
    motivo = (
        "No tiene oficios de asignación vigentes con saldo disponible para expedir "
        "certificados de cupo. Primero solicite la asignación del cupo."
    )
    return Disponibilidad(False, motivo, min(futuras) if futuras else None)


def cancelacion_posible(persona, hoy: dt.date | None = None) -> Disponibilidad:
    """Available when the persona has a certificate with monto left to cancel."""
    if tiene_certificados_cancelables(persona.pk):
        return DISPONIBLE
    return Disponibilidad(
        False,
        "No tiene certificados de cupo vigentes con monto por cancelar (monto expedido "
        "menos utilizado y cancelado).",
    )


__all__ = ["cancelacion_posible", "expedicion_posible", "recepcion_asignacion"]
