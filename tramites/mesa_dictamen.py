"""The engine's dictamen desk: the plazo de resolución of a solicitud en dictamen, its status
(en plazo / por vencer / vencido) both as a Python value (:func:`plazo_de`) and as an indexed
database filter (:func:`filtro_estado_plazo`), the turn of a solicitud to a dictaminador
(:func:`asignar_dictaminador`, audited) and the daily job that warns the assigned dictaminador
and nivel central (:func:`avisar_plazos`, through the outbox).

Every date comes from :mod:`tramites.calendario`. The plazo runs "n días hábiles contados a
partir del día hábil siguiente a la recepción" (seed 004: n = 7, per trámite in the catalog).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from tramites.calendario import ZONA_MEXICO, Calendario
from tramites.models import EstadoSolicitud, Solicitud, Tramite
from tramites.outbox import notificar, notificar_en_lote
from tramites.registro import obtener_asistente, tiene_asistente
from tramites.reglas import TramiteError
from tramites.services import registrar_auditoria
from tramites.trabajos import lote_por_cambiar
from vucem.models import Rol, User

E = EstadoSolicitud
#: Plazo de resolución when the trámite does not set one (seed 004: seven business days).
PLAZO_RESOLUCION_DIAS_HABILES = 7
#: "Por vencer": at most this many business days left after today (0 = it ends today).
DIAS_AVISO = 1
#: Rows the daily job notifies per transaction.
LOTE = 500
#: Calendar days preloaded behind today (covers n + 1 business days with any holidays).
_VENTANA_CALENDARIO = dt.timedelta(days=120)


class EstadoPlazo(models.TextChoices):
    EN_PLAZO = "en_plazo", "En plazo"
    POR_VENCER = "por_vencer", "Por vencer"
    VENCIDO = "vencido", "Vencido"


@dataclass(frozen=True)
class Plazo:
    recepcion: dt.date
    transcurridos: int
    vencimiento: dt.date
    plazo: int

    @property
    def vencido(self) -> bool:
        return self.transcurridos > self.plazo

    @property
    def restantes(self) -> int:
        """Business days left after today (0: it ends today)."""
        return max(self.plazo - self.transcurridos, 0)

    @property
    def estado(self) -> str:
        if self.vencido:
            return EstadoPlazo.VENCIDO
        if self.restantes <= DIAS_AVISO:
            return EstadoPlazo.POR_VENCER
        return EstadoPlazo.EN_PLAZO

    @property
    def estado_display(self) -> str:
        return EstadoPlazo(self.estado).label


def dias_de_plazo(tramite: Tramite) -> int:
    return tramite.plazo_resolucion_dias_habiles or PLAZO_RESOLUCION_DIAS_HABILES


def calendario_para(hoy: dt.date) -> Calendario:
    """One calendar with the días inhábiles around ``hoy`` loaded in a single query."""
    return Calendario(desde=hoy - _VENTANA_CALENDARIO, hasta=hoy)


def plazo_de(solicitud: Solicitud, hoy: dt.date | None = None, calendario=None) -> Plazo:
    """Días hábiles transcurridos since reception vs the trámite's plazo (seed 004)."""
    cal = calendario or Calendario()
    n = dias_de_plazo(solicitud.tramite)
    recepcion = timezone.localtime(solicitud.firmada_en).date()
    hoy = hoy or timezone.localdate()
    return Plazo(
        recepcion=recepcion,
        transcurridos=cal.dias_habiles_entre(recepcion, hoy),
        vencimiento=cal.vencimiento_plazo(recepcion, n),
        plazo=n,
    )


# -- the plazo status as a database filter ---------------------------------------------------


def _corte(cal: Calendario, hoy: dt.date, k: int) -> dt.datetime:
    """Start (Mexico City) of the k-th business day counted back from ``hoy`` (inclusive).

    ``transcurridos >= k`` ⟺ the reception date is before that day, so a solicitud has at
    least k business days elapsed exactly when ``firmada_en`` is before the returned moment."""
    dia = hoy if cal.es_dia_habil(hoy) else cal.dia_habil_anterior(hoy)
    for _ in range(k - 1):
        dia = cal.dia_habil_anterior(dia)
    return dt.datetime.combine(dia, dt.time.min, tzinfo=ZONA_MEXICO)


