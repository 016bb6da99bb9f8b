"""Rules of the portal shell: who may act in which role, FIEL login, capturistas and the
bandeja. Views call these; nothing here renders HTML."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from firma import retos
from firma.forms import limite_archivo_fiel  # noqa: F401  (used by vucem views)
from firma.services import FielError, verificar_firma_cliente
from vucem.acceso import personas_representadas
from vucem.middleware import SESSION_PERSONA, SESSION_RFC_FIEL, SESSION_ROL
from vucem.models import ROLES_SOLICITANTE, Capturista, Persona, Rol
from vucem.signals import capturista_revocado, ingreso_fiel_rechazado

log = logging.getLogger(__name__)

RETO_INGRESO = "ingreso"
ROLES_STAFF = {Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL}
#: A row id posted by a form: ASCII digits only, at most 18 (fits a bigint).
RE_ID = re.compile(r"[0-9]{1,18}", re.ASCII)
#: The shape of an RFC (12 characters persona moral, 13 física), check digit not verified:
#: FIEL users are named by their RFC, so no password account may take a name of this shape.
RE_FORMA_RFC = re.compile(r"[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}", re.IGNORECASE)


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


def tiene_forma_de_rfc(username: str) -> bool:
    """Whether ``username`` (after the NFKC normalization Django applies to usernames) looks
    like an RFC, i.e. could one day be the username of a FIEL user."""
    normalizado = unicodedata.normalize("NFKC", username or "").strip()
    return bool(RE_FORMA_RFC.fullmatch(normalizado))


class CuentaOcupada(Exception):
    """The RFC of a certificate is already the username of an account that is not bound to
    that RFC's persona (created by someone else): the FIEL is never bound to it."""

    def __init__(self, rfc: str, usuario):
        super().__init__(rfc)
        self.rfc = rfc
        self.usuario = usuario

    @property
    def mensaje(self) -> str:
        return (
            f"El RFC {self.rfc} ya es el nombre de usuario de otra cuenta de la Ventanilla, que no "
            "se creó con su e.firma. Por seguridad, su e.firma no se vinculó a esa cuenta y no "
            "puede ingresar todavía. Comuníquese con la mesa de ayuda de la Secretaría de "
            "Economía para aclararlo."
        )


def limpio(valor, largo: int) -> str:
    """A certificate field as stored text: no NUL or other control characters (PostgreSQL
    refuses NUL in text), trimmed to the column's length."""
    texto = "".join(c for c in str(valor or "") if c.isprintable())
    return texto.strip()[:largo]


@transaction.atomic
def persona_y_usuario_desde_certificado(certificado):
    """Find or create the Persona of the certificate and its FIEL user (username = RFC,
    unusable password, group solicitante física/moral).

    The FIEL user is only ever the one bound to the persona. An account that merely has the
    RFC as its username (e.g. a password account someone registered) is never bound: raises
    ``CuentaOcupada`` (and nothing is written; the caller records the refusal)."""
    rfc = limpio(certificado.rfc, 13).upper()
    tipo = Persona.Tipo.MORAL if certificado.persona == "moral" else Persona.Tipo.FISICA
    persona = Persona.objects.select_for_update().filter(rfc=rfc).first()
    if persona is None:
        persona = Persona.objects.create(
            rfc=rfc,
            tipo=tipo,
            nombre=limpio(certificado.nombre, 254) or rfc,
            curp=limpio(getattr(certificado, "curp", ""), 18),
            rfc_representante=limpio(getattr(certificado, "rfc_representante", ""), 13),
            curp_representante=limpio(getattr(certificado, "curp_representante", ""), 18),
        )
    else:
        # The certificate is the source of truth for the representante (it may change).
        cambios = {}
        for campo, largo in (("rfc_representante", 13), ("curp_representante", 18)):
            valor = limpio(getattr(certificado, campo, ""), largo)
            if valor and getattr(persona, campo) != valor:
                cambios[campo] = valor
        if cambios:
            Persona.objects.filter(pk=persona.pk).update(**cambios)
    User = get_user_model()
    user = User.objects.filter(persona=persona).first()
    if user is None:
        ocupado = User.objects.filter(username__iexact=rfc).first()
        if ocupado is not None:
            raise CuentaOcupada(rfc, ocupado)
        user = User(username=rfc, persona=persona, first_name=persona.nombre[:150])
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get_or_create(name=str(persona.rol_solicitante))[0])
    return persona, user


def registrar_cuenta_ocupada(error: CuentaOcupada, *, ip: str = "") -> None:
    """Audit the refused first FIEL login of an RFC whose username is taken (on the
    account that holds the name)."""
    log.warning(
        "Ingreso con e.firma rechazado: el RFC %s es el usuario %s (pk %s), no vinculado a esa "
        "persona",
        error.rfc,
        error.usuario.username,
        error.usuario.pk,
    )
    # The audit trail lives in tramites (a layer above): it records this through the signal.
    ingreso_fiel_rechazado.send(
        sender=type(error.usuario), usuario=error.usuario, rfc=error.rfc, ip=ip
    )


def validar_usuario_nuevo(username: str) -> None:
    """Rule for the username of a password account registered in the portal (capturista
    privado): never RFC-shaped (that namespace belongs to FIEL users) and not taken."""
    if tiene_forma_de_rfc(username):
        raise ValidationError(
            "El nombre de usuario no puede tener la forma de un RFC: ese nombre queda reservado "
            "para el ingreso con e.firma de su titular. Elija otro (por ejemplo, "
            "nombre.apellido).",
            code="usuario_rfc",
        )
    User = get_user_model()
    normalizado = User.normalize_username(username)
    if User.objects.filter(username__iexact=normalizado).exists():
        raise ValidationError("Ese nombre de usuario ya está en uso; elija otro.", code="ocupado")


# -- capturistas --------------------------------------------------------------------------


@transaction.atomic
def registrar_capturista(
    solicitante: Persona, *, username: str, password: str, nombre: str, correo: str
):
    """Create the capturista privado's account and register it for ``solicitante``."""
    validar_usuario_nuevo(username)
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
    # The audit trail lives in tramites (a layer above): it records this through the signal.
    capturista_revocado.send(sender=Capturista, capturista=capturista, por=por)
    return capturista
