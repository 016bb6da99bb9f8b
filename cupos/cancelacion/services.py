"""Cancelación de certificados de cupo a petición del interesado (seed 001; trámite 140104).

Services used by the wizard (``cupos.cancelacion.asistente``) and by signing:

- :func:`buscar_cupos` — cupos that match the search filters AND in which the solicitante
  holds vigente certificates with something left to cancel.
- :func:`certificados_disponibles` — the solicitante's own certificates of one cupo that
  can still be cancelled (never another persona's).
- :func:`guardar_busqueda`, :func:`seleccionar_cupo`, :func:`agregar_certificado`,
  :func:`quitar_certificado`, :func:`confirmar` — the draft's data, saved at every action
  in ``Solicitud.datos["cancelacion"]`` (certificate ids and montos as Decimal strings).
- :func:`errores_para_firma` — pre-check shown before signing (no lock).

Signing applies the cancelación (:mod:`cupos.cancelacion.aplicacion`).

Rules are small named classes (``CAN001``…) (:mod:`cupos.cancelacion.reglas`) in the style of :mod:`cupos.reglas`: the
docstring is the Spanish message.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from cupos.cancelacion.reglas import (
    CAN001,
    CAN002,
    CAN003,
    CAN004,
    CAN005,
    CAN006,
    CAN007,
    CAN008,
    CAN009,
    CAN010,
)
from cupos.models import (
    CERO,
    CertificadoCupo,
    Cupo,
    Regimen,
)
from cupos.montos import leer_decimal, leer_id, leer_monto
from tramites.reglas import ReglaError
from tramites.services import guardar_paso
from vucem.consultas import ENTERO, ConsultaCompilada

PASO = "cancelacion"
MOTIVO = "A petición del interesado"
#: Subject of the cancellation notice, in the seed's wording (seed 001: "Correo de Aviso de
#: Certificados de Exportación por Solicitud pendientes por Cancelar"), by régimen aduanero.
ASUNTOS_AVISO = {
    Regimen.EXPORTACION: "Aviso de Certificados de Exportación por Solicitud pendientes por Cancelar",
    Regimen.IMPORTACION: "Aviso de Certificados de Importación por Solicitud pendientes por Cancelar",
}
#: Search filters, in the order of the screen (seed 001).
FILTROS = (
    "regimen",
    "mecanismo",
    "tratado",
    "producto",
    "subproducto",
    "representacion_federal",
)


def asunto_aviso(cupo: Cupo) -> str:
    """The notice's subject for ``cupo``'s régimen (export or import certificates)."""
    return ASUNTOS_AVISO[Regimen(cupo.regimen)]


# ------------------------------------------------------------------------------ lookups


def datos_de(solicitud) -> dict:
    return dict((solicitud.datos or {}).get(PASO) or {})


def _certificados_cancelables(persona_id):
    """Vigente certificates of the persona with something left to cancel."""
    return CertificadoCupo.objects.filter(
        titular_id=persona_id, estado=CertificadoCupo.Estado.VIGENTE
    ).filter(monto_expedido__gt=F("monto_utilizado") + F("monto_cancelado"))


_UN_CANCELABLE = ConsultaCompilada(
    lambda persona: _certificados_cancelables(persona).values("pk")[:1], persona=ENTERO
)


def tiene_certificados_cancelables(persona_id) -> bool:
    """Whether the persona has a vigente certificate with something left to cancel (a query
    compiled once: the catálogo asks on every visit)."""
    return bool(_UN_CANCELABLE.filas(persona=persona_id))


def opciones_filtros() -> dict[str, list[tuple[str, str]]]:
    """Values offered in the optional text filters (distinct values of the catalog)."""

    def distintos(campo):
        valores = (
            Cupo.objects.exclude(**{campo: ""})
            .order_by(campo)
            .values_list(campo, flat=True)
            .distinct()
        )
        return [(v, v) for v in valores]

    return {
        "tratado": distintos("tratado"),
        "producto": distintos("producto"),
        "subproducto": distintos("subproducto"),
    }


def buscar_cupos(persona_id, filtros: dict) -> list[Cupo]:
    """Cupos that match ``filtros`` (empty values match anything) and in which the persona
    holds cancellable certificates."""
    qs = Cupo.objects.select_related("representacion_federal").filter(
        pk__in=_certificados_cancelables(persona_id).values("asignacion__subcupo__cupo")
    )
    for campo in ("regimen", "mecanismo", "tratado", "producto", "subproducto"):
        if filtros.get(campo):
            qs = qs.filter(**{campo: filtros[campo]})
    if filtros.get("representacion_federal"):
        qs = qs.filter(representacion_federal_id=filtros["representacion_federal"])
    return list(qs.order_by("-anio", "nombre"))


def cupo_de(solicitud) -> Cupo | None:
    """The cupo chosen in the draft, only if the solicitante still holds certificates in it."""
    pk = datos_de(solicitud).get("cupo_id")
    if not pk:
        return None
    return (
        Cupo.objects.select_related("representacion_federal")
        .filter(
            pk=pk,
            subcupos__asignaciones__certificados__titular_id=solicitud.solicitante_id,
        )
        .distinct()
        .first()
    )


def certificados_disponibles(persona_id, cupo: Cupo) -> list[CertificadoCupo]:
    """The persona's own certificates of ``cupo`` that can still be cancelled."""
    return list(
        _certificados_cancelables(persona_id)
        .filter(asignacion__subcupo__cupo=cupo)
        .select_related("asignacion__subcupo__cupo")
        .order_by("vigencia_inicio", "folio")
    )


