"""Business rules of the cupo catalog, as small named classes.

In the style of uktrade/tamato: each rule has a stable ``codigo`` and its docstring IS the
Spanish message shown to the user. ``validar(obj, **contexto)`` raises :class:`ReglaError`
when the rule is broken. The same rules run in the back-office forms (``cupos.admin``) and
in the services (``cupos.demo``), so a rule lives in one place.

Catalog rules receive the object plus optional context the admin knows before saving
(e.g. the subcupos of an inline formset that are not in the database yet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from cupos.models import Criterio
from cupos.montos import CERO, DECIMALES_UNIDAD, decimales_de, formato_monto
from cupos.ventanas import VentanaError, VentanaRecepcion
from tramites.reglas import Regla, ReglaError

RE_FRACCION = re.compile(r"^\d{4}\.\d{2}\.\d{2}$")


def cupo_de(subcupo):
    """The subcupo's cupo, or None when it has none yet (unsaved inline rows)."""
    try:
        return subcupo.cupo
    except Exception:  # RelatedObjectDoesNotExist
        return None


class CUP001(Regla):
    """Los subcupos no pueden exceder el monto del cupo."""

    codigo = "CUP001"

    def validar(self, cupo, *, subcupos: Iterable | None = None, **contexto) -> None:
        if cupo.monto_total is None:
            return
        if subcupos is None:
            subcupos = list(cupo.subcupos.all()) if cupo.pk else []
        total = sum((s.monto for s in subcupos if s.monto is not None), CERO)
        if total > cupo.monto_total:
            raise self.falla(
                f"Suma de subcupos: {formato_monto(total, cupo.unidad)}; "
                f"monto del cupo: {formato_monto(cupo.monto_total, cupo.unidad)}."
            )


class CUP002(Regla):
    """La fecha de fin de la vigencia no puede ser anterior a la de inicio."""

    codigo = "CUP002"
    campo = "vigencia_fin"

    def validar(self, obj, **contexto) -> None:
        if obj.vigencia_inicio and obj.vigencia_fin and obj.vigencia_fin < obj.vigencia_inicio:
            raise self.falla()


class CUP003(Regla):
    """Cada fracción arancelaria debe tener el formato NNNN.NN.NN (p. ej. 1004.00.99)."""

    codigo = "CUP003"
    campo = "fracciones_arancelarias"

    def validar(self, cupo, **contexto) -> None:
        fracciones = cupo.fracciones_arancelarias
        if not isinstance(fracciones, list) or not fracciones:
            raise self.falla("Capture al menos una fracción arancelaria.")
        malas = [str(f) for f in fracciones if not RE_FRACCION.match(str(f))]
        if malas:
            raise self.falla(f"No válidas: {', '.join(malas)}.")


class CUP004(Regla):
    """La ventana de recepción del subcupo no es válida."""

    codigo = "CUP004"
    campo = "ventana"

    def validar(self, subcupo, **contexto) -> None:
        if not subcupo.ventana:
            return  # no window: the cupo's vigencia applies
        try:
            ventana = VentanaRecepcion.from_dict(subcupo.ventana)
            ventana.periodo(getattr(cupo_de(subcupo), "anio", None) or 2000)
        except (VentanaError, TypeError, ValueError) as exc:
            raise self.falla(getattr(exc, "mensaje", str(exc))) from exc


class CUP005(Regla):
    """Los montos deben ser mayores a cero."""

    codigo = "CUP005"

    def validar(self, obj, *, campos: Iterable[str] = (), **contexto) -> None:
        for nombre in campos:
            valor = getattr(obj, nombre, None)
            if valor is not None and Decimal(valor) <= CERO:
                raise ReglaError(self.mensaje(), self.codigo, nombre)


class CUP006(Regla):
    """El monto tiene más decimales de los que permite la unidad de medida."""

    codigo = "CUP006"

    def validar(self, obj, *, unidad: str, campos: Iterable[str] = (), **contexto) -> None:
        permitidos = DECIMALES_UNIDAD.get(unidad, 3)
        for nombre in campos:
            valor = getattr(obj, nombre, None)
            if valor is not None and decimales_de(valor) > permitidos:
                raise ReglaError(
                    f"{self.mensaje()} Se permiten {permitidos} decimales.", self.codigo, nombre
                )


class CUP007(Regla):
    """Un subcupo residual no lleva monto propio: se forma con lo no asignado de otros
    subcupos del mismo cupo, que debe indicar."""

    codigo = "CUP007"

    def validar(self, subcupo, *, residual_de: Iterable | None = None, **contexto) -> None:
        if residual_de is None:
            residual_de = list(subcupo.residual_de.all()) if subcupo.pk else []
        residual_de = list(residual_de)
        if subcupo.criterio == Criterio.BOLSA_RESIDUAL:
            if subcupo.monto is not None:
                raise ReglaError(self.mensaje(), self.codigo, "monto")
            if not residual_de:
                raise ReglaError(self.mensaje(), self.codigo, "residual_de")
            otros = [
                s
                for s in residual_de
                if (subcupo.cupo_id and s.cupo_id != subcupo.cupo_id)
                or (subcupo.pk and s.pk == subcupo.pk)
            ]
            if otros:
                raise ReglaError(self.mensaje(), self.codigo, "residual_de")
        else:
            if subcupo.monto is None:
                raise ReglaError(
                    "Solo un subcupo residual puede quedar sin monto.", self.codigo, "monto"
                )
            if residual_de:
                raise ReglaError(
                    "Solo un subcupo con criterio de bolsa residual se forma de otros subcupos.",
                    self.codigo,
                    "residual_de",
                )


class CUP008(Regla):
    """El máximo por beneficiario no puede exceder el monto del subcupo."""

    codigo = "CUP008"
    campo = "maximo_por_beneficiario"

    def validar(self, subcupo, **contexto) -> None:
        maximo = subcupo.maximo_por_beneficiario
        if maximo is not None and subcupo.monto is not None and maximo > subcupo.monto:
            raise self.falla()


REGLAS_CUPO = (CUP002(), CUP003())
REGLAS_SUBCUPO = (CUP004(), CUP007(), CUP008())


def validar_datos_cupo(cupo) -> None:
    """The rules of the cupo's own fields (the back-office form runs CUP001 on its rows)."""
    for regla in REGLAS_CUPO:
        regla.validar(cupo)
    CUP005().validar(cupo, campos=["monto_total"])
    CUP006().validar(cupo, unidad=cupo.unidad, campos=["monto_total"])


def validar_cupo(cupo, *, subcupos: Iterable | None = None) -> None:
    """Every rule of a cupo (and of its subcupos, from the DB unless given)."""
    validar_datos_cupo(cupo)
    if subcupos is None and cupo.pk:
        subcupos = list(cupo.subcupos.all())
    CUP001().validar(cupo, subcupos=subcupos or [])


def validar_subcupo(subcupo, *, residual_de: Iterable | None = None, unidad: str | None = None):
    unidad = unidad or getattr(cupo_de(subcupo), "unidad", None) or "kg"
    CUP005().validar(subcupo, campos=["monto", "maximo_por_beneficiario"])
    CUP006().validar(subcupo, unidad=unidad, campos=["monto", "maximo_por_beneficiario"])
    for regla in REGLAS_SUBCUPO:
        regla.validar(subcupo, residual_de=residual_de)
