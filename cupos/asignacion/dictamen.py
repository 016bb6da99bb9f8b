"""Dictamen of a solicitud de asignación de cupo (SE-03-011-1; VUCEM 120401/120402).

The back-office (``cupos.asignacion.views``) lists the solicitudes en dictamen with their
plazo (:func:`plazo_de`) and resolves them: :func:`aprobar` (Asignacion + ledger + oficio +
notification) and :func:`rechazar` (resolución + notification), both idempotent under a row
lock. The proposal comes from the mechanism's strategy (:mod:`cupos.asignacion.registro`).

All amounts are ``Decimal`` in the cupo's unidad (kilograms for the seeds' cupos).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from acuses.models import Documento
from acuses.services import emitir_sellado
from cupos import saldos, ventanas
from cupos.asignacion.mecanismo import CERO, Propuesta
from cupos.asignacion.registro import guardar_propuesta, propuesta_de
from cupos.asignacion.saldo import saldo_subcupo
from cupos.models import Asignacion, SolicitudAsignacion, Subcupo
from cupos.montos import formato_monto
from tramites import calendario
from tramites import services as tramites_services
from tramites.calendario import Calendario
from tramites.models import EstadoSolicitud, Solicitud
from tramites.reglas import TramiteError

E = EstadoSolicitud
#: Plazo de resolución (seed 004): seven business days from the business day after reception.
PLAZO_RESOLUCION_DIAS_HABILES = 7
PLANTILLA_PDF = "cupos/pdf/cupo.html"


@dataclass(frozen=True)
class Plazo:
    recepcion: dt.date
    transcurridos: int
    vencimiento: dt.date
    plazo: int

    @property
    def vencido(self) -> bool:
        return self.transcurridos > self.plazo


def plazo_de(solicitud: Solicitud, hoy: dt.date | None = None, calendario=None) -> Plazo:
    """Días hábiles transcurridos since reception vs the 7-business-day plazo (seed 004)."""
    cal = calendario or Calendario()
    n = solicitud.tramite.plazo_resolucion_dias_habiles or PLAZO_RESOLUCION_DIAS_HABILES
    recepcion = timezone.localtime(solicitud.firmada_en).date()
    hoy = hoy or timezone.localdate()
    return Plazo(
        recepcion=recepcion,
        transcurridos=cal.dias_habiles_entre(recepcion, hoy),
        vencimiento=cal.vencimiento_plazo(recepcion, n),
        plazo=n,
    )


def pendientes_de_dictamen():
    """SolicitudAsignacion rows en dictamen, FCFS order (reception, then folio)."""
    return (
        SolicitudAsignacion.objects.filter(solicitud__estado=E.EN_DICTAMEN)
        .select_related("solicitud__solicitante", "solicitud__tramite", "subcupo__cupo")
        .order_by("solicitud__firmada_en", "solicitud__folio")
    )


def monto_maximo(sa: SolicitudAsignacion, propuesta: Propuesta) -> Decimal:
    """What may be approved: never above solicitado, the mechanism's legal limit, the saldo."""
    saldo = saldo_subcupo(
        sa.subcupo, industrial=sa.es_industrial if sa.subcupo.es_residual else None
    )
    return max(min(sa.monto_solicitado, propuesta.limite_legal, saldo), CERO)


@dataclass
class ResultadoDictamen:
    solicitud: Solicitud
    asignacion: Asignacion | None = None
    documento: object | None = None
    ya_resuelta: bool = False


def _bloquear(solicitud_id: int) -> Solicitud:
    return (
        Solicitud.objects.select_for_update()
        .select_related("solicitante", "tramite__instrumento__dependencia")
        .get(pk=solicitud_id)
    )


def _numero_oficio(anio: int) -> str:
    while True:
        numero = f"{tramites_services.siguiente_valor(f'oficio_asignacion:{anio}'):06d}"
        if not Asignacion.objects.filter(anio=anio, numero_oficio=numero).exists():
            return numero


def _descripcion_cupo(cupo) -> dict:
    return {
        "descripcion": cupo.nombre,
        "regimen": cupo.get_regimen_display(),
        "producto": cupo.producto,
        "subproducto": cupo.subproducto,
        "fracciones": list(cupo.fracciones_arancelarias or []),
        "tratado": cupo.tratado,
        "unidad": cupo.get_unidad_display(),
        "mecanismo": cupo.get_mecanismo_display(),
        "periodo": str(cupo.anio),
    }


