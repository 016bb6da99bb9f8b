"""Rules of the annual report (seed 003), as small named classes on
:class:`tramites.reglas.Regla`: the docstring IS the Spanish message (``{…}`` are filled
in when the rule fails), ``codigo`` is stable and ``campo`` names the form field.

The parse rules are raised by :mod:`raoce.reporte.importes`; the draft rules by
:mod:`raoce.reporte.borrador`; the signing rules by :mod:`raoce.reporte.presentacion`
and :mod:`raoce.reporte.compromisos`. Forms turn them into field errors.
"""

from __future__ import annotations

import re
from decimal import Decimal

from tramites.reglas import Regla

_RE_FRACCION_PUNTOS = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})$", re.ASCII)
_RE_FRACCION_NICO = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})(?:\.|-)?(\d{2})$", re.ASCII)
_RE_DIGITOS = re.compile(r"^\d+$", re.ASCII)

# ------------------------------------------------------------------------------ amounts


class ImporteRequerido(Regla):
    """Capture {etiqueta}."""

    codigo = "requerido"


class ImporteNegativo(Regla):
    """{mayuscula} no puede ser negativo."""

    codigo = "negativo"


class ImporteNoNumerico(Regla):
    """{mayuscula} debe ser un número (por ejemplo 1234.5)."""

    codigo = "no_numerico"


class ImporteDemasiadoGrande(Regla):
    """La cantidad es demasiado grande: {etiqueta} admite como máximo {digitos} dígitos en
    total, 12 enteros y {decimales} decimales (hasta {maximo})."""

    codigo = "maximo"


class ImporteConDecimalesDeMas(Regla):
    """{mayuscula} admite como máximo {decimales} decimales."""

    codigo = "decimales"


class ImporteCero(Regla):
    """{mayuscula} debe ser mayor que cero."""

    codigo = "cero"


class ExportacionesDentroDeVentas(Regla):
    """El total de exportaciones (b) no puede ser mayor que las ventas totales (a): las
    exportaciones forman parte de las ventas totales."""

    codigo = "exportaciones_mayores"
    campo = "total_exportaciones"

    def validar(self, ventas: Decimal, *, exportaciones: Decimal, **contexto) -> None:
        if exportaciones > ventas:
            raise self.falla()


class FraccionArancelaria(Regla):
    """La fracción arancelaria debe tener el formato 0000.00.00 (8 dígitos) o 10 dígitos
    con el número de identificación comercial (NICO)."""

    codigo = "fraccion_invalida"
    campo = "fraccion_arancelaria"

    @classmethod
    def normalizar(cls, texto) -> str:
        """``NNNN.NN.NN`` or 8 digits → ``NNNN.NN.NN``; 10 digits (fracción + NICO, or
        ``NNNN.NN.NN.NN``) → the 10 digits; anything else breaks the rule."""
        crudo = str(texto or "").strip().replace(" ", "")
        if m := _RE_FRACCION_PUNTOS.match(crudo):
            return ".".join(m.groups())
        if _RE_DIGITOS.match(crudo) and len(crudo) == 8:
            return f"{crudo[:4]}.{crudo[4:6]}.{crudo[6:]}"
        if _RE_DIGITOS.match(crudo) and len(crudo) == 10:
            return crudo
        if m := _RE_FRACCION_NICO.match(crudo):
            return "".join(m.groups())
        raise cls.falla()


# ------------------------------------------------------------------------------ the draft


class SolicitudFirmada(Regla):
    """La solicitud ya fue firmada y no puede modificarse."""

    codigo = "solicitud_inmutable"


class BienesSoloPROSEC(Regla):
    """Los bienes producidos solo se capturan en el reporte de un programa PROSEC."""

    codigo = "sin_bienes"


class BienInexistente(Regla):
    """El bien producido que quiere quitar no existe."""

    codigo = "bien_inexistente"


class VentanaCerrada(Regla):
    """El reporte anual de {periodo} puede presentarse a partir del {inicio}."""

    codigo = "ventana"


class SinProgramasPorReportar(Regla):
    """No tiene programas que deban presentar el reporte anual de {periodo}."""

    codigo = "sin_programas"


# ------------------------------------------------------------------------------ signing


class SinReporte(Regla):
    """La solicitud no tiene datos de reporte anual."""

    codigo = "sin_reporte"


class SinProgramas(Regla):
    """Seleccione al menos un programa para presentar el reporte anual."""

    codigo = "raoce_sin_programas"


class ProgramaAjeno(Regla):
    """El programa {programa} no pertenece al solicitante."""

    codigo = "raoce_programa_ajeno"


class ProgramaCancelado(Regla):
    """El programa {programa} está cancelado; ya no debe presentar el reporte anual."""

    codigo = "raoce_programa_cancelado"


class ProgramaYaReportado(Regla):
    """El programa {programa} ya presentó el reporte anual de {periodo} con el folio {folio};
    un reporte firmado no puede modificarse."""

    codigo = "raoce_ya_reportado"


class SinTipoCambio(Regla):
    """No está registrado el tipo de cambio promedio de {periodo}, necesario para convertir
    a dólares el reporte anual. Intente más tarde; si el problema persiste, comuníquese con
    atencion.immex@economia.gob.mx."""

    codigo = "raoce_sin_tipo_cambio"


class TipoCambioInvalido(Regla):
    """El tipo de cambio promedio de {periodo} registrado ({tc} pesos por dólar) no es
    válido: debe ser mayor que cero. No es posible convertir a dólares el reporte anual;
    intente más tarde o comuníquese con atencion.immex@economia.gob.mx."""

    codigo = "raoce_tipo_cambio_invalido"