def filtro_estado_plazo(
    estado: str, *, hoy: dt.date | None = None, calendario=None, prefijo: str = ""
) -> Q:
    """A ``Q`` selecting the solicitudes (``prefijo`` = the path to ``Solicitud``, e.g.
    ``"solicitud__"``) whose plazo is in ``estado`` today: a range of ``firmada_en`` per
    plazo length, served by the partial index on reception of the solicitudes en dictamen.
    Agrees with :attr:`Plazo.estado`."""
    hoy = hoy or timezone.localdate()
    cal = calendario or calendario_para(hoy)
    grupos: dict[int, list[int]] = {}
    for pk, dias in Tramite.objects.values_list("pk", "plazo_resolucion_dias_habiles"):
        grupos.setdefault(dias or PLAZO_RESOLUCION_DIAS_HABILES, []).append(pk)
    recibida = f"{prefijo}firmada_en"
    resultado = Q(pk__in=[])
    for n, pks in grupos.items():
        de_estos = Q(**{f"{prefijo}tramite_id__in": pks})
        vencido = _corte(cal, hoy, n + 1)
        aviso = _corte(cal, hoy, n - DIAS_AVISO) if n - DIAS_AVISO >= 1 else None
        if estado == EstadoPlazo.VENCIDO:
            condicion = Q(**{f"{recibida}__lt": vencido})
        elif estado == EstadoPlazo.POR_VENCER:
            condicion = Q(**{f"{recibida}__gte": vencido})
            if aviso is not None:
                condicion &= Q(**{f"{recibida}__lt": aviso})
        elif estado == EstadoPlazo.EN_PLAZO:
            if aviso is None:
                continue
            condicion = Q(**{f"{recibida}__gte": aviso})
        else:
            raise ValueError(f"Estado de plazo desconocido: {estado!r}")
        resultado |= de_estos & condicion
    return resultado


# -- turn to a dictaminador ------------------------------------------------------------------

GRUPOS_DICTAMEN = (Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL)


