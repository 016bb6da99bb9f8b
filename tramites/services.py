"""Services of the trámite engine: drafts, state machine with audit trail, reference
numbers handed out under locks, signing, and the notification outbox.

Views call these functions; domain apps (cupos, raoce) call them too and plug their
procedure-specific rules in through their wizard (``tramites.wizard.Asistente``).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from acuses.models import Documento
from acuses.services import emitir_documento
from firma.cadena import construir_cadena, texto_campo
from firma.services import CODIGOS, sellar_ventanilla, verificar_firma_cliente
from tramites import calendario
from tramites.models import (
    Contador,
    EstadoSolicitud,
    Notificacion,
    RegistroAuditoria,
    Solicitud,
    Tramite,
)
from tramites.outbox import notificar
from tramites.registro import obtener_asistente
from tramites.reglas import TramiteError

logger = logging.getLogger(__name__)

E = EstadoSolicitud

#: Allowed transitions of a solicitud (DESIGN §3).
TRANSICIONES: dict[str, set[str]] = {
    E.BORRADOR: {E.FIRMADA, E.CANCELADA, E.EXPIRADA},
    E.FIRMADA: {E.EN_DICTAMEN, E.RESUELTA, E.CANCELADA},
    E.EN_DICTAMEN: {E.RESUELTA, E.CANCELADA},
    E.RESUELTA: set(),
    E.CANCELADA: set(),
    E.EXPIRADA: set(),
}


# --------------------------------------------------------------------------- audit


def registrar_auditoria(
    obj, *, anterior: str, nuevo: str, usuario=None, motivo: str = ""
) -> RegistroAuditoria:
    """Record one state change of any model instance (who, when, from, to, why)."""
    return RegistroAuditoria.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        usuario=usuario if (usuario is not None and usuario.is_authenticated) else None,
        estado_anterior=anterior or "",
        estado_nuevo=nuevo,
        motivo=motivo,
    )


def auditar_en_lote(modelo, cambios, *, usuario=None) -> int:
    """:func:`registrar_auditoria` for many rows of ``modelo`` at once (the set-based jobs):
    ``cambios`` is ``(pk, anterior, nuevo, motivo)``; one INSERT per batch."""
    ct = ContentType.objects.get_for_model(modelo, for_concrete_model=False)
    autor = usuario if (usuario is not None and usuario.is_authenticated) else None
    filas = [
        RegistroAuditoria(
            content_type=ct,
            object_id=str(pk),
            usuario=autor,
            estado_anterior=anterior or "",
            estado_nuevo=nuevo,
            motivo=motivo,
        )
        for pk, anterior, nuevo, motivo in cambios
    ]
    return len(RegistroAuditoria.objects.bulk_create(filas, batch_size=1000))


def historial(obj):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return RegistroAuditoria.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related(
        "usuario"
    )


def cambiar_estado(
    solicitud: Solicitud, nuevo: str, *, usuario=None, motivo: str = "", campos=()
) -> Solicitud:
    """Move a solicitud to ``nuevo`` if the state machine allows it, audited.

    ``campos`` are extra field names already set on the instance that must be saved too.
    """
    anterior = solicitud.estado
    if nuevo not in TRANSICIONES.get(anterior, set()):
        raise TramiteError(
            f"La solicitud {solicitud.referencia} no puede pasar de «{E(anterior).label}» a «{E(nuevo).label}».",
            "transicion_invalida",
        )
    solicitud.estado = nuevo
    solicitud.save(update_fields=["estado", "actualizada", *campos])
    registrar_auditoria(solicitud, anterior=anterior, nuevo=nuevo, usuario=usuario, motivo=motivo)
    return solicitud


# --------------------------------------------------------------------------- numbers


def siguiente_valor(clave: str) -> int:
    """Next value of a named counter, under a row lock (never ``max()+1``).

    Must run inside a transaction; the value is given back if the transaction rolls back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("siguiente_valor() must run inside transaction.atomic()")
    # One statement when the counter exists: the UPDATE takes the row lock until commit.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Contador._meta.db_table} SET valor = valor + 1 WHERE clave = %s "
            "RETURNING valor",
            [clave],
        )
        fila = cursor.fetchone()
    if fila is not None:
        return fila[0]
    Contador.objects.get_or_create(clave=clave)
    contador = Contador.objects.select_for_update().get(clave=clave)
    contador.valor += 1
    contador.save(update_fields=["valor"])
    return contador.valor


def nuevo_numero_temporal() -> str:
    """9-digit número temporal ("sin validez legal"), unique."""
    valor = siguiente_valor("numero_temporal")
    if valor > 899_999_999:
        raise RuntimeError("Se agotaron los números temporales")
    return f"{100_000_000 + valor:09d}"