@dataclass
class Linea:
    """One certificate to cancel: the certificate (scoped to the solicitante) and its monto."""

    certificado_id: int
    folio: str
    monto: Decimal
    certificado: CertificadoCupo | None = None


def lineas_de(solicitud) -> list[Linea]:
    """The draft's lines, each with its certificate if it still belongs to the solicitante."""
    crudas = datos_de(solicitud).get("lineas") or []
    ids = [c.get("certificado_id") for c in crudas if isinstance(c, dict)]
    certificados = CertificadoCupo.objects.select_related("asignacion__subcupo__cupo").in_bulk(
        [i for i in ids if isinstance(i, int)]
    )
    lineas = []
    for c in crudas:
        if not isinstance(c, dict):
            continue
        monto = leer_decimal(c.get("monto")) or CERO
        cert = certificados.get(c.get("certificado_id"))
        if cert is not None and cert.titular_id != solicitud.solicitante_id:
            cert = None
        lineas.append(
            Linea(
                certificado_id=c.get("certificado_id"),
                folio=str(c.get("folio") or ""),
                monto=monto,
                certificado=cert,
            )
        )
    return lineas


def total_lineas(lineas) -> Decimal:
    return sum((linea.monto for linea in lineas), CERO)


# ------------------------------------------------------------------------------ draft


def parsear_monto(texto, unidad: str) -> Decimal:
    """User input → Decimal > 0 with the unit's decimals, or ReglaError."""
    return leer_monto(
        texto,
        unidad,
        numero=CAN001,
        positivo=CAN002,
        decimales=CAN003,
        vacio="Capture el monto a favor del certificado.",
        grande="El monto a favor es demasiado grande.",
    )


def _guardar(solicitud, datos: dict) -> None:
    datos.setdefault("motivo", MOTIVO)
    guardar_paso(solicitud, PASO, datos)


def guardar_busqueda(solicitud, filtros: dict) -> list[Cupo]:
    """*Buscar*: remember the filters (JSON) and return the matching cupos."""
    datos = datos_de(solicitud)
    datos["filtros"] = {k: filtros.get(k) or "" for k in FILTROS}
    datos["buscado"] = True
    datos["listo"] = False
    _guardar(solicitud, datos)
    return buscar_cupos(solicitud.solicitante_id, datos["filtros"])


def cupos_encontrados(solicitud) -> list[Cupo] | None:
    """Result list of the last *Buscar* (None when nothing was searched yet)."""
    datos = datos_de(solicitud)
    if not datos.get("buscado"):
        return None
    return buscar_cupos(solicitud.solicitante_id, datos.get("filtros") or {})