def nombre_de(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def dictaminadores():
    """Active staff who may be turned a solicitud (dictaminadores and nivel central)."""
    return (
        User.objects.filter(
            is_active=True, is_staff=True, groups__name__in=[str(g) for g in GRUPOS_DICTAMEN]
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def es_nivel_central(user) -> bool:
    return bool(
        user.is_active
        and (user.is_superuser or user.groups.filter(name=Rol.NIVEL_CENTRAL).exists())
    )


def asignar_dictaminador(solicitud: Solicitud, dictaminador, *, usuario) -> Solicitud:
    """Turn a solicitud en dictamen to ``dictaminador`` (audited; the dictaminador is told
    when someone else turned it). A dictaminador may take an unassigned solicitud for
    itself ("Asignarme"); only nivel central turns to others or re-turns. Idempotent."""
    with transaction.atomic():
        s = (
            Solicitud.objects.select_for_update(of=("self",))
            .select_related("dictaminador", "tramite", "solicitante")
            .get(pk=solicitud.pk)
        )
        if s.estado != E.EN_DICTAMEN:
            raise TramiteError(
                f"La solicitud {s.referencia} ya no está en dictamen.", "no_en_dictamen"
            )
        if not dictaminadores().filter(pk=dictaminador.pk).exists():
            raise TramiteError(
                "Solo puede asignarse a un dictaminador o a nivel central activo.",
                "dictaminador_invalido",
                "dictaminador",
            )
        if s.dictaminador_id == dictaminador.pk:
            return s
        central = es_nivel_central(usuario)
        if dictaminador.pk != usuario.pk and not central:
            raise TramiteError(
                "Solo nivel central asigna solicitudes a otro dictaminador.", "sin_permiso"
            )
        if s.dictaminador_id and not central:
            raise TramiteError(
                f"La solicitud ya está asignada a {nombre_de(s.dictaminador)}; solo nivel "
                "central puede reasignarla.",
                "ya_asignada",
            )
        anterior = s.dictaminador
        s.dictaminador = dictaminador
        s.save(update_fields=["dictaminador", "actualizada"])
        motivo = f"Asignada al dictaminador {nombre_de(dictaminador)}"
        if anterior is not None:
            motivo += f" (antes: {nombre_de(anterior)})"
        registrar_auditoria(s, anterior=s.estado, nuevo=s.estado, usuario=usuario, motivo=motivo)
        if dictaminador.pk != usuario.pk:
            notificar(
                usuario=dictaminador,
                solicitud=s,
                asunto=f"Se le asignó la solicitud {s.referencia} para dictamen",
                cuerpo=(
                    f"{nombre_de(usuario)} le asignó la solicitud {s.referencia} "
                    f"({s.tramite.nombre}) de {s.solicitante.nombre} ({s.solicitante.rfc}) "
                    f"para su dictamen.{_enlace(s)}"
                ),
            )
    return s


# -- the daily job -----------------------------------------------------------------------------


def _enlace(s: Solicitud) -> str:
    url = obtener_asistente(s.tramite).url_oficina(s) if tiene_asistente(s.tramite) else None
    return f"\n\nDictamen: {settings.SITE_URL.rstrip('/')}{url}" if url else ""


def _avisos(s: Solicitud, estado: str, plazo: Plazo, central: list) -> list[dict]:
    quien = nombre_de(s.dictaminador) if s.dictaminador_id else "sin dictaminador asignado"
    if estado == EstadoPlazo.VENCIDO:
        asunto = f"Plazo de dictamen vencido: solicitud {s.referencia}"
        situacion = (
            f"venció el {plazo.vencimiento:%d/%m/%Y} y sigue sin resolverse "
            f"({plazo.transcurridos} días hábiles transcurridos de {plazo.plazo})"
        )
    else:
        asunto = f"Plazo de dictamen por vencer: solicitud {s.referencia}"
        cuando = (
            "vence hoy"
            if plazo.restantes == 0
            else f"vence el {plazo.vencimiento:%d/%m/%Y} (queda {plazo.restantes} día hábil)"
        )
        situacion = f"{cuando}; plazo de {plazo.plazo} días hábiles"
    cuerpo = (
        f"La solicitud {s.referencia} ({s.tramite.nombre}) de {s.solicitante.nombre} "
        f"({s.solicitante.rfc}), recibida el {plazo.recepcion:%d/%m/%Y}, {situacion}.\n"
        f"Dictaminador: {quien}.{_enlace(s)}"
    )
    destinatarios = {u.pk: u for u in central}
    if s.dictaminador_id and s.dictaminador.is_active:
        destinatarios[s.dictaminador_id] = s.dictaminador
    return [
        {"usuario": u, "solicitud": s, "asunto": asunto, "cuerpo": cuerpo}
        for u in destinatarios.values()
    ]


CAMPO_AVISO = {
    EstadoPlazo.VENCIDO: "aviso_plazo_vencido",
    EstadoPlazo.POR_VENCER: "aviso_plazo_por_vencer",
}


def avisar_plazos(hoy: dt.date | None = None, *, lote: int = LOTE) -> dict[str, int]:
    """Daily job: one notice per solicitud en dictamen and kind (por vencer, vencido) to its
    dictaminador and to nivel central. Set-based: only the solicitudes whose plazo is in that
    state and not yet warned are read (indexed range on reception); each batch marks them and
    writes its notices in one transaction, so a second run sends nothing."""
    hoy = hoy or timezone.localdate()
    ahora = timezone.now()
    cal = calendario_para(hoy)
    central = list(User.objects.filter(is_active=True, groups__name=Rol.NIVEL_CENTRAL).distinct())
    enviados: dict[str, int] = {}
    for estado, campo in CAMPO_AVISO.items():
        condicion = filtro_estado_plazo(estado, hoy=hoy, calendario=cal)
        enviados[str(estado)] = 0
        while True:
            with transaction.atomic():
                filas = list(
                    lote_por_cambiar(
                        Solicitud.objects.filter(
                            condicion, estado=E.EN_DICTAMEN, **{f"{campo}__isnull": True}
                        ).select_related("tramite", "solicitante", "dictaminador"),
                        lote,
                    )
                )
                if not filas:
                    break
                Solicitud.objects.filter(pk__in=[s.pk for s in filas]).update(**{campo: ahora})
                notificar_en_lote(
                    [
                        aviso
                        for s in filas
                        for aviso in _avisos(s, estado, plazo_de(s, hoy, cal), central)
                    ]
                )
            enviados[str(estado)] += len(filas)
    return enviados
