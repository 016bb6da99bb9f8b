"""What an allocation mechanism is to the asignación: a strategy class over the pure
functions of :mod:`cupos.mecanismos`, registered by criterio in
:mod:`cupos.asignacion.registro`.

A mechanism says which data rules apply to the "datos" step (:meth:`Mecanismo.reglas_datos`),
which form fields the "datos" step shows (:meth:`Mecanismo.campos_datos`), which fields do not apply (:meth:`Mecanismo.no_aplican`), which documents are required
(:meth:`Mecanismo.documentos_requeridos`) and computes the dictamen proposals
(:meth:`Mecanismo.propuestas`), each a :class:`Propuesta` with its explanation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from cupos import mecanismos
from cupos.models import SolicitudAsignacion, Subcupo
from cupos.montos import CERO, formato_monto


@dataclass(frozen=True)
class Propuesta:
    """The mechanism's proposed amount for one solicitud, with its explanation."""

    criterio: str
    monto: Decimal
    #: The mechanism's cap for this applicant, other than the amount requested and the saldo.
    limite_legal: Decimal
    saldo: Decimal
    explicacion: tuple[str, ...] = ()
    datos: dict = field(default_factory=dict)
    error: str = ""

    def a_json(self) -> dict:
        return {
            "criterio": self.criterio,
            "monto": str(self.monto),
            "limite_legal": str(self.limite_legal),
            "saldo": str(self.saldo),
            "explicacion": list(self.explicacion),
            "datos": self.datos,
            "error": self.error,
            "calculada_en": timezone.now().isoformat(),
        }


class Mecanismo:
    """Base strategy: no data rules, no documents, no automatic proposal."""

    criterio: str = ""
    #: Documents every solicitud of this criterio attaches (claves of ``TIPOS_ANEXO``).
    documentos: tuple[str, ...] = ()

    def campos_datos(self, u: str, decimales: int) -> dict:
        """The form fields of the "datos" step this criterio asks for (unit ``u``)."""
        return {}

    def reglas_datos(self, subcupo: Subcupo, datos: dict) -> Iterator[tuple[str, str]]:
        """``(campo, mensaje)`` for each broken rule of the "datos" step."""
        return iter(())

    def no_aplican(self, datos: dict) -> Iterable[str]:
        """Fields whose captured values do not apply to these ``datos``."""
        return ()

    def documentos_requeridos(self, sa: SolicitudAsignacion) -> list[str]:
        return list(self.documentos)

    def propuestas(self, subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
        """Proposals by solicitud id for ``filas``, amounts in unidad ``u``."""
        return {}


def maximo_de(subcupo: Subcupo, defecto: Decimal | None) -> Decimal | None:
    return subcupo.maximo_por_beneficiario if subcupo.maximo_por_beneficiario else defecto


def con_error(sa: SolicitudAsignacion, saldo: Decimal, exc: mecanismos.MecanismoError) -> Propuesta:
    return Propuesta(
        criterio=sa.subcupo.criterio,
        monto=CERO,
        limite_legal=CERO,
        saldo=saldo,
        explicacion=(f"No se pudo calcular la propuesta: {exc.mensaje}",),
        error=exc.mensaje,
    )


def con_saldo(monto: Decimal, saldo: Decimal, lineas: list[str], u: str) -> Decimal:
    if saldo < monto:
        lineas.append(
            f"El saldo del subcupo al momento del dictamen es {formato_monto(max(saldo, CERO), u)}; "
            "la propuesta se limita a ese saldo."
        )
        return max(saldo, CERO)
    return monto