def nuevo_folio(tramite: Tramite, momento=None) -> str:
    """25-digit folio ``DD TTTTTTTTT YYYY UUUU NNNNNN`` (DESIGN §3).

    dependencia (2) + trámite id as three 3-digit groups (9) + year (4) + unidad
    administrativa (4) + sequence per trámite, year and unit (6).
    """
    momento = timezone.localtime(momento or timezone.now())
    dependencia = tramite.instrumento.dependencia.codigo
    unidad = settings.UNIDAD_ADMINISTRATIVA
    prefijo = f"{dependencia}{tramite.codigo_folio}{momento.year:04d}{unidad}"
    secuencia = siguiente_valor(f"folio:{prefijo}")
    if secuencia > 999_999:
        raise RuntimeError(f"Se agotó la secuencia de folios {prefijo}")
    folio = f"{prefijo}{secuencia:06d}"
    assert len(folio) == 25, folio
    return folio


# --------------------------------------------------------------------------- drafts


def crear_borrador(
    *, tramite: Tramite, solicitante, usuario, datos: dict | None = None
) -> Solicitud:
    """First save of a wizard: the draft gets its número temporal and its expiry."""
    with transaction.atomic():
        ahora = timezone.now()
        solicitud = Solicitud.objects.create(
            tramite=tramite,
            solicitante=solicitante,
            capturada_por=usuario,
            numero_temporal=nuevo_numero_temporal(),
            datos=datos or {},
            creada=ahora,
            vence=calendario.sumar_dias_naturales(ahora, tramite.dias_vigencia_borrador),
        )
        registrar_auditoria(
            solicitud, anterior="", nuevo=E.BORRADOR, usuario=usuario, motivo="Captura iniciada"
        )
    return solicitud


def guardar_paso(solicitud: Solicitud, paso: str, datos: dict | None = None) -> Solicitud:
    """Persist one step's data of a draft (drafts are saved at every step); nothing is
    written when the step and its data are already saved as they are."""
    if not solicitud.es_borrador:
        raise TramiteError(
            "La solicitud ya fue firmada y no puede modificarse.", "solicitud_inmutable"
        )
    if solicitud.paso_actual == paso and (
        datos is None or (solicitud.datos or {}).get(paso) == datos
    ):
        # Saved again unchanged (e.g. «Continuar» on a step already saved): no write, and
        # ``actualizada`` keeps the time of the last real change (avisar_listo_para_firma).
        return solicitud
    campos = ["paso_actual", "actualizada"]
    solicitud.paso_actual = paso
    if datos is not None:
        solicitud.datos = {**solicitud.datos, paso: datos}
        campos.append("datos")
    solicitud.save(update_fields=campos)
    return solicitud


def descartar_borrador(
    solicitud: Solicitud, *, usuario, motivo: str = "Descartada por el usuario"
) -> Solicitud:
    with transaction.atomic():
        s = Solicitud.objects.select_for_update().get(pk=solicitud.pk)
        return cambiar_estado(s, E.CANCELADA, usuario=usuario, motivo=motivo)


def avisar_listo_para_firma(solicitud: Solicitud, *, capturista) -> bool:
    """Tell the solicitante that a capturista left its draft ready to sign (e-mail +
    bandeja), once per version of the draft (again only after it changes)."""
    ya = Notificacion.objects.filter(
        solicitud=solicitud, tipo="listo_para_firma", creada__gte=solicitud.actualizada
    ).exists()
    if ya:
        return False
    quien = capturista.get_full_name() or capturista.get_username()
    vence = f" antes del {timezone.localtime(solicitud.vence):%d/%m/%Y}" if solicitud.vence else ""
    notificar(
        persona=solicitud.solicitante,
        solicitud=solicitud,
        tipo="listo_para_firma",
        asunto=f"La solicitud {solicitud.numero_temporal} está lista para firmar",
        cuerpo=(
            f"{quien} terminó de capturar la solicitud con número temporal "
            f"{solicitud.numero_temporal} ({solicitud.tramite.nombre}). Revísela y fírmela con "
            f"la e.firma del solicitante{vence}."
        ),
    )
    return True


def expirar_si_vencido(solicitud: Solicitud, ahora=None) -> bool:
    """Expire a draft whose vigencia has passed even if the beat job has not run yet.
    Returns True when the solicitud is (now) expirada."""
    if solicitud.estado == E.EXPIRADA:
        return True
    ahora = ahora or timezone.now()
    if solicitud.estado != E.BORRADOR or solicitud.vence is None or solicitud.vence >= ahora:
        return False
    with transaction.atomic():
        s = Solicitud.objects.select_for_update().get(pk=solicitud.pk)
        if s.estado == E.BORRADOR:
            dias = s.tramite.dias_vigencia_borrador
            cambiar_estado(s, E.EXPIRADA, motivo=f"No se firmó dentro de {dias} días naturales")
    solicitud.refresh_from_db()
    return solicitud.estado == E.EXPIRADA


