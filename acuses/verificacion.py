"""What the public verification page adds for a document, supplied by the procedure that
issued it.

``acuses`` knows no procedure: a procedure registers a *provider* for the PDF template it
names (``Documento.plantilla``), e.g. ``cupos`` for its certificado de cupo. The provider
gets the document and returns a :class:`DetalleVerificacion`: the estado as the holder
should read it ("Vigente, cancelado parcialmente") and extra rows (monto amparado, saldo…).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class DetalleVerificacion:
    #: Replaces the document's own estado label when given.
    estado: str = ""
    #: ``(etiqueta, valor)`` rows shown under the document's data.
    lineas: list[tuple[str, str]] = field(default_factory=list)


Proveedor = Callable[[object], DetalleVerificacion | None]
_proveedores: dict[str, Proveedor] = {}


def registrar_proveedor(plantilla: str, proveedor: Proveedor) -> Proveedor:
    """Register ``proveedor(documento)`` for the documents printed with ``plantilla``."""
    if not plantilla:
        raise ValueError("plantilla vacía")
    _proveedores[plantilla] = proveedor
    return proveedor


def detalle_de(documento) -> DetalleVerificacion | None:
    """The registered provider's detail for ``documento`` (None: no provider, or it failed;
    the page then shows the document's own data only)."""
    proveedor = _proveedores.get(documento.plantilla or "")
    if proveedor is None:
        return None
    try:
        return proveedor(documento)
    except Exception:  # a provider's bug must not break the public page
        logger.exception("Falló el detalle de verificación del documento %s", documento.pk)
        return None
