"""Expedición de certificados de cupo por asignación directa (seed 000; 120201/120202).

Services used by the wizard (``cupos.expedicion.asistente``) and by signing:

- :func:`buscar_asignacion` — the solicitante's own asignación by año + número de oficio;
  anything else (another RFC, another year, unknown) is the same "No se encontró".
- :func:`seleccionar_asignacion`, :func:`agregar_linea`, :func:`quitar_linea` — the draft's
  data, saved at every action (``LineaExpedicion`` rows).
- :func:`errores_para_firma` — pre-check shown before signing (no lock).
- :func:`emitir_certificados` — called by ``Asistente.al_firmar`` inside the signing
  transaction: locks the asignación, recomputes the saldo from the ledger and issues one
  ``CertificadoCupo`` (+ ledger movement, audit record and Documento) per line, or raises
  ``TramiteError`` so the whole signing rolls back.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from acuses.models import Documento
from acuses.services import emitir_sellado
from cupos import saldos
from cupos.documentos import PLANTILLA_PDF, contexto_cupo, unidad_impresa
from cupos.expedicion import reglas
from cupos.expedicion import titular as a_nombre
from cupos.models import Asignacion, CertificadoCupo, LineaExpedicion
from cupos.montos import formato_monto, leer_id, leer_monto
from tramites import calendario
from tramites.reglas import ReglaError
from tramites.services import guardar_paso, registrar_auditoria

PASO = "expedicion"


def hoy() -> dt.date:
    return timezone.localdate()


# ------------------------------------------------------------------------------ lookups


def buscar_asignacion(persona, anio, numero_oficio) -> Asignacion:
    """The persona's asignación by año + número de oficio.

    Never reveals another beneficiary's oficio: not found, another RFC and another year
    all answer the same message. An expired or cancelled one answers "ya no está vigente".
    """
    numero = str(numero_oficio or "").strip()
    try:
        anio = int(anio)
    except (TypeError, ValueError):
        anio = None
    asignacion = None
    if anio and numero:
        candidatos = Asignacion.objects.select_related("subcupo__cupo", "beneficiario").filter(
            beneficiario=persona, anio=anio
        )
        asignacion = candidatos.filter(numero_oficio=numero).first()
        if asignacion is None and numero.isdigit():  # "1" finds oficio "000001"
            asignacion = next(
                (
                    a
                    for a in candidatos.filter(numero_oficio__endswith=numero.lstrip("0") or "0")
                    if a.numero_oficio.isdigit() and int(a.numero_oficio) == int(numero)
                ),
                None,
            )
    if asignacion is None:
        raise ReglaError(
            "No se encontró la asignación con el año y número de oficio indicados "
            "para este solicitante.",
            "EXP008",
            "numero_oficio",
        )
    validar_vigente(asignacion)
    return asignacion


def validar_vigente(asignacion: Asignacion) -> None:
    reglas.EXP005().validar(asignacion, hoy=hoy())


def asignacion_de(solicitud) -> Asignacion | None:
    """The asignación chosen in the draft (after *Buscar*), scoped to its solicitante."""
    datos = (solicitud.datos or {}).get(PASO) or {}
    pk = datos.get("asignacion_id")
    if not pk:
        return None
    return (
        Asignacion.objects.select_related("subcupo__cupo", "beneficiario")
        .filter(pk=pk, beneficiario_id=solicitud.solicitante_id)
        .first()
    )


def lineas_de(solicitud) -> list[LineaExpedicion]:
    return list(solicitud.lineas_expedicion.all())


def total_lineas(lineas) -> Decimal:
    return sum((linea.monto for linea in lineas), Decimal("0"))


def resumen_saldo(asignacion: Asignacion, lineas) -> dict:
    """What the page shows: aprobado, expedido, disponible, total a expedir and the saldo
    disponible after the lines (= disponible − total a expedir)."""
    t = saldos.totales(asignacion)
    total = total_lineas(lineas)
    return {**t, "total_a_expedir": total, "saldo_despues": t["disponible"] - total}


# ------------------------------------------------------------------------------ draft


def parsear_monto(texto, unidad: str) -> Decimal:
    """User input → Decimal > 0 with the unit's decimals, or ReglaError."""
    return leer_monto(
        texto,
        unidad,
        numero=reglas.EXP001,
        positivo=reglas.EXP002,
        decimales=reglas.EXP003,
        vacio="Capture el monto a expedir.",
        grande="El monto a expedir es demasiado grande.",
    )


