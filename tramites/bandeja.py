"""Selectors and services of the "Bandeja de tareas pendientes": the acting persona's
drafts and tasks (what needs action or is still in process), what is finished ("Concluidas",
decided by each procedure's ``Asistente.estados_concluidos``), the staff's queue, and
notifications (read / mark as read). Each row shows the state the user cares about
(``Asistente.estado_para_usuario``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from tramites import mesa_dictamen
from tramites.calendario import Calendario
from tramites.models import EstadoSolicitud, Notificacion, Solicitud
from tramites.registro import registrados
from vucem.acceso import solo_lo_capturado
from vucem.consultas import ENTERO, MOMENTO, ConsultaCompilada
from vucem.models import ROLES_SOLICITANTE, Rol
from vucem.services import RE_ID, ROLES_STAFF


@dataclass
class FiltrosBandeja:
    folio: str = ""
    fecha_inicial: dt.date | None = None
    fecha_final: dt.date | None = None


@dataclass
class FilaBandeja:
    solicitud: object
    dias_habiles: int
    es_borrador: bool
    url: str
    plazo: object = None  #: tramites.mesa_dictamen.Plazo of a solicitud en dictamen (staff)
    estado: str = ""


#: Estados a solicitud can be finished in, when its procedure says so (never a draft, nor a
#: discarded or expired one: those never reached the authority).
_POSIBLES_CONCLUIDOS = {
    EstadoSolicitud.FIRMADA,
    EstadoSolicitud.EN_DICTAMEN,
    EstadoSolicitud.RESUELTA,
}


def q_concluidas() -> Q:
    """Solicitudes finished for the solicitante: resueltas, and those in a state their
    procedure declares finished (e.g. an expedición once signed: its certificates exist)."""
    q = Q(estado=EstadoSolicitud.RESUELTA)
    for clave, cls in registrados().items():
        extra = set(cls.estados_concluidos) & _POSIBLES_CONCLUIDOS - {EstadoSolicitud.RESUELTA}
        if extra:
            q |= Q(tramite__clave=clave, estado__in=sorted(extra))
    return q


def _del_usuario(user, rol, persona):
    """Signed solicitudes the acting user sees (solicitante: all of the persona's; a capturista:
    those it captured for the persona); ``None`` for staff or without a persona."""
    if persona is None or rol in ROLES_STAFF:
        return None
    qs = Solicitud.objects.filter(solicitante=persona)
    if rol not in ROLES_SOLICITANTE:
        qs = qs.filter(capturada_por=user)
    return qs


def _filtrar(qs, filtros: FiltrosBandeja):
    if filtros.folio:
        qs = qs.filter(
            Q(folio__icontains=filtros.folio) | Q(numero_temporal__icontains=filtros.folio)
        )
    if filtros.fecha_inicial:
        qs = qs.filter(creada__date__gte=filtros.fecha_inicial)
    if filtros.fecha_final:
        qs = qs.filter(creada__date__lte=filtros.fecha_final)
    return qs


def borradores_de(user, rol, persona, filtros: FiltrosBandeja | None = None):
    """Drafts in the bandeja: a solicitante sees every live draft for itself (including those
    a capturista captured for it, to sign them); a capturista sees those it captured for the
    acting solicitante."""
    if persona is None:
        return Solicitud.objects.none()
    qs = Solicitud.objects.filter(solicitante=persona, estado=EstadoSolicitud.BORRADOR).filter(
        Q(vence__isnull=True) | Q(vence__gt=timezone.now())
    )
    if rol not in ROLES_SOLICITANTE:  # capturistas (vucem.acceso.solo_lo_capturado)
        qs = qs.filter(capturada_por=user)
    return _filtrar(qs.select_related("tramite", "capturada_por"), filtros or FiltrosBandeja())


def tareas_de(user, rol, persona, filtros: FiltrosBandeja | None = None):
    """Solicitudes past the draft stage that still await something (staff: the dictamen
    queue); what their procedure declares finished is under :func:`concluidas_de`."""
    filtros = filtros or FiltrosBandeja()
    if rol in ROLES_STAFF:
        qs = Solicitud.objects.filter(estado=EstadoSolicitud.EN_DICTAMEN)
    elif rol in ROLES_SOLICITANTE and persona is not None:
        qs = Solicitud.objects.filter(
            solicitante=persona, estado__in=[EstadoSolicitud.FIRMADA, EstadoSolicitud.EN_DICTAMEN]
        ).exclude(q_concluidas())
    else:
        return Solicitud.objects.none()
    return _filtrar(qs.select_related("tramite", "solicitante"), filtros)


def concluidas_de(user, rol, persona, filtros: FiltrosBandeja | None = None):
    """Finished solicitudes of the acting persona, newest signature first."""
    qs = _del_usuario(user, rol, persona)
    if qs is None:
        return Solicitud.objects.none()
    qs = qs.filter(q_concluidas()).select_related("tramite", "solicitante")
    return _filtrar(qs.order_by("-firmada_en", "-pk"), filtros or FiltrosBandeja())


def _cuentas(qs, solicitante: bool, ahora):
    """The three conditional counts of :func:`totales` over ``qs``."""
    concluidas = q_concluidas()
    cuentas = {
        "borradores": Count(
            "pk",
            filter=Q(estado=EstadoSolicitud.BORRADOR)
            & (Q(vence__isnull=True) | Q(vence__gt=ahora)),
        ),
        "concluidas": Count("pk", filter=concluidas),
    }
    if solicitante:  # a capturista has no tareas (see tareas_de)
        cuentas["tareas"] = Count(
            "pk",
            filter=Q(estado__in=[EstadoSolicitud.FIRMADA, EstadoSolicitud.EN_DICTAMEN])
            & ~concluidas,
        )
    return cuentas


def _base_totales(persona, usuario, solicitante: bool):
    qs = Solicitud.objects.filter(solicitante=persona)
    if not solicitante:  # capturistas (vucem.acceso.solo_lo_capturado)
        qs = qs.filter(capturada_por=usuario)
    return qs


def _forma_concluidas() -> tuple:
    """What decides :func:`q_concluidas` (the registered procedures' finished states)."""
    return tuple(sorted((k, tuple(sorted(c.estados_concluidos))) for k, c in registrados().items()))


def _totales_sin_filtros(solicitante: bool):
    def construir(persona, ahora, usuario=None):
        qs = _base_totales(persona, usuario, solicitante)
        return qs.values("solicitante").annotate(**_cuentas(qs, solicitante, ahora))

    tipos = {"persona": ENTERO, "ahora": MOMENTO}
    if not solicitante:
        tipos["usuario"] = ENTERO
    return ConsultaCompilada(construir, **tipos)


#: The home page's totals (no filters), for a solicitante and for a capturista.
_TOTALES = {True: _totales_sin_filtros(True), False: _totales_sin_filtros(False)}


def totales(user, rol, persona, filtros: FiltrosBandeja | None = None) -> dict[str, int]:
    """How many rows :func:`borradores_de`, :func:`tareas_de` and :func:`concluidas_de` list
    for a solicitante or capturista (not the staff), counted in one query (compiled once per
    process when there are no filters: the bandeja as it opens)."""
    if persona is None or rol in ROLES_STAFF:
        raise ValueError("Sólo la bandeja de un solicitante o de un capturista")
    solicitante = rol in ROLES_SOLICITANTE
    filtros = filtros or FiltrosBandeja()
    ahora = timezone.now()
    vacio = {"tareas": 0, "borradores": 0, "concluidas": 0}
    if filtros == FiltrosBandeja():
        valores = {"persona": persona.pk, "ahora": ahora}
        if not solicitante:
            valores["usuario"] = user.pk
        filas = _TOTALES[solicitante].filas(forma=_forma_concluidas(), **valores)
        return {**vacio, **{k: v for k, v in (filas[0] if filas else {}).items() if k in vacio}}
    qs = _base_totales(persona, user, solicitante)
    return {"tareas": 0, **_filtrar(qs, filtros).aggregate(**_cuentas(qs, solicitante, ahora))}


def notificaciones_no_leidas(persona, usuario=None, rol=None):
    return notificaciones_de(persona, usuario, rol).filter(leida=False).order_by("-creada")


#: Unread notices the bandeja lists (newest first).
AVISOS_EN_BANDEJA = 50


def _avisos_en_bandeja(capturista: bool) -> ConsultaCompilada:
    rol = Rol.CAPTURISTA_PRIVADO if capturista else Rol.SOLICITANTE_MORAL

    def construir(persona, usuario=None):
        return notificaciones_no_leidas(persona, usuario, rol).values(
            "pk", "asunto", "cuerpo", "creada"
        )[:AVISOS_EN_BANDEJA]

    return ConsultaCompilada(
        construir, persona=ENTERO, **({"usuario": ENTERO} if capturista else {})
    )


_AVISOS = {False: _avisos_en_bandeja(False), True: _avisos_en_bandeja(True)}


def avisos_en_bandeja(persona, usuario, rol) -> list[dict]:
    """The unread notices the bandeja shows (``pk``, ``asunto``, ``cuerpo``, ``creada``): the
    first :data:`AVISOS_EN_BANDEJA` of :func:`notificaciones_no_leidas`, in SQL compiled once
    per process."""
    if persona is None:
        return []
    capturista = solo_lo_capturado(rol)
    if capturista and usuario is None:
        return []
    valores = {"persona": persona.pk}
    if capturista:
        valores["usuario"] = usuario.pk
    return _AVISOS[capturista].filas(**valores)


def notificaciones_de(persona, usuario=None, rol=None):
    """Every notification of the acting persona (none without one): the scope of the
    bandeja's notices and of the "marcar como leída" actions, so nobody marks another
    persona's notices. A capturista (``rol``) sees only the notices of the solicitudes it
    captured itself (vucem.acceso.solo_lo_capturado)."""
    if persona is None:
        return Notificacion.objects.none()
    qs = Notificacion.objects.filter(persona=persona)
    if solo_lo_capturado(rol):
        qs = qs.filter(solicitud__capturada_por=usuario) if usuario is not None else qs.none()
    return qs


def marcar_leida(persona, pk: int, usuario=None, rol=None):
    """Mark one of ``persona``'s notifications as read (idempotent). Raises
    ``Notificacion.DoesNotExist`` when ``pk`` is not one of hers (or, for a capturista, not
    of a solicitud it captured)."""
    notificacion = notificaciones_de(persona, usuario, rol).get(pk=pk)
    if not notificacion.leida:
        notificacion.leida = True
        notificacion.save(update_fields=["leida"])
    return notificacion


def marcar_leidas(persona, pks, usuario=None, rol=None) -> int:
    """Mark as read the notifications ``pks`` of ``persona`` (the ones the bandeja showed;
    notices that arrived later stay unread). Ids of other personas are ignored. Returns how
    many changed."""
    ids = {int(pk) for pk in map(str, pks) if RE_ID.fullmatch(pk)}
    if not ids:
        return 0
    return (
        notificaciones_de(persona, usuario, rol).filter(pk__in=ids, leida=False).update(leida=True)
    )


def dias_habiles_transcurridos(solicitudes, hoy: dt.date | None = None) -> dict[int, int]:
    """Business days from each solicitud's start to today, with one calendar load."""
    solicitudes = list(solicitudes)
    if not solicitudes:
        return {}
    hoy = hoy or timezone.localdate()
    inicio = min(timezone.localtime(s.creada).date() for s in solicitudes)
    cal = Calendario("SE", desde=inicio, hasta=hoy)
    return {s.pk: cal.dias_habiles_entre(s.creada, hoy) for s in solicitudes}


def estado_para_usuario(solicitud, asistentes: dict | None = None) -> str:
    """The row's state as its procedure names it (``Asistente.estado_para_usuario``); the
    engine's label when the trámite has no wizard. ``asistentes`` caches one per trámite."""
    asistentes = {} if asistentes is None else asistentes
    tramite = solicitud.tramite
    if tramite.pk not in asistentes:
        cls = registrados().get(tramite.clave)
        asistentes[tramite.pk] = cls(tramite) if cls else None
    asistente = asistentes[tramite.pk]
    if asistente is None:
        return solicitud.get_estado_display()
    return asistente.estado_para_usuario(solicitud)


def filas(solicitudes, *, url_de) -> list[FilaBandeja]:
    solicitudes = list(solicitudes)
    dias = dias_habiles_transcurridos(solicitudes)
    asistentes: dict = {}
    return [
        FilaBandeja(
            s,
            dias.get(s.pk, 0),
            s.estado == "borrador",
            url_de(s),
            estado=estado_para_usuario(s, asistentes),
        )
        for s in solicitudes
    ]


def con_plazo(filas: list[FilaBandeja], hoy: dt.date | None = None) -> list[FilaBandeja]:
    """Give the rows en dictamen their plazo de resolución (the staff's "Vence" column)."""
    hoy = hoy or timezone.localdate()
    cal = mesa_dictamen.calendario_para(hoy)
    for f in filas:
        if f.solicitud.estado == EstadoSolicitud.EN_DICTAMEN and f.solicitud.firmada_en:
            f.plazo = mesa_dictamen.plazo_de(f.solicitud, hoy=hoy, calendario=cal)
    return filas