def aprobar(solicitud: Solicitud, *, usuario, monto, justificacion: str = "") -> ResultadoDictamen:
    """Approve a solicitud en dictamen: Asignacion (oficio número + año, vigencia to 31 Dec of
    the cupo year), the opening ledger movement, solicitud → resuelta (audited), the oficio de
    asignación and the notification — one transaction with the solicitud row locked.

    Idempotent: on an already resolved solicitud it returns ``ya_resuelta=True`` and changes
    nothing. Raises :class:`TramiteError` with a Spanish message when a rule is not met."""
    justificacion = (justificacion or "").strip()
    with transaction.atomic():
        s = _bloquear(solicitud.pk)
        if s.estado == E.RESUELTA:
            return ResultadoDictamen(
                solicitud=s,
                asignacion=Asignacion.objects.filter(solicitud=s).first(),
                ya_resuelta=True,
            )
        if s.estado != E.EN_DICTAMEN:
            raise TramiteError("La solicitud no está en dictamen.", "no_en_dictamen")
        sa = SolicitudAsignacion.objects.select_related("subcupo__cupo").get(solicitud=s)
        # Serialize approvals against the same subcupo (saldo read-then-write).
        subcupo = Subcupo.objects.select_for_update().select_related("cupo").get(pk=sa.subcupo_id)
        sa.subcupo = subcupo
        cupo = subcupo.cupo
        try:
            monto = Decimal(str(monto).replace(",", "").strip())
        except (InvalidOperation, ValueError):
            raise TramiteError(
                "El monto a asignar no es un número válido.", "monto_invalido"
            ) from None
        if not monto.is_finite() or monto <= 0:
            raise TramiteError("El monto a asignar debe ser mayor que cero.", "monto_invalido")
        if monto != monto.quantize(Decimal(1).scaleb(-cupo.decimales)):
            raise TramiteError(
                f"El monto admite como máximo {cupo.decimales} decimales.", "monto_decimales"
            )
        propuesta = propuesta_de(sa)
        u = cupo.get_unidad_display()
        maximo = monto_maximo(sa, propuesta)
        if monto > maximo:
            raise TramiteError(
                f"El monto a asignar ({formato_monto(monto, u)}) excede el máximo permitido "
                f"({formato_monto(maximo, u)}: lo menor entre lo solicitado, el límite del mecanismo y el "
                "saldo del subcupo).",
                "monto_excede",
            )
        if monto < propuesta.monto and not justificacion:
            raise TramiteError(
                f"Para asignar un monto menor a la propuesta ({formato_monto(propuesta.monto, u)}) "
                "capture la justificación.",
                "falta_justificacion",
            )
        hoy = ventanas.hoy()
        fin = calendario.fin_de_anio(cupo.anio)
        if hoy > fin:
            raise TramiteError(
                f"El periodo del cupo {cupo.anio} terminó; no puede asignarse.", "cupo_vencido"
            )
        anio = hoy.year
        numero = _numero_oficio(anio)
        asignacion = Asignacion.objects.create(
            subcupo=subcupo,
            beneficiario=s.solicitante,
            solicitud=s,
            anio=anio,
            numero_oficio=numero,
            monto_asignado=monto,
            vigencia_inicio=hoy,
            vigencia_fin=fin,
            dictaminador=usuario,
        )
        tramites_services.registrar_auditoria(
            asignacion,
            anterior="",
            nuevo=Asignacion.Estado.VIGENTE,
            usuario=usuario,
            motivo=f"Oficio {numero}/{anio} por {formato_monto(monto, u)} (solicitud {s.folio})",
        )
        saldos.registrar_asignacion(asignacion, usuario=usuario, solicitud=s)
        guardar_propuesta(sa, propuesta)
        parcial = monto < sa.monto_solicitado
        s.resultado = (
            Solicitud.Resultado.APROBADA_PARCIAL if parcial else Solicitud.Resultado.APROBADA
        )
        s.resuelta_en = timezone.now()
        s.resuelta_por = usuario
        s.justificacion = justificacion
        motivo = f"Aprobada: oficio {numero}/{anio} por {formato_monto(monto, u)}"
        if justificacion:
            motivo += f". Justificación: {justificacion}"
        tramites_services.cambiar_estado(
            s,
            E.RESUELTA,
            usuario=usuario,
            motivo=motivo,
            campos=["resultado", "resuelta_en", "resuelta_por", "justificacion"],
        )
        p = s.solicitante
        campos = [
            ("tipo", "oficio de asignación"),
            ("numero_oficio", numero),
            ("anio", anio),
            ("folio_solicitud", s.folio),
            ("rfc", p.rfc),
            ("nombre", p.nombre),
            ("cupo", cupo.clave),
            ("subcupo", subcupo.clave),
            ("monto", monto),
            ("unidad", cupo.unidad),
            ("vigencia_inicio", hoy.isoformat()),
            ("vigencia_fin", fin.isoformat()),
            ("fecha", timezone.localtime(s.resuelta_en).strftime("%Y-%m-%dT%H:%M:%S%z")),
        ]
        texto = (
            f"Con fundamento en el Acuerdo aplicable y en atención a su solicitud con folio "
            f"{s.folio}, se le asigna el monto de {formato_monto(monto, u)} del cupo «{cupo.nombre}», "
            f"subcupo {subcupo.clave}, con vigencia del {hoy:%d/%m/%Y} al {fin:%d/%m/%Y}. Para "
            f"solicitar certificados de cupo indique el año {anio} y el número de oficio {numero}."
        )
        if parcial and justificacion:
            texto += f"\n\nSe asigna un monto menor al solicitado: {justificacion}"
        documento = emitir_sellado(
            solicitud=s,
            tipo=Documento.Tipo.OFICIO,
            titulo=f"Oficio de asignación {numero}/{anio}",
            plantilla=PLANTILLA_PDF,
            encabezado="OFICIO DE ASIGNACIÓN DE CUPO",
            campos_cadena=campos,
            contexto={
                "cupo": _descripcion_cupo(cupo),
                "beneficiario": {"nombre": p.nombre, "rfc": p.rfc, "domicilio": p.domicilio_fiscal},
                "monto": str(monto),
                "unidad": u,
                "vigencia_desde": hoy.isoformat(),
                "vigencia_hasta": fin.isoformat(),
                "numero_oficio": f"{numero}/{anio}",
                # The oficio is sealed by the Ventanilla only: no signer's certificate.
                "numero_certificado": "",
                "fundamento": cupo.fundamento,
                "texto": texto,
                "lineas": [
                    {"etiqueta": "Número de oficio", "valor": numero},
                    {"etiqueta": "Año", "valor": str(anio)},
                    {"etiqueta": "Subcupo", "valor": f"{subcupo.clave} — {subcupo.beneficiario}"},
                    {
                        "etiqueta": "Monto solicitado",
                        "valor": formato_monto(sa.monto_solicitado, u),
                    },
                    {"etiqueta": "Monto asignado", "valor": formato_monto(monto, u)},
                ],
            },
        )
        tramites_services.notificar(
            persona=p,
            solicitud=s,
            asunto=f"Oficio de asignación {numero}/{anio} · folio {s.folio}",
            cuerpo=(
                f"Su solicitud de asignación de cupo con folio {s.folio} fue aprobada"
                f"{' parcialmente' if parcial else ''}: se le asignaron {formato_monto(monto, u)} del cupo "
                f"«{cupo.nombre}» (subcupo {subcupo.clave}), vigentes del {hoy:%d/%m/%Y} al "
                f"{fin:%d/%m/%Y}.\n\nNúmero de oficio: {numero}\nAño: {anio}\n\nCon el año y el "
                "número de oficio puede solicitar la expedición de certificados de cupo. El "
                "oficio está disponible en «Acuses y resoluciones»."
            ),
        )
    return ResultadoDictamen(solicitud=s, asignacion=asignacion, documento=documento)