def seleccionar_asignacion(solicitud, asignacion: Asignacion) -> None:
    """*Buscar* found ``asignacion``: remember it in the draft. Lines of a different
    asignación are dropped (they belonged to the previous search)."""
    with transaction.atomic():
        solicitud.lineas_expedicion.exclude(asignacion=asignacion).delete()
        datos = {
            "anio": asignacion.anio,
            "numero_oficio": asignacion.numero_oficio,
            "asignacion_id": asignacion.pk,
            "cupo": asignacion.cupo.clave,
            "listo": False,
        }
        conservado = a_nombre.conservar_al_cambiar(solicitud, asignacion.cupo)
        if conservado:
            datos["titular"] = conservado
        guardar_paso(solicitud, PASO, datos)


def agregar_linea(solicitud, texto_monto) -> LineaExpedicion:
    """*Agregar*: one more monto a expedir (one certificate), checked against the saldo."""
    asignacion = asignacion_de(solicitud)
    if asignacion is None:
        raise ReglaError(
            "Primero busque la asignación con el año y número de oficio.", "sin_asignacion"
        )
    validar_vigente(asignacion)
    monto = parsear_monto(texto_monto, asignacion.cupo.unidad)
    with transaction.atomic():
        lineas = list(solicitud.lineas_expedicion.select_for_update())
        reglas.EXP007().validar(len(lineas) + 1)
        reglas.EXP004().validar(
            total_lineas(lineas) + monto,
            disponible=saldos.disponible(asignacion),
            unidad=asignacion.cupo.unidad,
        )
        orden = max((linea.orden for linea in lineas), default=0) + 1
        linea = LineaExpedicion.objects.create(
            solicitud=solicitud, asignacion=asignacion, monto=monto, orden=orden
        )
        _marcar_pendiente(solicitud)
    return linea


def quitar_linea(solicitud, linea_id) -> bool:
    """*Quitar*: drop one line of the draft. ``linea_id`` comes from the button's
    ``accion=quitar-<id>``; anything but ASCII digits, or an id that is not (or no longer) a
    line of the draft, is refused with a message and nothing changes."""
    pk = leer_id(linea_id)
    if pk is None:
        raise ReglaError("No se encontró el monto a quitar.", "linea_invalida")
    with transaction.atomic():
        borradas, _ = LineaExpedicion.objects.filter(solicitud=solicitud, pk=pk).delete()
        if not borradas:
            raise ReglaError("No se encontró el monto a quitar.", "linea_invalida")
        _marcar_pendiente(solicitud)
    return True


def _marcar_pendiente(solicitud) -> None:
    datos = dict((solicitud.datos or {}).get(PASO) or {})
    if datos.get("listo"):
        datos["listo"] = False
        guardar_paso(solicitud, PASO, datos)


def confirmar(solicitud) -> None:
    """*Continuar*: the step is complete when it has an asignación, at least one line and,
    for a comercializadora, its joint letter. The failing rule keeps its ``campo`` (inline
    error on that field)."""
    validar_para_firma(solicitud)
    datos = dict((solicitud.datos or {}).get(PASO) or {})
    datos["listo"] = True
    guardar_paso(solicitud, PASO, datos)


def validar_para_firma(solicitud) -> None:
    """Every rule of the draft (no lock), raising the first failing ReglaError."""
    asignacion = asignacion_de(solicitud)
    if asignacion is None:
        raise ReglaError(
            "Busque la asignación con el año y número de oficio de asignación.",
            "incompleta",
            "numero_oficio",
        )
    lineas = lineas_de(solicitud)
    reglas.EXP005().validar(asignacion, hoy=hoy())
    reglas.EXP006().validar(lineas)
    reglas.EXP004().validar(
        total_lineas(lineas),
        disponible=saldos.disponible(asignacion),
        unidad=asignacion.cupo.unidad,
    )
    a_nombre.validar(solicitud, asignacion.cupo)


