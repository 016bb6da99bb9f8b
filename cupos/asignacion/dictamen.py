"""Dictamen of a solicitud de asignación de cupo (SE-03-011-1; VUCEM 120401/120402).

The back-office (``cupos.asignacion.views``) lists the solicitudes en dictamen with their
plazo (:func:`plazo_de`) and resolves them: :func:`aprobar` (Asignacion + ledger + oficio +
notification) and :func:`rechazar` (resolución + notification), both through the shared
:func:`tramites.resolucion.resolver` (lock, idempotency, state check, audit, notice). The proposal comes from the mechanism's strategy (:mod:`cupos.asignacion.registro`).

All amounts are ``Decimal`` in the cupo's unidad (kilograms for the seeds' cupos).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from acuses.models import Documento
from acuses.services import emitir_sellado
from cupos import saldos, ventanas
from cupos.asignacion import obligaciones
from cupos.asignacion.firmante import firmante_de
from cupos.asignacion.mecanismo import CERO, Propuesta
from cupos.asignacion.registro import guardar_propuesta, propuesta_de
from cupos.asignacion.saldo import saldo_subcupo
from cupos.documentos import PLANTILLA_PDF, contexto_cupo, unidad_impresa
from cupos.models import Asignacion, SolicitudAsignacion, Subcupo
from cupos.montos import decimales_de, formato_monto, leer_decimal
from tramites import calendario, mesa_dictamen
from tramites.models import EstadoSolicitud, Solicitud
from tramites.reglas import TramiteError
from tramites.resolucion import Resolucion, resolver
from tramites.services import registrar_auditoria

E = EstadoSolicitud
#: The plazo de resolución lives in the engine's dictamen desk (one rule for the queue, the
#: bandeja and the daily job); re-exported here for the procedure's views.
PLAZO_RESOLUCION_DIAS_HABILES = mesa_dictamen.PLAZO_RESOLUCION_DIAS_HABILES
Plazo = mesa_dictamen.Plazo
plazo_de = mesa_dictamen.plazo_de


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


def _monto_a_asignar(monto, decimales: int) -> Decimal:
    """The dictaminador's monto (a Decimal from the form, or text) checked: a number > 0
    with at most the cupo's decimals."""
    valor = monto if isinstance(monto, Decimal) else leer_decimal(monto)
    if valor is None:
        raise TramiteError("El monto a asignar no es un número válido.", "monto_invalido")
    if not valor.is_finite() or valor <= 0:
        raise TramiteError("El monto a asignar debe ser mayor que cero.", "monto_invalido")
    if decimales_de(valor) > decimales:
        raise TramiteError(f"El monto admite como máximo {decimales} decimales.", "monto_decimales")
    return valor


