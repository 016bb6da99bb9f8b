"""Rules of the portal shell: who may act in which role, FIEL login, capturistas and the
bandeja. Views call these; nothing here renders HTML."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from firma import retos
from firma.forms import limite_archivo_fiel  # noqa: F401  (used by vucem views)
from firma.services import FielError, verificar_firma_cliente
from vucem.acceso import personas_representadas
from vucem.middleware import SESSION_PERSONA, SESSION_RFC_FIEL, SESSION_ROL
from vucem.models import ROLES_SOLICITANTE, Capturista, Persona, Rol

log = logging.getLogger(__name__)

RETO_INGRESO = "ingreso"
ROLES_STAFF = {Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL}
#: A row id posted by a form: ASCII digits only, at most 18 (fits a bigint).
RE_ID = re.compile(r"[0-9]{1,18}", re.ASCII)


# -- roles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpcionRol:
    """One way a user may act: a role, and the persona acted for (None for staff roles and
    for a capturista gubernamental who has not chosen a solicitante yet)."""

    rol: str
    persona: Persona | None = None

    @property
    def clave(self) -> str:
        return f"{self.rol}:{self.persona.pk if self.persona else ''}"

    @property
    def rol_display(self) -> str:
        return Rol(self.rol).label

    @property
    def etiqueta(self) -> str:
        if self.persona is None:
            return self.rol_display
        if self.rol in ROLES_SOLICITANTE:
            return f"{self.rol_display}: {self.persona.nombre} ({self.persona.rfc})"
        return f"{self.rol_display} de {self.persona.nombre} ({self.persona.rfc})"


def opciones_de_rol(user, *, con_fiel: bool) -> list[OpcionRol]:
    """Every role/persona the user may act as in this session.

    With FIEL the user acts as the solicitante of the certificate (and, if that person was
    also registered as a capturista privado by others, for them). Without FIEL only the
    password roles: capturista privado/gubernamental and staff. A solicitante never acts
    as such without its FIEL.
    """
    roles = user.roles
    opciones: list[OpcionRol] = []
    if con_fiel and user.persona_id:
        opciones.append(OpcionRol(user.persona.rol_solicitante, user.persona))
    for persona in personas_representadas(user).order_by("nombre"):
        if persona.pk != user.persona_id:
            opciones.append(OpcionRol(Rol.CAPTURISTA_PRIVADO, persona))
    if not con_fiel:
        if Rol.CAPTURISTA_GUBERNAMENTAL in roles:
            opciones.append(OpcionRol(Rol.CAPTURISTA_GUBERNAMENTAL, None))
        for rol in (Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL):
            if rol in roles:
                opciones.append(OpcionRol(rol, None))
        if not opciones and user.is_superuser:
            opciones.append(OpcionRol(Rol.NIVEL_CENTRAL, None))
    return opciones


def activar_rol(session, opcion: OpcionRol) -> None:
    session[SESSION_ROL] = str(opcion.rol)
    if opcion.persona is not None:
        session[SESSION_PERSONA] = opcion.persona.pk
    else:
        session.pop(SESSION_PERSONA, None)


def sesion_con_fiel(session) -> bool:
    return bool(session.get(SESSION_RFC_FIEL))


def solicitantes_para_gubernamental(texto: str = ""):
    """A capturista gubernamental may capture for any solicitante (DESIGN §2)."""
    qs = Persona.objects.all()
    texto = (texto or "").strip()
    if texto:
        qs = qs.filter(Q(rfc__icontains=texto) | Q(nombre__icontains=texto))
    return qs.order_by("nombre")


# -- FIEL login ---------------------------------------------------------------------------


def nuevo_reto_ingreso(session):
    """A fresh random challenge the browser signs with the FIEL key (single use, expires)."""
    return retos.emitir(session, RETO_INGRESO, retos.nuevo_nonce())


@dataclass(frozen=True)
class ErrorIngreso:
    """A login error with the form field it is about (for the error summary's link)."""

    mensaje: str
    campo: str = ""

    def __str__(self) -> str:
        return self.mensaje


def _campo_de(codigo: str) -> str:
    if codigo.startswith(("certificado", "emisor", "rfc")):
        return "cer"
    return ""


def verificar_ingreso_fiel(
    session, certificado: bytes, firma: str
) -> tuple[list[ErrorIngreso], object | None]:
    """Verify the certificate and the browser's signature of the login challenge issued to
    this session (single use). Returns (errores, certificado). No key reaches the server."""
    try:
        reto = retos.consumir(session, RETO_INGRESO, firma)
    except FielError as exc:
        return [ErrorIngreso(exc.mensaje)], None
    try:
        resultado = verificar_firma_cliente(certificado, reto.cadena, firma, requerir_fiel=True)
    except Exception:  # firma promises not to raise; a 500 here would still be wrong
        log.exception("Error inesperado al verificar una e.firma")
        return [ErrorIngreso("No fue posible leer la e.firma. Revise sus archivos.")], None
    certificado_info = getattr(resultado, "certificado", None)
    if not resultado.ok:
        errores = [ErrorIngreso(e.mensaje, _campo_de(e.codigo)) for e in resultado.errores]
        return errores or [ErrorIngreso("La e.firma no es válida.")], certificado_info
    return [], certificado_info


@transaction.atomic
def persona_y_usuario_desde_certificado(certificado):
    """Find or create the Persona of the certificate and its FIEL user (username = RFC,
    unusable password, group solicitante física/moral)."""
    rfc = certificado.rfc.upper().strip()
    tipo = Persona.Tipo.MORAL if certificado.persona == "moral" else Persona.Tipo.FISICA
    persona = Persona.objects.select_for_update().filter(rfc=rfc).first()
    if persona is None:
        persona = Persona.objects.create(
            rfc=rfc,
            tipo=tipo,
            nombre=(certificado.nombre or rfc)[:254],
            curp=(getattr(certificado, "curp", "") or "")[:18],
            rfc_representante=(getattr(certificado, "rfc_representante", "") or "")[:13],
            curp_representante=(getattr(certificado, "curp_representante", "") or "")[:18],
        )
    else:
        # The certificate is the source of truth for the representante (it may change).
        cambios = {}
        for campo in ("rfc_representante", "curp_representante"):
            valor = (getattr(certificado, campo, "") or "").strip()
            if valor and getattr(persona, campo) != valor:
                cambios[campo] = valor
        if cambios:
            Persona.objects.filter(pk=persona.pk).update(**cambios)
    User = get_user_model()
    user = User.objects.filter(persona=persona).first() or User.objects.filter(username=rfc).first()
    if user is None:
        user = User(username=rfc, persona=persona, first_name=persona.nombre[:150])
        user.set_unusable_password()
        user.save()
    elif user.persona_id != persona.pk:
        user.persona = persona
        user.save(update_fields=["persona"])
    user.groups.add(Group.objects.get_or_create(name=str(persona.rol_solicitante))[0])
    return persona, user


# -- capturistas --------------------------------------------------------------------------


@transaction.atomic
def registrar_capturista(
    solicitante: Persona, *, username: str, password: str, nombre: str, correo: str
):
    """Create the capturista privado's account and register it for ``solicitante``."""
    User = get_user_model()
    user = User.objects.create_user(
        username=username, password=password, email=correo, first_name=nombre[:150]
    )
    user.groups.add(Group.objects.get_or_create(name=str(Rol.CAPTURISTA_PRIVADO))[0])
    return Capturista.objects.create(solicitante=solicitante, usuario=user)


@transaction.atomic
def revocar_capturista(capturista: Capturista, *, por) -> Capturista:
    """Deactivate the registration; the capturista can no longer act for this solicitante
    (checked on every request by the middleware and ``vucem.acceso``)."""
    capturista = Capturista.objects.select_for_update().get(pk=capturista.pk)
    if not capturista.activo:
        return capturista
    capturista.activo = False
    capturista.baja = timezone.now()
    capturista.save(update_fields=["activo", "baja"])
    try:
        from django.contrib.contenttypes.models import ContentType

        from tramites.models import RegistroAuditoria

        RegistroAuditoria.objects.create(
            content_type=ContentType.objects.get_for_model(Capturista),
            object_id=str(capturista.pk),
            usuario=por,
            estado_anterior="activo",
            estado_nuevo="revocado",
            motivo=f"Revocado por el solicitante {capturista.solicitante.rfc}",
        )
    except ImportError:  # pragma: no cover - tramites is always installed
        pass
    return capturista


# -- bandeja ------------------------------------------------------------------------------


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
    from tramites.models import EstadoSolicitud, Solicitud

    if persona is None:
        return Solicitud.objects.none()
    qs = Solicitud.objects.filter(solicitante=persona, estado=EstadoSolicitud.BORRADOR).filter(
        Q(vence__isnull=True) | Q(vence__gt=timezone.now())
    )
    if rol not in ROLES_SOLICITANTE:
        qs = qs.filter(capturada_por=user)
    return _filtrar(qs.select_related("tramite", "capturada_por"), filtros or FiltrosBandeja())


def tareas_de(user, rol, persona, filtros: FiltrosBandeja | None = None):
    """Solicitudes past the draft stage that still await something."""
    from tramites.models import EstadoSolicitud, Solicitud

    filtros = filtros or FiltrosBandeja()
    if rol in ROLES_STAFF:
        qs = Solicitud.objects.filter(estado=EstadoSolicitud.EN_DICTAMEN)
    elif rol in ROLES_SOLICITANTE and persona is not None:
        qs = Solicitud.objects.filter(
            solicitante=persona, estado__in=[EstadoSolicitud.FIRMADA, EstadoSolicitud.EN_DICTAMEN]
        )
    else:
        return Solicitud.objects.none()
    return _filtrar(qs.select_related("tramite", "solicitante"), filtros)


def notificaciones_no_leidas(persona):
    from tramites.models import Notificacion

    if persona is None:
        return Notificacion.objects.none()
    return Notificacion.objects.filter(persona=persona, leida=False).order_by("-creada")


def notificaciones_de(persona):
    """Every notification of the acting persona (none without one): the scope of the
    "marcar como leída" actions, so nobody marks another persona's notices."""
    from tramites.models import Notificacion

    if persona is None:
        return Notificacion.objects.none()
    return Notificacion.objects.filter(persona=persona)


def marcar_leida(persona, pk: int):
    """Mark one of ``persona``'s notifications as read (idempotent). Raises
    ``Notificacion.DoesNotExist`` when ``pk`` is not one of hers."""
    notificacion = notificaciones_de(persona).get(pk=pk)
    if not notificacion.leida:
        notificacion.leida = True
        notificacion.save(update_fields=["leida"])
    return notificacion


def marcar_leidas(persona, pks) -> int:
    """Mark as read the notifications ``pks`` of ``persona`` (the ones the bandeja showed;
    notices that arrived later stay unread). Ids of other personas are ignored. Returns how
    many changed."""
    ids = {int(pk) for pk in map(str, pks) if RE_ID.fullmatch(pk)}
    if not ids:
        return 0
    return notificaciones_de(persona).filter(pk__in=ids, leida=False).update(leida=True)


def dias_habiles_transcurridos(solicitudes, hoy: dt.date | None = None) -> dict[int, int]:
    """Business days from each solicitud's start to today, with one calendar load."""
    solicitudes = list(solicitudes)
    if not solicitudes:
        return {}
    hoy = hoy or timezone.localdate()
    from tramites.calendario import Calendario

    inicio = min(timezone.localtime(s.creada).date() for s in solicitudes)
    cal = Calendario("SE", desde=inicio, hasta=hoy)
    return {s.pk: cal.dias_habiles_entre(s.creada, hoy) for s in solicitudes}


def filas(solicitudes, *, url_de) -> list[FilaBandeja]:
    solicitudes = list(solicitudes)
    dias = dias_habiles_transcurridos(solicitudes)
    return [
        FilaBandeja(s, dias.get(s.pk, 0), s.estado == "borrador", url_de(s)) for s in solicitudes
    ]