def mensaje_vencido(solicitud: Solicitud) -> str:
    vence = timezone.localtime(solicitud.vence)
    return (
        f"El borrador {solicitud.numero_temporal} venció el {vence:%d/%m/%Y a las %H:%M} y ya no "
        "puede modificarse ni firmarse. Inicie una nueva solicitud."
    )


# --------------------------------------------------------------------------- signing


@dataclass
class ResultadoFirma:
    solicitud: Solicitud | None = None
    errores: list[str] = field(default_factory=list)
    ya_firmada: bool = False

    @property
    def ok(self) -> bool:
        return self.solicitud is not None and not self.errores


def cadena_para_firma(solicitud: Solicitud, emitida: str) -> str:
    """The cadena original the solicitante signs in the browser: the draft's data in the
    wizard's fixed order, with the moment the Ventanilla issued it (DD/MM/YYYY HH:MM:SS, Mexico
    City).

    The folio is assigned after the signature verifies, so it is not part of the cadena; it is
    in the acuse, sealed by the Ventanilla. Recomputed at signing time: if the draft changed
    since the cadena was shown, the signature is refused."""
    asistente = obtener_asistente(solicitud.tramite)
    return construir_cadena(
        [
            ("tramite", solicitud.tramite.vucem_id),
            ("numero_temporal", solicitud.numero_temporal),
            ("rfc", solicitud.solicitante.rfc),
            ("nombre", solicitud.solicitante.nombre),
            ("fecha_emision", emitida),
            *asistente.cadena_campos(solicitud),
        ]
    )


def _motivo_firma(verificacion) -> str:
    """The audit line of the signature; says so when revocation could not be checked and the
    policy is fail-open (issue 7: fail-open is logged and audited)."""
    r = getattr(verificacion, "revocacion", None)
    if r is not None and r.estado == "no_consultado" and r.fuente:
        return f"Firmada con e.firma (revocación no verificada, fail-open: {r.motivo})"[:250]
    return "Firmada con e.firma"


def emision_cadena() -> str:
    """What identifies one issued cadena original: the moment (DD/MM/YYYY HH:MM:SS, Mexico
    City) and a random
    code, so two cadenas issued in the same second differ (each one is signed once)."""
    momento = texto_campo(timezone.now())  # DD/MM/YYYY HH:MM:SS, Mexico City
    return f"{momento} {secrets.token_hex(4).upper()}"


def bloquear_solicitud(pk: int) -> Solicitud:
    """The solicitud being signed or resolved, with its trámite, instrumento, dependencia and
    persona joined, locking only its own row and its persona's: the joined trámite row is
    shared by every solicitud of the trámite, so locking it made each signing (and
    resolution) wait for the one before it to commit (issue 8)."""
    return (
        Solicitud.objects.select_for_update(of=("self", "solicitante"))
        .select_related("tramite__instrumento__dependencia", "solicitante")
        .get(pk=pk)
    )