def rechazar(solicitud: Solicitud, *, usuario, motivo: str) -> ResultadoDictamen:
    """Reject a solicitud en dictamen (motivo required): resuelta/rechazada (audited), a
    resolución document and the notification. Idempotent like :func:`aprobar`."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise TramiteError("Capture el motivo del rechazo.", "falta_motivo")
    with transaction.atomic():
        s = _bloquear(solicitud.pk)
        if s.estado == E.RESUELTA:
            return ResultadoDictamen(solicitud=s, ya_resuelta=True)
        if s.estado != E.EN_DICTAMEN:
            raise TramiteError("La solicitud no está en dictamen.", "no_en_dictamen")
        sa = SolicitudAsignacion.objects.select_related("subcupo__cupo").get(solicitud=s)
        s.resultado = Solicitud.Resultado.RECHAZADA
        s.resuelta_en = timezone.now()
        s.resuelta_por = usuario
        s.justificacion = motivo
        tramites_services.cambiar_estado(
            s,
            E.RESUELTA,
            usuario=usuario,
            motivo=f"Rechazada: {motivo}",
            campos=["resultado", "resuelta_en", "resuelta_por", "justificacion"],
        )
        cupo = sa.subcupo.cupo
        campos = [
            ("tipo", "resolución"),
            ("resultado", "rechazada"),
            ("folio_solicitud", s.folio),
            ("rfc", s.solicitante.rfc),
            ("cupo", cupo.clave),
            ("subcupo", sa.subcupo.clave),
            ("motivo", motivo),
            ("fecha", timezone.localtime(s.resuelta_en).strftime("%Y-%m-%dT%H:%M:%S%z")),
        ]
        documento = emitir_sellado(
            solicitud=s,
            tipo=Documento.Tipo.RESOLUCION,
            titulo="Resolución de la solicitud de asignación de cupo",
            campos_cadena=campos,
            contexto={
                "resultado": "Rechazada",
                "numero_certificado": "",
                "texto": (
                    f"Su solicitud de asignación del cupo «{cupo.nombre}» (subcupo "
                    f"{sa.subcupo.clave}) con folio {s.folio} fue rechazada.\n\nMotivo: {motivo}"
                ),
                "fundamento": cupo.fundamento,
            },
        )
        tramites_services.notificar(
            persona=s.solicitante,
            solicitud=s,
            asunto=f"Resolución de su solicitud de asignación de cupo {s.folio}",
            cuerpo=(
                f"Su solicitud de asignación del cupo «{cupo.nombre}» con folio {s.folio} fue "
                f"rechazada.\n\nMotivo: {motivo}\n\nLa resolución está disponible en «Acuses y "
                "resoluciones»."
            ),
        )
    return ResultadoDictamen(solicitud=s, documento=documento)