def errores_para_firma(solicitud) -> list[str]:
    """Pre-check (no lock) shown before signing; ``emitir_certificados`` re-checks locked."""
    try:
        validar_para_firma(solicitud)
    except ReglaError as exc:
        return [exc.mensaje]
    return []


# ------------------------------------------------------------------------------ issuing


def vigencia_certificado(asignacion: Asignacion, desde: dt.date) -> dt.date:
    """Certificates are valid until 31 December at most, and never beyond the asignación."""
    return min(asignacion.vigencia_fin, calendario.fin_de_anio(desde.year))


def campos_certificado(certificado: CertificadoCupo) -> list[tuple[str, object]]:
    """Cadena the Ventanilla seals for one certificate, fixed order:
    folio del certificado, folio de la solicitud, RFC del titular, monto, unidad, vigencia
    desde, vigencia hasta, cupo clave, fracciones, oficio de asignación (número/año)."""
    a = certificado.asignacion
    cupo = a.cupo
    return [
        ("folio_certificado", certificado.folio),
        ("folio_solicitud", certificado.solicitud.folio),
        ("rfc", certificado.titular.rfc),
        ("monto", f"{certificado.monto_expedido:.3f}"),
        ("unidad", cupo.unidad),
        ("vigencia_inicio", certificado.vigencia_inicio),  # DD/MM/YYYY (firma.cadena)
        ("vigencia_fin", certificado.vigencia_fin),
        ("cupo", cupo.clave),
        ("fracciones", cupo.fracciones_texto),
        ("oficio", f"{a.numero_oficio}/{a.anio}"),
        # only when issued in the name of a comercializadora too (seed 002): its RFC
        *(
            [("rfc_comercializadora", a_nombre.titular_de(certificado.solicitud)["rfc"])]
            if a_nombre.con_comercializadora(certificado.solicitud)
            else []
        ),
    ]


_RE_DOF = re.compile(r"\bDOF\b|diario\s+oficial", re.IGNORECASE)


def _cita_fecha_dof(texto: str, fecha: dt.date) -> bool:
    """Whether ``texto`` already cites the DOF publication: it mentions "DOF" / "Diario
    Oficial", the date in digits (07/04/2005, 7/4/2005, 07.04.05, 2005-04-07…) or its month and
    year in words ("7 de abril de 2005", "abril de 2005")."""
    if _RE_DOF.search(texto):
        return True
    plano = " ".join(texto.casefold().split())
    mes = calendario.MESES[fecha.month - 1]
    meses = {mes, "setiembre"} if fecha.month == 9 else {mes}
    if any(re.search(rf"\b{m}\s+(de(l)?\s+)?{fecha.year}\b", plano) for m in meses):
        return True
    d, m, a, aa = fecha.day, fecha.month, fecha.year, f"{fecha.year % 100:02d}"
    numericas = rf"0?{d}[/.\-]0?{m}[/.\-]({a}|{aa})|{a}[/.\-]0?{m}[/.\-]0?{d}"
    return re.search(rf"(?<![0-9])({numericas})(?![0-9])", plano) is not None


def fundamento_con_dof(cupo) -> str:
    """The cupo's fundamento citing its DOF publication date exactly once: "(DOF dd/mm/YYYY)"
    is appended only when the text does not already cite it (seed 000's fundamentos often say
    "publicado en el Diario Oficial de la Federación el 7 de abril de 2005")."""
    fundamento = cupo.fundamento or ""
    if cupo.fecha_dof and not _cita_fecha_dof(fundamento, cupo.fecha_dof):
        fundamento = f"{fundamento} (DOF {cupo.fecha_dof:%d/%m/%Y})"
    return fundamento


