"""The audit trail as the solicitante reads it (issue 10, item 7): who, when, from, to and
why, with human labels instead of state codes.

:func:`entradas` turns an object's :class:`~tramites.models.RegistroAuditoria` rows into
:class:`Entrada` items; :func:`secciones_de_solicitud` gives a solicitud's own history plus
that of its documents and of the objects domain apps register with
:func:`registrar_relacionados` (e.g. cupos: the certificados and the asignación of a
solicitud). Views scope the objects; this module only reads and labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from acuses.models import Documento
from firma.certificados import leer_certificado
from tramites.models import EstadoSolicitud
from tramites.services import historial

#: Who did it when no user did: the daily jobs.
AUTOMATICO = "Ventanilla (proceso automático)"
ETIQUETAS_SOLICITUD = dict(EstadoSolicitud.choices)
ETIQUETAS_DOCUMENTO = dict(Documento.Estado.choices)


@dataclass(frozen=True)
class Entrada:
    fecha: dt.datetime
    quien: str
    de: str
    a: str
    motivo: str


@dataclass
class Seccion:
    titulo: str
    entradas: list[Entrada] = field(default_factory=list)


def etiqueta(codigo: str, etiquetas: dict[str, str]) -> str:
    """The human label of a state code (``vigente_activo`` → «Vigente - Activo»)."""
    if not codigo:
        return "—"
    return str(etiquetas.get(codigo) or codigo.replace("_", " ").capitalize())


def quien(usuario) -> str:
    """Who made a change, as the solicitante reads it."""
    if usuario is None:
        return AUTOMATICO
    persona = getattr(usuario, "persona", None)
    if persona is not None:
        return f"{persona.nombre} ({persona.rfc})"
    nombre = usuario.get_full_name().strip() or usuario.get_username()
    if usuario.is_staff:
        cargo = (getattr(usuario, "cargo", "") or "").strip()
        return f"{nombre}{f', {cargo}' if cargo else ''} (Secretaría de Economía)"
    return f"{nombre} (capturista)"


def firmante(solicitud) -> str:
    """Who signed: the persona and, for a persona moral, its legal representative's RFC as
    the signing e.firma carries it."""
    persona = solicitud.solicitante
    rfc_rep = ""
    if solicitud.certificado_firmante:
        try:
            rfc_rep = leer_certificado(solicitud.certificado_firmante.encode()).rfc_representante
        except Exception:  # an unreadable stored certificate: fall back to the persona
            rfc_rep = ""
    rfc_rep = rfc_rep or (persona.rfc_representante if persona.es_moral else "")
    base = f"{persona.nombre} ({persona.rfc})"
    if persona.es_moral and rfc_rep:
        return f"{base}, firmó su representante legal con RFC {rfc_rep}"
    return base


def entradas(obj, etiquetas: dict[str, str], *, quien_firmo: str = "") -> list[Entrada]:
    """``obj``'s audit rows, oldest first, labelled. ``quien_firmo`` names the signer on
    the row that records the signature (estado → «firmada»)."""
    filas = []
    for r in historial(obj):
        autor = quien(r.usuario)
        if quien_firmo and r.estado_nuevo == EstadoSolicitud.FIRMADA:
            autor = quien_firmo
        filas.append(
            Entrada(
                fecha=r.fecha,
                quien=autor,
                de=etiqueta(r.estado_anterior, etiquetas) if r.estado_anterior else "—",
                a=etiqueta(r.estado_nuevo, etiquetas),
                motivo=r.motivo,
            )
        )
    return filas


#: Providers of related objects: ``f(solicitud) -> [(titulo, obj, etiquetas)]``.
_RELACIONADOS: list[Callable] = []


def registrar_relacionados(proveedor: Callable) -> Callable:
    """Register a provider of objects whose history shows with a solicitud's (domain apps)."""
    if proveedor not in _RELACIONADOS:
        _RELACIONADOS.append(proveedor)
    return proveedor


def secciones_de_solicitud(solicitud) -> list[Seccion]:
    """The solicitud's history, then each document's, then the related objects'."""
    secciones = [
        Seccion(
            f"Solicitud {solicitud.referencia}",
            entradas(solicitud, ETIQUETAS_SOLICITUD, quien_firmo=firmante(solicitud)),
        )
    ]
    for doc in solicitud.documentos.order_by("creado", "pk"):
        filas = entradas(doc, ETIQUETAS_DOCUMENTO)
        if filas:
            secciones.append(Seccion(doc.titulo, filas))
    for proveedor in _RELACIONADOS:
        for titulo, obj, etiquetas in proveedor(solicitud):
            secciones.append(Seccion(titulo, entradas(obj, etiquetas)))
    return secciones