def _emitir_oficio(s: Solicitud, sa, asignacion: Asignacion, justificacion: str):
    """The oficio de asignación, sealed by the Ventanilla, naming the official who
    resolved it (name and cargo, also in its cadena)."""
    subcupo, cupo, p = asignacion.subcupo, asignacion.subcupo.cupo, s.solicitante
    firmante = firmante_de(asignacion.dictaminador)
    monto, numero, anio = asignacion.monto_asignado, asignacion.numero_oficio, asignacion.anio
    hoy, fin = asignacion.vigencia_inicio, asignacion.vigencia_fin
    u = cupo.get_unidad_display()
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
        ("vigencia_inicio", hoy),  # dates read DD/MM/YYYY in the cadena (firma.cadena)
        ("vigencia_fin", fin),
        ("fecha", s.resuelta_en),
        ("funcionario", firmante["nombre"]),
        ("cargo", firmante["cargo"]),
    ]
    texto = (
        f"Con fundamento en el Acuerdo aplicable y en atención a su solicitud con folio "
        f"{s.folio}, se le asigna el monto de {formato_monto(monto, u)} del cupo «{cupo.nombre}», "
        f"subcupo {subcupo.clave}, con vigencia del {hoy:%d/%m/%Y} al {fin:%d/%m/%Y}. Para "
        f"solicitar certificados de cupo indique el año {anio} y el número de oficio {numero}."
    )
    if monto < sa.monto_solicitado and justificacion:
        texto += f"\n\nSe asigna un monto menor al solicitado: {justificacion}"
    extra = obligaciones.del_oficio(sa)
    texto += "".join(f"\n\n{p}" for p in extra.parrafos)
    return emitir_sellado(
        solicitud=s,
        tipo=Documento.Tipo.OFICIO,
        titulo=f"Oficio de asignación {numero}/{anio}",
        plantilla=PLANTILLA_PDF,
        encabezado="OFICIO DE ASIGNACIÓN DE CUPO",
        campos_cadena=campos + extra.campos,
        contexto={
            "cupo": contexto_cupo(cupo),
            "beneficiario": {"nombre": p.nombre, "rfc": p.rfc, "domicilio": p.domicilio_fiscal},
            "monto": str(monto),
            "unidad": unidad_impresa(cupo),
            "vigencia_desde": hoy.isoformat(),
            "vigencia_hasta": fin.isoformat(),
            "numero_oficio": f"{numero}/{anio}",
            # The oficio is sealed by the Ventanilla only: no signer's certificate.
            "numero_certificado": "",
            "fundamento": cupo.fundamento,
            "texto": texto,
            "firmante": firmante,
            "lineas": [
                {"etiqueta": "Número de oficio", "valor": numero},
                {"etiqueta": "Año", "valor": str(anio)},
                {"etiqueta": "Subcupo", "valor": f"{subcupo.clave} — {subcupo.beneficiario}"},
                {"etiqueta": "Monto solicitado", "valor": formato_monto(sa.monto_solicitado, u)},
                {"etiqueta": "Monto asignado", "valor": formato_monto(monto, u)},
                *extra.lineas,
            ],
        },
    )


def aprobar(solicitud: Solicitud, *, usuario, monto, justificacion: str = "") -> ResultadoDictamen:
    """Approve a solicitud en dictamen: Asignacion (oficio número + año, vigencia to 31 Dec of
    the cupo year), the opening ledger movement, the oficio de asignación; the solicitud goes
    to resuelta (audited, notified) through :func:`tramites.resolucion.resolver`.

    Idempotent: on an already resolved solicitud it returns ``ya_resuelta=True`` and changes
    nothing. Raises :class:`TramiteError` with a Spanish message when a rule is not met."""
    justificacion = (justificacion or "").strip()

    def efecto(s: Solicitud) -> Resolucion:
        sa = SolicitudAsignacion.objects.select_related("subcupo__cupo").get(solicitud=s)
        # Serialize approvals against the same subcupo (saldo read-then-write).
        subcupo = Subcupo.objects.select_for_update().select_related("cupo").get(pk=sa.subcupo_id)
        sa.subcupo = subcupo
        cupo = subcupo.cupo
        valor = _monto_a_asignar(monto, cupo.decimales)
        propuesta = propuesta_de(sa)
        u = cupo.get_unidad_display()
        maximo = monto_maximo(sa, propuesta)
        if valor > maximo:
            raise TramiteError(
                f"El monto a asignar ({formato_monto(valor, u)}) excede el máximo permitido "
                f"({formato_monto(maximo, u)}: lo menor entre lo solicitado, el límite del "
                "mecanismo y el saldo del subcupo).",
                "monto_excede",
            )
        if valor < propuesta.monto and not justificacion:
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
        numero = saldos.nuevo_numero_oficio(anio)
        asignacion = Asignacion.objects.create(
            subcupo=subcupo,
            beneficiario=s.solicitante,
            solicitud=s,
            anio=anio,
            numero_oficio=numero,
            monto_asignado=valor,
            vigencia_inicio=hoy,
            vigencia_fin=fin,
            dictaminador=usuario,
        )
        registrar_auditoria(
            asignacion,
            anterior="",
            nuevo=Asignacion.Estado.VIGENTE,
            usuario=usuario,
            motivo=f"Oficio {numero}/{anio} por {formato_monto(valor, u)} (solicitud {s.folio})",
        )
        saldos.registrar_asignacion(asignacion, usuario=usuario, solicitud=s)
        guardar_propuesta(sa, propuesta)
        documento = _emitir_oficio(s, sa, asignacion, justificacion)
        parcial = valor < sa.monto_solicitado
        motivo = f"Aprobada: oficio {numero}/{anio} por {formato_monto(valor, u)}"
        if justificacion:
            motivo += f". Justificación: {justificacion}"
        return Resolucion(
            resultado=(
                Solicitud.Resultado.APROBADA_PARCIAL if parcial else Solicitud.Resultado.APROBADA
            ),
            motivo=motivo,
            justificacion=justificacion,
            asunto=f"Oficio de asignación {numero}/{anio} · folio {s.folio}",
            cuerpo=(
                f"Su solicitud de asignación de cupo con folio {s.folio} fue aprobada"
                f"{' parcialmente' if parcial else ''}: se le asignaron {formato_monto(valor, u)} "
                f"del cupo «{cupo.nombre}» (subcupo {subcupo.clave}), vigentes del "
                f"{hoy:%d/%m/%Y} al {fin:%d/%m/%Y}.\n\nNúmero de oficio: {numero}\nAño: {anio}"
                "\n\nCon el año y el número de oficio puede solicitar la expedición de "
                "certificados de cupo. El oficio está disponible en «Acuses y resoluciones»."
            ),
            datos={"asignacion": asignacion, "documento": documento},
        )

    r = resolver(solicitud, usuario=usuario, efecto=efecto)
    if r.ya_resuelta:
        asignacion = Asignacion.objects.filter(solicitud=r.solicitud).first()
        return ResultadoDictamen(solicitud=r.solicitud, asignacion=asignacion, ya_resuelta=True)
    return ResultadoDictamen(solicitud=r.solicitud, **r.datos)