def documento_certificado(certificado: CertificadoCupo, total: int):
    """The certificado de cupo (one of ``total``), sealed by the Ventanilla over its own cadena."""
    s = certificado.solicitud
    a = certificado.asignacion
    cupo = a.cupo
    titular = certificado.titular
    fundamento = fundamento_con_dof(cupo)
    return emitir_sellado(
        solicitud=s,
        tipo=Documento.Tipo.CERTIFICADO,
        titulo=f"Certificado de cupo {certificado.folio}",
        folio=certificado.folio,
        plantilla=PLANTILLA_PDF,
        encabezado="CERTIFICADO DE CUPO",
        # The solicitante's seal covers the whole solicitud; the Ventanilla seals the
        # certificate's own cadena (cadena_ventanilla).
        campos_cadena=campos_certificado(certificado),
        con_sello_solicitante=True,
        contexto={
            "cupo": contexto_cupo(cupo),
            "beneficiario": {
                "nombre": titular.nombre,
                "rfc": titular.rfc,
                "domicilio": titular.domicilio_fiscal,
            },
            "monto": f"{certificado.monto_expedido:.3f}",
            "unidad": unidad_impresa(cupo),
            "vigencia_desde": certificado.vigencia_inicio.isoformat(),
            "vigencia_hasta": certificado.vigencia_fin.isoformat(),
            "numero_oficio": f"{a.numero_oficio}/{a.anio}",
            "folio_certificado": certificado.folio,
            "fundamento": fundamento,
            "lineas": [
                {"etiqueta": "Certificado", "valor": f"{certificado.numero} de {total}"},
                {
                    "etiqueta": "Monto asignado en el oficio",
                    "valor": formato_monto(a.monto_asignado, cupo.unidad),
                },
                {"etiqueta": "Subcupo", "valor": a.subcupo.clave},
                *(
                    {"etiqueta": etiqueta, "valor": valor}
                    for etiqueta, valor in a_nombre.filas(s)
                    if a_nombre.con_comercializadora(s)
                ),
            ],
        },
    )


def emitir_certificados(solicitud, *, usuario) -> list[CertificadoCupo]:
    """Issue one certificate per line. Runs inside the signing transaction.

    The asignación row is locked first, so two solicitudes against the same asignación
    serialize; the saldo is recomputed from the ledger under that lock. Raises
    ``TramiteError`` (→ the signing rolls back) when the lines no longer fit.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emitir_certificados() must run inside transaction.atomic()")
    if solicitud.certificados_cupo.exists():  # idempotent: already issued
        return list(solicitud.certificados_cupo.order_by("numero"))
    lineas = lineas_de(solicitud)
    reglas.EXP006().validar(lineas)
    ids = {linea.asignacion_id for linea in lineas}
    elegida = asignacion_de(solicitud)
    if elegida is None or ids != {elegida.pk}:
        raise ReglaError("No se encontró la asignación.", "EXP008")
    asignacion = saldos.bloquear(elegida.pk)
    if asignacion.beneficiario_id != solicitud.solicitante_id:
        raise ReglaError("No se encontró la asignación.", "EXP008")
    validar_vigente(asignacion)
    a_nombre.validar(solicitud, asignacion.cupo)
    unidad = asignacion.cupo.unidad
    total = total_lineas(lineas)
    reglas.EXP004().validar(total, disponible=saldos.disponible(asignacion), unidad=unidad)

    desde = timezone.localdate(solicitud.firmada_en) if solicitud.firmada_en else hoy()
    hasta = vigencia_certificado(asignacion, desde)
    emitidos = []
    for numero, linea in enumerate(lineas, start=1):
        cert = CertificadoCupo.objects.create(
            asignacion=asignacion,
            solicitud=solicitud,
            titular=solicitud.solicitante,
            folio=f"{solicitud.folio}-{numero:02d}",
            numero=numero,
            monto_expedido=linea.monto,
            vigencia_inicio=desde,
            vigencia_fin=hasta,
        )
        saldos.registrar_expedicion(cert, usuario=usuario)
        registrar_auditoria(
            cert,
            anterior="",
            nuevo=CertificadoCupo.Estado.VIGENTE,
            usuario=usuario,
            motivo=f"Expedido con la solicitud {solicitud.folio}",
        )
        emitidos.append(cert)
    for cert in emitidos:
        cert.documento = documento_certificado(cert, len(emitidos))
        cert.save(update_fields=["documento"])
    return emitidos