def firmar_solicitud(
    solicitud: Solicitud,
    *,
    certificado: bytes,
    firma: str,
    cadena: str,
    emitida: str,
    usuario,
    rfc_sesion: str | None,
) -> ResultadoFirma:
    """Register a draft signed in the browser with the solicitante's FIEL.

    Everything below runs in one transaction under the draft's row lock, after the wizard
    locked what its rules read (``Asistente.bloquear_para_firma``), so the rules run once:

    1. The wizard's rules must pass (``Asistente.validar_para_firma``).
    2. ``cadena`` (the challenge the Ventanilla issued for this draft, taken out of the session
       by the view) must still equal the draft's cadena at ``emitida``; ``firma`` must be a
       SHA256withRSA signature of exactly it by ``certificado``'s key; the certificate must
       verify (trusted, valid now, not revoked, FIEL not CSD) and belong to the solicitante
       (same RFC) and to the session's FIEL (seed 000: "la misma con que se inició el registro").
    3. Folio (its counter locked last), cadena original, sello del solicitante (the browser's
       signature), sello de la Ventanilla, state → firmada (or en dictamen), the wizard's
       effects, the acuse de recepción. PDFs render after commit.

    Double submission is idempotent: a second call on a signed solicitud returns it.
    No private key is involved: the server verifies, it never signs for the solicitante.
    """

    asistente = obtener_asistente(solicitud.tramite)
    if expirar_si_vencido(solicitud):
        return ResultadoFirma(errores=[mensaje_vencido(solicitud)])
    if solicitud.estado != E.BORRADOR:
        if solicitud.folio:
            return ResultadoFirma(solicitud=solicitud, ya_firmada=True)
        return ResultadoFirma(errores=["Esta solicitud ya no puede firmarse."])

    # CPU (and, with a responder, OCSP) outside the locks; its errors are reported after the
    # wizard's rules, as always.
    verificacion = verificar_firma_cliente(
        certificado, cadena, firma, rfc_esperado=solicitud.solicitante.rfc
    )
    try:
        with transaction.atomic():
            s = bloquear_solicitud(solicitud.pk)
            if s.estado != E.BORRADOR:  # another request signed it meanwhile
                return ResultadoFirma(solicitud=s, ya_firmada=bool(s.folio))
            # The rules run once, on the rows the wizard locked for this transaction; a
            # refusal commits what they applied (e.g. an automatic cancellation).
            asistente.bloquear_para_firma(s)
            errores = list(asistente.validar_para_firma(s))
            if errores:
                return ResultadoFirma(errores=errores)
            if not verificacion.ok:
                return ResultadoFirma(
                    errores=[e.mensaje for e in verificacion.errores]
                    or ["La e.firma no es válida."]
                )
            if cadena != cadena_para_firma(s, emitida):
                return ResultadoFirma(errores=[CODIGOS["datos_cambiaron"]])
            if rfc_sesion and verificacion.certificado.rfc != rfc_sesion:
                return ResultadoFirma(
                    errores=["Debe firmar con la misma e.firma (FIEL) con la que inició la sesión."]
                )
            ahora = timezone.now()
            s.firmada_en = ahora
            s.firmada_por = usuario
            s.cadena_original = cadena
            s.sello_solicitante = "".join(firma.split())
            s.sello_ventanilla = sellar_ventanilla(cadena)
            s.certificado_firmante = verificacion.certificado.pem
            s.numero_certificado = verificacion.certificado.numero_certificado
            # The folio's counter row is the one lock every signing of the trámite shares:
            # taken last, after the CPU work, so it is held only for the writes.
            s.folio = nuevo_folio(s.tramite, ahora)
            nuevo = E.FIRMADA
            cambiar_estado(
                s,
                nuevo,
                usuario=usuario,
                motivo=_motivo_firma(verificacion),
                campos=[
                    "folio",
                    "firmada_en",
                    "firmada_por",
                    "cadena_original",
                    "sello_solicitante",
                    "sello_ventanilla",
                    "certificado_firmante",
                    "numero_certificado",
                ],
            )
            if s.tramite.requiere_dictamen:
                cambiar_estado(s, E.EN_DICTAMEN, usuario=usuario, motivo="Turnada a dictamen")
            resultado = asistente.al_firmar(s, usuario=usuario)
            emitir_acuse_recepcion(s, lineas=asistente.lineas_acuse(s, resultado))
            notificar(
                persona=s.solicitante,
                solicitud=s,
                asunto=f"Acuse de recepción del trámite {s.folio}",
                cuerpo=(
                    f"Su solicitud de «{s.tramite.nombre}» fue recibida con el folio {s.folio} el "
                    f"{timezone.localtime(ahora):%d/%m/%Y a las %H:%M} (hora del centro de México). "
                    "Puede descargar el acuse en «Acuses y resoluciones»."
                ),
            )
    except TramiteError as exc:
        # A rule of the procedure failed inside the transaction (e.g. the saldo was taken
        # by a concurrent signing): everything rolled back; tell the user.
        return ResultadoFirma(errores=[exc.mensaje])
    return ResultadoFirma(solicitud=s)


def emitir_acuse_recepcion(solicitud: Solicitud, lineas=()):
    t = solicitud.tramite
    p = solicitud.solicitante
    return emitir_documento(
        solicitud=solicitud,
        tipo=Documento.Tipo.ACUSE,
        titulo="Acuse de recepción de trámite",
        folio=solicitud.folio,
        cadena_original=solicitud.cadena_original,
        sello_solicitante=solicitud.sello_solicitante,
        sello_ventanilla=solicitud.sello_ventanilla,
        contexto={
            "dependencia": t.instrumento.dependencia.nombre,
            "tramite": {"vucem_id": t.vucem_id, "nombre": t.nombre, "homoclave": t.homoclave},
            "solicitante": {"nombre": p.nombre, "rfc": p.rfc},
            "folio": solicitud.folio,
            "numero_temporal": solicitud.numero_temporal,
            "fecha_recepcion": solicitud.firmada_en.isoformat(),
            "numero_certificado": solicitud.numero_certificado,
            "lineas": list(lineas),
        },
    )
