"""Attachments of a solicitud de asignación: PDF only, checked by extension, content-type,
magic bytes, size and parse (:func:`adjuntar_anexo`), and which documents each criterio
requires (:func:`documentos_faltantes`, from the mechanism's strategy)."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from pypdf import PdfReader

from cupos.asignacion.registro import documentos_requeridos
from cupos.models import SolicitudAsignacion
from cupos.montos import formato_monto
from tramites.models import Anexo, Solicitud
from tramites.reglas import ReglaError

#: Attachment types (clave → label shown to the applicant and the dictaminador).
TIPOS_ANEXO = {
    "reporte_auditor": "Reporte de auditor externo (consumo auditado)",
    "reporte_incremento": "Reporte de auditor externo del incremento de capacidad",
    "factura": "Factura comercial y conocimiento de embarque, carta de porte o guía aérea",
    "pedimentos": "Pedimentos de importación (ejercicio de la asignación anterior)",
    "otro": "Otro documento",
}
TIPOS_PDF = {"application/pdf", "application/x-pdf"}
MAX_ANEXOS = 20


def documentos_faltantes(solicitud: Solicitud) -> list[str]:
    sa = SolicitudAsignacion.objects.filter(solicitud=solicitud).select_related("subcupo").first()
    presentes = set(solicitud.anexos.values_list("tipo", flat=True))
    return [t for t in documentos_requeridos(sa) if t not in presentes]


class AnexoInvalido(ReglaError):
    """An attachment that cannot be accepted (not a PDF, too big, …)."""

    def __init__(self, mensaje: str):
        super().__init__(mensaje, "anexo_invalido")


def validar_pdf(archivo) -> bytes:
    """Read an uploaded file and return its bytes if it is an acceptable PDF.

    Checks, each with its own Spanish message: extension ``.pdf``, declared content-type,
    size ≤ ``settings.ANEXO_MAX_BYTES`` (read with a bound, never the whole of a huge file)
    the ``%PDF-`` magic bytes, and that pypdf can actually parse it (a page count)."""
    limite = settings.ANEXO_MAX_BYTES
    nombre = PurePath(getattr(archivo, "name", "") or "").name
    if PurePath(nombre).suffix.lower() != ".pdf":
        raise AnexoInvalido(f"El archivo «{nombre}» no es un PDF: solo se aceptan archivos .pdf.")
    tipo = (getattr(archivo, "content_type", "") or "").split(";")[0].strip().lower()
    if tipo not in TIPOS_PDF:
        raise AnexoInvalido(
            f"El archivo «{nombre}» no se recibió como PDF (tipo «{tipo or 'desconocido'}»)."
        )
    size = getattr(archivo, "size", None)
    if size is not None and size > limite:
        raise AnexoInvalido(_mensaje_tamano(nombre, limite))
    archivo.seek(0)
    contenido = archivo.read(limite + 1)
    if len(contenido) > limite:
        raise AnexoInvalido(_mensaje_tamano(nombre, limite))
    if not contenido:
        raise AnexoInvalido(f"El archivo «{nombre}» está vacío.")
    if not contenido.startswith(b"%PDF-"):
        raise AnexoInvalido(f"El contenido de «{nombre}» no corresponde a un documento PDF válido.")
    if _paginas_pdf(contenido) < 1:
        raise AnexoInvalido(PDF_INVALIDO)
    return contenido


PDF_INVALIDO = "El archivo no es un PDF válido."


def _paginas_pdf(contenido: bytes) -> int:
    """Number of pages pypdf reads in ``contenido``; 0 when it cannot parse it at all (a
    file that only starts with ``%PDF-`` is not a PDF)."""
    try:
        return len(PdfReader(io.BytesIO(contenido)).pages)
    except Exception:  # noqa: BLE001 - any parser failure means "not a valid PDF"
        return 0


def _mensaje_tamano(nombre: str, limite: int) -> str:
    mb = Decimal(limite) / Decimal(1024 * 1024)
    return f"El archivo «{nombre}» excede el tamaño máximo permitido de {formato_monto(mb.quantize(Decimal('0.1')))} MB."


def adjuntar_anexo(solicitud: Solicitud, *, tipo: str, archivo, usuario) -> Anexo:
    """Validate and store one PDF of a draft as a :class:`tramites.models.Anexo` (sha256)."""
    if not solicitud.es_borrador:
        raise AnexoInvalido("La solicitud ya fue firmada y no puede modificarse.")
    if tipo not in TIPOS_ANEXO:
        raise AnexoInvalido("Seleccione el tipo de documento.")
    if solicitud.anexos.count() >= MAX_ANEXOS:
        raise AnexoInvalido(f"Se permiten como máximo {MAX_ANEXOS} documentos por solicitud.")
    return guardar_pdf(
        solicitud, tipo=tipo, archivo=archivo, contenido=validar_pdf(archivo), usuario=usuario
    )


def guardar_pdf(solicitud: Solicitud, *, tipo: str, archivo, contenido: bytes, usuario) -> Anexo:
    """Store an already validated PDF (``validar_pdf``) as an anexo of the draft (sha256)."""
    nombre = PurePath(archivo.name).name[:254]
    anexo = Anexo(
        solicitud=solicitud,
        tipo=tipo,
        nombre_original=nombre,
        tamano=len(contenido),
        sha256=hashlib.sha256(contenido).hexdigest(),
        subido_por=usuario,
    )
    anexo.archivo.save(nombre, ContentFile(contenido), save=False)
    anexo.save()
    return anexo


def eliminar_anexo(solicitud: Solicitud, anexo_id: int) -> bool:
    if not solicitud.es_borrador:
        raise AnexoInvalido("La solicitud ya fue firmada y no puede modificarse.")
    anexo = solicitud.anexos.filter(pk=anexo_id).first()
    if anexo is None:
        return False
    anexo.archivo.delete(save=False)
    anexo.delete()
    return True


# ============================================================================ saldo