def seleccionar_cupo(solicitud, cupo_id) -> tuple[Cupo, bool]:
    """Pick a cupo of the result list. Lines of another cupo are dropped (one cupo per
    solicitud). Returns (cupo, whether lines were dropped)."""
    pk = leer_id(cupo_id)
    encontrados = cupos_encontrados(solicitud) or []
    cupo = next((c for c in encontrados if c.pk == pk), None)
    if cupo is None:
        raise CAN009.falla()
    datos = datos_de(solicitud)
    quitadas = False
    if datos.get("cupo_id") != cupo.pk:
        quitadas = bool(datos.get("lineas"))
        datos["lineas"] = []
    datos.update(cupo_id=cupo.pk, cupo=cupo.clave, listo=False)
    _guardar(solicitud, datos)
    return cupo, quitadas


def agregar_certificado(solicitud, certificado_id, texto_monto) -> Linea:
    """*Agregar*: a certificate of the chosen cupo with its monto a favor.

    The certificate must be the solicitante's own, vigente, of the chosen cupo, not yet in
    the list; the monto > 0, with the unit's decimals and ≤ its disponible. Nothing is
    saved when a rule fails."""
    cupo = cupo_de(solicitud)
    if cupo is None:
        raise CAN009.falla()
    pk = leer_id(certificado_id)
    if not pk:
        raise CAN010.falla()
    with transaction.atomic():
        certificado = (
            CertificadoCupo.objects.select_related("asignacion__subcupo__cupo")
            .filter(pk=pk, titular_id=solicitud.solicitante_id)
            .first()
        )
        CAN005().validar(certificado, persona_id=solicitud.solicitante_id, cupo_id=cupo.pk)
        monto = parsear_monto(texto_monto, cupo.unidad)
        datos = datos_de(solicitud)
        lineas = list(datos.get("lineas") or [])
        if any(linea.get("certificado_id") == certificado.pk for linea in lineas):
            raise CAN007.falla(folio=certificado.folio)
        CAN008().validar(len(lineas) + 1)
        CAN004().validar(monto, certificado=certificado, unidad=cupo.unidad)
        lineas.append(
            {"certificado_id": certificado.pk, "folio": certificado.folio, "monto": str(monto)}
        )
        datos.update(lineas=lineas, listo=False)
        _guardar(solicitud, datos)
    return Linea(certificado.pk, certificado.folio, monto, certificado)


def quitar_certificado(solicitud, certificado_id) -> bool:
    """*Quitar*: drop one line; a malformed id is refused with a message."""
    pk = leer_id(certificado_id)
    if pk is None:
        raise ReglaError("No se encontró el certificado a quitar.", "linea_invalida")
    datos = datos_de(solicitud)
    lineas = list(datos.get("lineas") or [])
    restantes = [linea for linea in lineas if linea.get("certificado_id") != pk]
    if len(restantes) == len(lineas):
        raise ReglaError("No se encontró el certificado a quitar.", "linea_invalida")
    datos.update(lineas=restantes, listo=False)
    _guardar(solicitud, datos)
    return True


def validar_lineas(solicitud, cupo: Cupo | None, lineas: list[Linea]) -> None:
    """Every line against the certificates' current numbers (raises ReglaError)."""
    if cupo is None:
        raise CAN009.falla()
    CAN006().validar(lineas)
    CAN008().validar(len(lineas))
    vistos = set()
    for linea in lineas:
        CAN005().validar(linea.certificado, persona_id=solicitud.solicitante_id, cupo_id=cupo.pk)
        if linea.certificado_id in vistos:
            raise CAN007.falla(folio=linea.folio)
        vistos.add(linea.certificado_id)
        CAN002().validar(linea.monto)
        CAN003().validar(linea.monto, unidad=cupo.unidad)
        CAN004().validar(linea.monto, certificado=linea.certificado, unidad=cupo.unidad)


def errores_para_firma(solicitud) -> list[str]:
    """Pre-check (no lock) shown before signing; ``aplicar_cancelacion`` re-checks locked."""
    try:
        validar_lineas(solicitud, cupo_de(solicitud), lineas_de(solicitud))
    except ReglaError as exc:
        return [exc.mensaje]
    return []


def confirmar(solicitud) -> None:
    """*Siguiente*: the step is complete when its lines pass every rule."""
    errores = errores_para_firma(solicitud)
    if errores:
        raise ReglaError(errores[0], "incompleta")
    datos = datos_de(solicitud)
    datos["listo"] = True
    _guardar(solicitud, datos)


def completo(solicitud) -> bool:
    datos = datos_de(solicitud)
    return bool(datos.get("listo")) and bool(datos.get("lineas"))