def rechazar(solicitud: Solicitud, *, usuario, motivo: str) -> ResultadoDictamen:
    """Reject a solicitud en dictamen (motivo required): a resolución document, then resuelta/
    rechazada (audited, notified) through :func:`tramites.resolucion.resolver`. Idempotent
    like :func:`aprobar`."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise TramiteError("Capture el motivo del rechazo.", "falta_motivo")

    def efecto(s: Solicitud) -> Resolucion:
        sa = SolicitudAsignacion.objects.select_related("subcupo__cupo").get(solicitud=s)
        cupo = sa.subcupo.cupo
        firmante = firmante_de(usuario)
        campos = [
            ("tipo", "resolución"),
            ("resultado", "rechazada"),
            ("folio_solicitud", s.folio),
            ("rfc", s.solicitante.rfc),
            ("cupo", cupo.clave),
            ("subcupo", sa.subcupo.clave),
            ("motivo", motivo),
            ("fecha", s.resuelta_en),  # DD/MM/YYYY HH:MM:SS (firma.cadena)
            ("funcionario", firmante["nombre"]),
            ("cargo", firmante["cargo"]),
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
                "firmante": firmante,
            },
        )
        return Resolucion(
            resultado=Solicitud.Resultado.RECHAZADA,
            motivo=f"Rechazada: {motivo}",
            justificacion=motivo,
            asunto=f"Resolución de su solicitud de asignación de cupo {s.folio}",
            cuerpo=(
                f"Su solicitud de asignación del cupo «{cupo.nombre}» con folio {s.folio} fue "
                f"rechazada.\n\nMotivo: {motivo}\n\nLa resolución está disponible en «Acuses y "
                "resoluciones»."
            ),
            datos={"documento": documento},
        )

    r = resolver(solicitud, usuario=usuario, efecto=efecto)
    return ResultadoDictamen(solicitud=r.solicitud, ya_resuelta=r.ya_resuelta, **r.datos)
