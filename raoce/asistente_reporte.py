"""Wizard: Reporte anual de programa de la SE (RAOCE; trámites 150101 PF / 150102 PM).

Tabs (seed 003, DESIGN §5):

1. **Solicitante** — datos generales and domicilio fiscal, read-only; the plant addresses
   must be *localizados* and of an allowed type or the report is refused
   (:func:`raoce.services.domicilios_invalidos`).
2. **Programas presentados por reporte anual** — the period is the previous calendar year;
   the table lists the RFC's programs that must report
   (:func:`raoce.services.programas_a_reportar`); an IMMEX brings its linked programs along
   ("IMMEX-PROSEC"), so one choice is a :class:`GrupoProgramas`. Saving creates or updates
   the draft's :class:`~raoce.models.ReporteAnual`.
3. **Datos de reporte anual** — ventas totales (a), total exportaciones (b) and total
   importaciones (c) in *miles de pesos* (c only when
   :func:`raoce.services.requiere_importaciones`); saldo b − c and porcentaje b / a · 100
   are computed, never typed. PROSEC-only reports also list *bienes producidos*, added one
   by one (*Agregar* / *Quitar*, :class:`~raoce.models.BienProducido` rows).

Paso 2 Firmar is the engine's. :meth:`AsistenteReporteAnual.al_firmar` re-validates under
row locks and hands the report to :func:`raoce.services.al_presentar_reporte`
(reactivation, replication IMMEX → PROSEC, ALTEX/ECEX oficios).

The wizard-specific rules (parsing of amounts, fracción arancelaria, filing window,
grouping of programs, pre-signing checks) live here as small functions; forms call them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.db import transaction

from raoce.models import BienProducido, EstatusPrograma, Programa, ReporteAnual, TipoPrograma
from tramites import services as tramites_services
from tramites.reglas import ReglaError, TramiteError
from tramites.wizard import (
    ACCION_NO_VALIDA,
    AQUI,
    SIGUIENTE,
    Asistente,
    Paso,
    PasoSolicitante,
    Requisito,
    registrar,
)

CLAVE = "reporte-anual"
PASO_PROGRAMAS = "programas"
PASO_DATOS = "datos"

#: Largest amount (and volumen) accepted: 15 significant digits in total, 12 integer + 3
#: decimal. SQLite keeps decimals as floats (15 exact significant digits); a bigger value
#: would be saved altered (123456789012345.678 → …346.000) or unreadable, so it is refused
#: up front. The model columns (max_digits=18) are wider on purpose (PostgreSQL).
MAXIMO_MILES = Decimal("999999999999.999")
DIGITOS_MAXIMOS = 15
DECIMALES = 3

#: Units of measure offered for bienes producidos (a subset of the TIGIE's).
UNIDADES_MEDIDA = [
    "Kilogramo",
    "Tonelada",
    "Gramo",
    "Litro",
    "Metro",
    "Metro cuadrado",
    "Metro cúbico",
    "Pieza",
    "Par",
    "Juego",
    "Docena",
    "Millar",
    "Kilowatt hora",
]

_RE_NUMERO = re.compile(r"^\+?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_RE_MILES = re.compile(r"^\+?\d{1,3}(,\d{3})+(\.\d*)?$", re.ASCII)
_RE_FRACCION_PUNTOS = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})$", re.ASCII)
_RE_FRACCION_NICO = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})(?:\.|-)?(\d{2})$", re.ASCII)
_RE_DIGITOS = re.compile(r"^\d+$", re.ASCII)
_RE_ID = re.compile(r"^[0-9]{1,18}$", re.ASCII)

_ORDEN_TIPO = {
    TipoPrograma.IMMEX: 0,
    TipoPrograma.PROSEC: 1,
    TipoPrograma.ALTEX: 2,
    TipoPrograma.ECEX: 3,
}


def _servicios():
    """The RAOCE services module (imported lazily so the wizard registry loads even while
    the services are being deployed)."""
    from raoce import services

    return services


def hoy() -> dt.date:
    """Today for the wizard (:func:`raoce.plazos.hoy`: honours ``RAOCE_FECHA_SIMULADA``)."""
    from raoce import plazos

    return plazos.hoy()


# ------------------------------------------------------------------------------ parsing


def parsear_decimal(texto, etiqueta: str, *, positivo: bool = False) -> Decimal:
    """User input (``1234.5``, ``1,234.5``) → Decimal ≥ 0 (> 0 if ``positivo``) with at
    most three decimals, or :class:`ReglaError` naming the field."""
    crudo = str(texto if texto is not None else "").strip().replace(" ", "")
    if not crudo:
        raise ReglaError(f"Capture {etiqueta}.", "requerido")
    if crudo.startswith("-"):
        raise ReglaError(f"{_mayuscula(etiqueta)} no puede ser negativo.", "negativo")
    if _RE_MILES.match(crudo):
        crudo = crudo.replace(",", "")
    if not _RE_NUMERO.match(crudo):
        raise ReglaError(
            f"{_mayuscula(etiqueta)} debe ser un número (por ejemplo 1234.5).", "no_numerico"
        )
    try:
        valor = Decimal(crudo)
    except InvalidOperation:
        raise ReglaError(
            f"{_mayuscula(etiqueta)} debe ser un número (por ejemplo 1234.5).", "no_numerico"
        ) from None
    if valor > MAXIMO_MILES:
        raise ReglaError(
            f"La cantidad es demasiado grande: {etiqueta} admite como máximo "
            f"{DIGITOS_MAXIMOS} dígitos en total, 12 enteros y {DECIMALES} decimales "
            f"(hasta {MAXIMO_MILES:,}).",
            "maximo",
        )
    if valor.as_tuple().exponent < -DECIMALES and valor != valor.quantize(Decimal("0.001")):
        raise ReglaError(
            f"{_mayuscula(etiqueta)} admite como máximo {DECIMALES} decimales.", "decimales"
        )
    if positivo and valor <= 0:
        raise ReglaError(f"{_mayuscula(etiqueta)} debe ser mayor que cero.", "cero")
    return valor.quantize(Decimal("0.001"))


def _mayuscula(texto: str) -> str:
    return texto[:1].upper() + texto[1:]


def parsear_miles(texto, etiqueta: str) -> Decimal:
    """An amount of the balanza comercial in miles de pesos (≥ 0, up to 3 decimals)."""
    return parsear_decimal(texto, f"el campo «{etiqueta}»")


def parsear_volumen(texto) -> Decimal:
    return parsear_decimal(texto, "el volumen del total producido", positivo=True)


def validar_exportaciones(ventas: Decimal, exportaciones: Decimal) -> None:
    """Exports are part of total sales: b ≤ a."""
    if exportaciones > ventas:
        raise ReglaError(
            "El total de exportaciones (b) no puede ser mayor que las ventas totales (a): "
            "las exportaciones forman parte de las ventas totales.",
            "exportaciones_mayores",
            "total_exportaciones",
        )


def normalizar_fraccion(texto) -> str:
    """Fracción arancelaria of the TIGIE: ``NNNN.NN.NN`` or 8 digits → ``NNNN.NN.NN``;
    10 digits (fracción + NICO, or ``NNNN.NN.NN.NN``) → the 10 digits."""
    crudo = str(texto or "").strip().replace(" ", "")
    if m := _RE_FRACCION_PUNTOS.match(crudo):
        return ".".join(m.groups())
    if _RE_DIGITOS.match(crudo) and len(crudo) == 8:
        return f"{crudo[:4]}.{crudo[4:6]}.{crudo[6:]}"
    if _RE_DIGITOS.match(crudo) and len(crudo) == 10:
        return crudo
    if m := _RE_FRACCION_NICO.match(crudo):
        return "".join(m.groups())
    raise ReglaError(
        "La fracción arancelaria debe tener el formato 0000.00.00 (8 dígitos) o 10 dígitos "
        "con el número de identificación comercial (NICO).",
        "fraccion_invalida",
        "fraccion_arancelaria",
    )


# ------------------------------------------------------------------------------ formatting


def formato_miles(valor: Decimal | None) -> str:
    """``Decimal("1234")`` → ``"1,234.000 miles de pesos"``."""
    if valor is None:
        return "—"
    return f"{valor:,.3f} miles de pesos"


def formato_numero(valor: Decimal | None, decimales: int = 3) -> str:
    return "—" if valor is None else f"{valor:,.{decimales}f}"


def formato_periodo(periodo: int) -> str:
    return f"01-{periodo} a 12-{periodo}"


# ------------------------------------------------------------------------------ period


def periodo_a_reportar(fecha: dt.date | None = None) -> int:
    """The report covers the previous calendar year (01-YYYY to 12-YYYY)."""
    return (fecha or hoy()).year - 1


def inicio_presentacion(anio: int) -> dt.date:
    """First day the reports of year ``anio - 1`` may be filed (1 April, seed 003), from
    the deadlines module."""
    from raoce import plazos

    return plazos.inicio_ciclo(anio)


def error_ventana(fecha: dt.date | None = None) -> str | None:
    """A message when the filing window of the current year is not open yet."""
    fecha = fecha or hoy()
    inicio = inicio_presentacion(fecha.year)
    if fecha < inicio:
        return (
            f"El reporte anual de {fecha.year - 1} puede presentarse a partir del "
            f"{inicio:%d/%m/%Y}."
        )
    return None


# ------------------------------------------------------------------------------ programs


@dataclass
class GrupoProgramas:
    """What one report covers: a program, or an IMMEX with its linked programs."""

    programas: list[Programa] = field(default_factory=list)

    @property
    def principal(self) -> Programa:
        return self.programas[0]

    @property
    def clave(self) -> str:
        return str(self.principal.pk)

    @property
    def tipo(self) -> str:
        return "-".join(p.tipo for p in self.programas)

    @property
    def folio(self) -> str:
        return ",".join(p.numero for p in self.programas)

    @property
    def modalidad(self) -> str:
        return "-".join(p.modalidad for p in self.programas if p.modalidad)

    @property
    def estatus(self) -> str:
        etiquetas: list[str] = []
        for p in self.programas:
            if (e := p.get_estatus_display()) not in etiquetas:
                etiquetas.append(e)
        return ", ".join(etiquetas)

    @property
    def suspendido(self) -> bool:
        return any(p.estatus == EstatusPrograma.SUSPENDIDO for p in self.programas)

    @property
    def ids(self) -> list[int]:
        return [p.pk for p in self.programas]


def _orden(p: Programa):
    return (_ORDEN_TIPO.get(p.tipo, 9), p.numero)


def agrupar(programas) -> list[GrupoProgramas]:
    """Group the programs that must report: each IMMEX takes its linked (non-IMMEX)
    programs along; the rest stand alone."""
    disponibles = sorted(programas, key=_orden)
    ids = {p.pk for p in disponibles}
    usados: set[int] = set()
    grupos: list[GrupoProgramas] = []
    for p in disponibles:
        if p.pk in usados or p.tipo != TipoPrograma.IMMEX:
            continue
        ligados = sorted(
            (
                q
                for q in p.ligados.all()
                if q.pk in ids and q.pk not in usados and q.tipo != TipoPrograma.IMMEX
            ),
            key=_orden,
        )
        grupo = GrupoProgramas([p, *ligados])
        usados.update(grupo.ids)
        grupos.append(grupo)
    for p in disponibles:
        if p.pk not in usados:
            usados.add(p.pk)
            grupos.append(GrupoProgramas([p]))
    return grupos


def programas_disponibles(persona, periodo: int) -> list[Programa]:
    """The persona's programs that must report ``periodo`` and have not reported it. Those
    past their cancellation date without a timely report are cancelled first (audited,
    as the beat job would: :func:`raoce.services.aplicar_vencimientos`)."""
    servicios = _servicios()
    if periodo == periodo_a_reportar():
        servicios.aplicar_vencimientos(persona, periodo, hoy())
    return list(servicios.programas_a_reportar(persona, periodo))


def grupos_disponibles(persona, periodo: int) -> list[GrupoProgramas]:
    return agrupar(programas_disponibles(persona, periodo))


def _ya_reportados(programas, periodo: int, excluir_solicitud=None):
    qs = ReporteAnual.objects.filter(
        periodo=periodo, programas__in=programas, solicitud__folio__isnull=False
    )
    if excluir_solicitud is not None:
        qs = qs.exclude(solicitud=excluir_solicitud)
    return qs


def motivos_sin_programas(persona, periodo: int) -> list[str]:
    """Why none of the persona's programs is listed (shown when the table is empty), e.g.
    "Cancelado automáticamente el 01/09/2026 por no presentar el reporte …"."""
    from raoce import plazos

    todos = list(Programa.objects.filter(persona=persona).order_by("tipo", "numero"))
    if not todos:
        return ["No hay programas de la Secretaría de Economía registrados para su RFC."]
    motivos = []
    for p in todos:
        debe, motivo = plazos.debe_reportar(p, periodo)
        if not debe and motivo:
            motivos.append(motivo)
    return motivos


def motivos_cancelacion_automatica(persona, periodo: int) -> list[str]:
    """The persona's programs cancelled automatically for not filing ``periodo``: not
    reportable, shown with the reason under the table of those that are."""
    from raoce import plazos

    return [
        plazos.motivo_cancelacion_automatica(p, periodo)
        for p in Programa.objects.filter(
            persona=persona, estatus=EstatusPrograma.CANCELADO
        ).order_by("tipo", "numero")
        if plazos.cancelado_por_no_reportar(p, periodo)
    ]


def mensaje_sin_programas(periodo: int) -> str:
    return f"No tiene programas que deban presentar el reporte anual de {periodo}."


# ------------------------------------------------------------------------------ plant addresses


def error_domicilios(persona) -> str | None:
    """The seed's refusal message when a plant address is not localizado or not of an
    allowed type (or none is registered), else ``None``."""
    return _servicios().validar_domicilios(persona)


# ------------------------------------------------------------------------------ the draft


def reporte_de(solicitud) -> ReporteAnual | None:
    if solicitud is None or solicitud.pk is None:
        return None
    return ReporteAnual.objects.filter(solicitud=solicitud).first()


def programas_de(reporte: ReporteAnual | None) -> list[Programa]:
    if reporte is None:
        return []
    return sorted(reporte.programas.all(), key=_orden)


def requiere_importaciones(programas) -> bool:
    return bool(programas) and bool(_servicios().requiere_importaciones(programas))


def requiere_bienes(programas) -> bool:
    return bool(programas) and bool(_servicios().requiere_bienes(programas))


def sectores_de(programas) -> list[str]:
    """Authorized sectors of the report's PROSEC programs (``;`` or new lines separate
    several), offered as *clave y sector* of the bienes producidos."""
    sectores: list[str] = []
    for p in programas:
        if p.tipo != TipoPrograma.PROSEC:
            continue
        for s in re.split(r"[;\n]+", p.sector or ""):
            if (s := s.strip()) and s not in sectores:
                sectores.append(s)
    return sectores


def _exigir_borrador(solicitud) -> None:
    if not solicitud.es_borrador:
        raise ReglaError(
            "La solicitud ya fue firmada y no puede modificarse.", "solicitud_inmutable"
        )


def seleccionar_programas(solicitud, grupo: GrupoProgramas, periodo: int) -> ReporteAnual:
    """Create or update the draft's report with the chosen programs; data that no longer
    applies (importaciones, bienes) is cleared."""
    _exigir_borrador(solicitud)
    with transaction.atomic():
        reporte, _ = ReporteAnual.objects.get_or_create(
            solicitud=solicitud, defaults={"periodo": periodo}
        )
        reporte.periodo = periodo
        reporte.programas.set(grupo.programas)
        campos = ["periodo"]
        if not requiere_importaciones(grupo.programas) and reporte.total_importaciones is not None:
            reporte.total_importaciones = None
            campos.append("total_importaciones")
        reporte.save(update_fields=campos)
        if not requiere_bienes(grupo.programas):
            reporte.bienes.all().delete()
        tramites_services.guardar_paso(
            solicitud,
            PASO_PROGRAMAS,
            {
                "periodo": periodo,
                "grupo": grupo.clave,
                "programas": grupo.ids,
                "tipo": grupo.tipo,
                "folio": grupo.folio,
            },
        )
    return reporte


def guardar_importes(solicitud, reporte: ReporteAnual, importes: dict, *, listo: bool) -> None:
    """Save the amounts of the balanza comercial (miles de pesos) to the draft."""
    _exigir_borrador(solicitud)
    campos = []
    for campo in ("ventas_totales", "total_exportaciones", "total_importaciones"):
        if campo in importes:
            setattr(reporte, campo, importes[campo])
            campos.append(campo)
    with transaction.atomic():
        if campos:
            reporte.save(update_fields=campos)
        datos = {
            "listo": listo,
            "ventas_totales": _texto(reporte.ventas_totales),
            "total_exportaciones": _texto(reporte.total_exportaciones),
            "total_importaciones": _texto(reporte.total_importaciones),
        }
        tramites_services.guardar_paso(solicitud, PASO_DATOS, datos)


def _texto(valor: Decimal | None) -> str | None:
    return None if valor is None else f"{valor:.3f}"


def agregar_bien(solicitud, reporte: ReporteAnual, datos: dict) -> BienProducido:
    _exigir_borrador(solicitud)
    if not requiere_bienes(programas_de(reporte)):
        raise ReglaError(
            "Los bienes producidos solo se capturan en el reporte de un programa PROSEC.",
            "sin_bienes",
        )
    ultimo = reporte.bienes.order_by("-orden").values_list("orden", flat=True).first() or 0
    return BienProducido.objects.create(
        reporte=reporte,
        clave_sector=datos["clave_sector"],
        fraccion_arancelaria=datos["fraccion_arancelaria"],
        unidad_medida=datos["unidad_medida"],
        volumen=datos["volumen"],
        orden=ultimo + 1,
    )


def quitar_bien(solicitud, reporte: ReporteAnual, bien_id: str) -> None:
    _exigir_borrador(solicitud)
    bien_id = str(bien_id or "").strip()
    if not _RE_ID.match(bien_id) or not reporte.bienes.filter(pk=int(bien_id)).delete()[0]:
        raise ReglaError("El bien producido que quiere quitar no existe.", "bien_inexistente")


# ------------------------------------------------------------------------------ checks


def errores_importes(reporte: ReporteAnual | None, programas) -> list[str]:
    if reporte is None:
        return ["Capture los datos del reporte anual."]
    errores: list[str] = []
    a, b, c = reporte.ventas_totales, reporte.total_exportaciones, reporte.total_importaciones
    if a is None:
        errores.append("Capture las ventas totales (a).")
    if b is None:
        errores.append("Capture el total de exportaciones (b).")
    if requiere_importaciones(programas) and c is None:
        errores.append("Capture el total de importaciones (c).")
    for valor in (a, b, c):
        if valor is not None and valor < 0:
            errores.append("Los importes del reporte anual no pueden ser negativos.")
            break
    if a is not None and b is not None:
        try:
            validar_exportaciones(a, b)
        except ReglaError as exc:
            errores.append(exc.mensaje)
    if requiere_bienes(programas) and not reporte.bienes.exists():
        errores.append("Agregue al menos un bien producido en la «Relación de bienes producidos».")
    return errores


def errores_programas(solicitud, reporte: ReporteAnual | None) -> list[str]:
    """The chosen programs still must report this period (not cancelled meanwhile, not
    reported by another solicitud), and the filing window is open."""
    if reporte is None or not reporte.programas.exists():
        return ["Seleccione el programa por el que presenta el reporte anual."]
    errores: list[str] = []
    if msg := error_ventana():
        errores.append(msg)
    if reporte.periodo != periodo_a_reportar():
        errores.append(
            f"El reporte capturado corresponde a {reporte.periodo}; ahora se presenta el de "
            f"{periodo_a_reportar()}. Inicie una nueva solicitud."
        )
        return errores
    # Past the cancellation date without a timely report: cancel now (audited), refuse.
    _servicios().aplicar_vencimientos(solicitud.solicitante, reporte.periodo, hoy())
    elegidos = programas_de(reporte)
    from raoce import plazos

    for p in elegidos:
        if p.persona_id != solicitud.solicitante_id:
            errores.append(f"El programa {p.tipo} {p.numero} no pertenece al solicitante.")
        elif p.estatus == EstatusPrograma.CANCELADO:
            errores.append(plazos.debe_reportar(p, reporte.periodo)[1])
        elif p.fecha_autorizacion.year > reporte.periodo:
            errores.append(
                f"El programa {p.tipo} {p.numero} fue autorizado en "
                f"{p.fecha_autorizacion.year}: no presenta el reporte anual de {reporte.periodo}."
            )
    for r in _ya_reportados(elegidos, reporte.periodo, excluir_solicitud=solicitud).distinct():
        errores.append(
            f"Ya se presentó el reporte anual de {reporte.periodo} para "
            f"{', '.join(f'{p.tipo} {p.numero}' for p in r.programas.all())} "
            f"(folio {r.solicitud.folio})."
        )
    return errores


# ------------------------------------------------------------------------------ steps


class PasoSolicitanteReporte(PasoSolicitante):
    """Read-only datos generales + domicilio fiscal; refuses to continue when a plant
    address is not localizado or not of an allowed type (seed 003)."""

    template_name = "raoce/paso_solicitante.html"

    def contexto(self, request, solicitud) -> dict:
        persona = solicitud.solicitante if solicitud else request.persona
        return {
            "domicilios_planta": list(persona.domicilios.all()) if persona else [],
            "error_domicilios": error_domicilios(persona) if persona else None,
        }

    def accion_continuar(self, envio):
        if msg := error_domicilios(envio.persona):
            envio.avisar(msg, messages.ERROR)
            envio.formularios = {"form": None}
            return None
        return super().accion_continuar(envio)

    def errores_para_firma(self, solicitud) -> list[str]:
        errores = super().errores_para_firma(solicitud)
        if msg := error_domicilios(solicitud.solicitante):
            errores.append(msg)
        return errores


class PasoProgramas(Paso):
    slug = PASO_PROGRAMAS
    titulo = "Programas presentados por reporte anual"
    template_name = "raoce/paso_programas.html"

    def get_form(self, request, solicitud, data=None, files=None):
        from raoce.forms import ProgramasForm

        persona = solicitud.solicitante if solicitud else request.persona
        grupos = grupos_disponibles(persona, periodo_a_reportar())
        inicial = {}
        reporte = reporte_de(solicitud)
        if reporte is not None:
            elegidos = {p.pk for p in reporte.programas.all()}
            for g in grupos:
                if set(g.ids) == elegidos:
                    inicial["grupo"] = g.clave
        return ProgramasForm(data=data, initial=inicial, grupos=grupos)

    def completo(self, solicitud) -> bool:
        reporte = reporte_de(solicitud)
        return (
            PASO_PROGRAMAS in (solicitud.datos or {})
            and reporte is not None
            and reporte.programas.exists()
        )

    def errores_para_firma(self, solicitud) -> list[str]:
        return errores_programas(solicitud, reporte_de(solicitud))

    def accion_continuar(self, envio):
        form = envio.vincular()
        if msg := error_ventana():
            raise TramiteError(msg, "ventana")
        if not form.grupos:
            raise TramiteError(mensaje_sin_programas(periodo_a_reportar()), "sin_programas")
        if not form.is_valid():
            return None
        seleccionar_programas(envio.borrador(), form.grupo_elegido(), periodo_a_reportar())
        return SIGUIENTE

    def contexto(self, request, solicitud) -> dict:
        persona = solicitud.solicitante if solicitud else request.persona
        periodo = periodo_a_reportar()
        grupos = grupos_disponibles(persona, periodo)
        return {
            "periodo": periodo,
            "grupos": grupos,
            "aviso_ventana": error_ventana(),
            "sin_programas": None if grupos else mensaje_sin_programas(periodo),
            "motivos": [] if grupos else motivos_sin_programas(persona, periodo),
            # listed with the table too: not reportable, and why
            "cancelados": motivos_cancelacion_automatica(persona, periodo) if grupos else [],
        }


class PasoDatos(Paso):
    slug = PASO_DATOS
    titulo = "Datos de reporte anual"
    template_name = "raoce/paso_datos.html"

    def _formularios(self, solicitud, reporte, data=None):
        from raoce.forms import BienProducidoForm, DatosReporteForm

        programas = programas_de(reporte)
        inicial = {}
        if reporte is not None:
            for campo in ("ventas_totales", "total_exportaciones", "total_importaciones"):
                valor = getattr(reporte, campo)
                inicial[campo] = "" if valor is None else f"{valor.normalize():f}"
        importes = DatosReporteForm(
            data=data,
            initial=inicial,
            requiere_importaciones=requiere_importaciones(programas),
        )
        bien = None
        if requiere_bienes(programas):
            bien = BienProducidoForm(data=data, prefix="bien", sectores=sectores_de(programas))
        return importes, bien

    def completo(self, solicitud) -> bool:
        datos = (solicitud.datos or {}).get(self.slug) or {}
        reporte = reporte_de(solicitud)
        return bool(datos.get("listo")) and not errores_importes(reporte, programas_de(reporte))

    def errores_para_firma(self, solicitud) -> list[str]:
        reporte = reporte_de(solicitud)
        return errores_importes(reporte, programas_de(reporte))

    acciones = ("agregar", "quitar", "continuar")

    def requisito(self, request, solicitud):
        reporte = reporte_de(solicitud)
        if reporte is None or not reporte.programas.exists():
            return Requisito(
                "Primero seleccione el programa a reportar.", PASO_PROGRAMAS, messages.ERROR
            )
        return None

    def formularios(self, request, solicitud, data=None, files=None):
        importes, bien = self._formularios(solicitud, reporte_de(solicitud), data=data)
        return {"form": importes, "bien_form": bien}

    def accion_agregar(self, envio):
        importes, bien = envio.vincular("form", "bien_form")
        if bien is None:
            raise TramiteError(ACCION_NO_VALIDA, "accion_invalida")
        reporte = reporte_de(envio.solicitud)
        self._guardar_validos(envio.solicitud, reporte, importes)
        if bien.is_valid():
            agregar_bien(envio.solicitud, reporte, bien.cleaned_data)
            envio.avisar("Se agregó el bien producido.")
            return AQUI
        self._sin_errores(importes)
        return None

    def accion_quitar(self, envio):
        importes, bien = envio.vincular("form", "bien_form")
        if bien is None:
            raise TramiteError(ACCION_NO_VALIDA, "accion_invalida")
        reporte = reporte_de(envio.solicitud)
        self._guardar_validos(envio.solicitud, reporte, importes)
        quitar_bien(envio.solicitud, reporte, envio.argumento)
        envio.avisar("Se quitó el bien producido.")
        return AQUI

    def accion_continuar(self, envio):
        importes, bien = envio.vincular("form", "bien_form")
        solicitud, reporte = envio.solicitud, reporte_de(envio.solicitud)
        if importes.is_valid():
            guardar_importes(solicitud, reporte, importes.cleaned_data, listo=False)
            if bien is not None and bien.capturado:
                envio.errores.append(
                    "Capturó un bien producido sin agregarlo: pulse «Agregar» para "
                    "incluirlo en la relación o borre sus datos."
                )
            elif bien is not None and not reporte.bienes.exists():
                envio.errores.append(
                    "Agregue al menos un bien producido en la «Relación de bienes producidos»."
                )
            else:
                guardar_importes(solicitud, reporte, {}, listo=True)
                return SIGUIENTE
        if bien is not None:
            self._sin_errores(bien)
        return None

    @staticmethod
    def _sin_errores(form):
        """The same form re-shown with what was typed but without its error messages."""
        form._errors = {}
        return form

    @staticmethod
    def _guardar_validos(solicitud, reporte, importes) -> None:
        """Agregar/Quitar keep the amounts typed so far: each one that parses is saved."""
        validos = {}
        for campo in importes.fields:
            try:
                validos[campo] = parsear_miles(importes.data.get(campo), campo)
            except ReglaError:
                continue
        if validos:
            guardar_importes(solicitud, reporte, validos, listo=False)

    def contexto(self, request, solicitud) -> dict:
        reporte = reporte_de(solicitud)
        programas = programas_de(reporte)
        return {
            "reporte": reporte,
            "programas": programas,
            "grupo": GrupoProgramas(programas) if programas else None,
            "requiere_importaciones": requiere_importaciones(programas),
            "requiere_bienes": requiere_bienes(programas),
            "bienes": list(reporte.bienes.all()) if reporte else [],
            "saldo": formato_numero(reporte.saldo) if reporte else "—",
            "porcentaje": formato_numero(reporte.porcentaje_exportacion, 2) if reporte else "—",
        }


# ------------------------------------------------------------------------------ wizard


@registrar
class AsistenteReporteAnual(Asistente):
    clave = CLAVE
    titulo = "Reporte anual de programa de la SE"
    pasos = [PasoSolicitanteReporte, PasoProgramas, PasoDatos]

    def cadena_campos(self, solicitud):
        """Fixed order: periodo (año reportado); each program as ``TIPO NÚMERO`` (IMMEX
        first, then PROSEC, ALTEX, ECEX; by número); ventas totales (a), total
        exportaciones (b), total importaciones (c, empty when not captured), saldo b − c,
        all with 3 decimals; porcentaje b/a·100 with 2 decimals; then, for each bien
        producido in its order: clave y sector, fracción arancelaria, unidad de medida,
        volumen (3 decimals)."""
        reporte = reporte_de(solicitud)
        if reporte is None:
            return []
        campos: list[tuple[str, object]] = [("periodo", reporte.periodo)]
        for i, p in enumerate(programas_de(reporte), start=1):
            campos.append((f"programa_{i}", f"{p.tipo} {p.numero}"))
        campos += [
            ("ventas_totales", _texto(reporte.ventas_totales)),
            ("total_exportaciones", _texto(reporte.total_exportaciones)),
            ("total_importaciones", _texto(reporte.total_importaciones)),
            ("saldo", _texto(reporte.saldo)),
            (
                "porcentaje_exportacion",
                None
                if reporte.porcentaje_exportacion is None
                else f"{reporte.porcentaje_exportacion:.2f}",
            ),
        ]
        for i, b in enumerate(reporte.bienes.all(), start=1):
            campos += [
                (f"bien_{i}_clave_sector", b.clave_sector),
                (f"bien_{i}_fraccion", b.fraccion_arancelaria),
                (f"bien_{i}_unidad", b.unidad_medida),
                (f"bien_{i}_volumen", f"{b.volumen:.3f}"),
            ]
        return campos

    def resumen(self, solicitud):
        reporte = reporte_de(solicitud)
        if reporte is None:
            return []
        programas = programas_de(reporte)
        grupo = GrupoProgramas(programas) if programas else None
        filas: list[tuple[str, object]] = [
            ("Periodo que cubre el reporte anual", formato_periodo(reporte.periodo)),
        ]
        if grupo:
            filas += [
                ("Folio de programa", grupo.folio),
                ("Tipo de programa", grupo.tipo),
                ("Modalidad", grupo.modalidad or "—"),
                ("Estatus", grupo.estatus),
            ]
        filas += [
            ("Ventas totales (a)", formato_miles(reporte.ventas_totales)),
            ("Total exportaciones (b)", formato_miles(reporte.total_exportaciones)),
            (
                "Total importaciones (c)",
                formato_miles(reporte.total_importaciones)
                if requiere_importaciones(programas)
                else "No se captura (IMMEX con programas ligados)",
            ),
            ("Saldo b-c", formato_miles(reporte.saldo)),
            (
                "Porcentaje exportación b/a*100",
                "—"
                if reporte.porcentaje_exportacion is None
                else f"{reporte.porcentaje_exportacion:.2f} %",
            ),
        ]
        for i, b in enumerate(reporte.bienes.all(), start=1):
            filas.append(
                (
                    f"Bien producido {i}",
                    f"{b.clave_sector} · fracción {b.fraccion_arancelaria} · "
                    f"{b.volumen:,.3f} {b.unidad_medida}",
                )
            )
        filas += filas_compromisos(reporte, programas)
        return filas

    def al_firmar(self, solicitud, *, usuario) -> None:
        """Inside the signing transaction: lock the programs, re-check every rule (another
        solicitud may have reported them meanwhile) and present the report."""
        reporte = ReporteAnual.objects.select_for_update().filter(solicitud=solicitud).first()
        if reporte is None:
            raise ReglaError("La solicitud no tiene datos de reporte anual.", "sin_reporte")
        ids = list(reporte.programas.values_list("pk", flat=True))
        list(Programa.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        errores = self.validar_para_firma(solicitud)
        if errores:
            raise ReglaError(" ".join(errores), "reporte_invalido")
        return _servicios().al_presentar_reporte(reporte, usuario=usuario)

    def lineas_acuse(self, solicitud, presentacion) -> list[dict]:
        """Period and programs, the figures reported, then what the filing did."""
        reporte = reporte_de(solicitud)
        return [*presentacion.presentados, *cifras_acuse(reporte), *presentacion.efectos]


def filas_compromisos(reporte: ReporteAnual, programas) -> list[tuple[str, str]]:
    """Rows of the signing page: what each commitment evaluation (IMMEX informative,
    ALTEX, ECEX) will mean at signing, so an ALTEX is warned before it is cancelled."""
    servicios = _servicios()
    _tc, evaluaciones = servicios.evaluar_compromisos(reporte, programas, exigir_tipo_cambio=False)
    evaluados = {ev.programa.pk: ev for ev in evaluaciones}
    filas: list[tuple[str, str]] = []
    for p in programas:
        etiqueta = f"Compromiso {p.tipo} {p.numero}"
        ev = evaluados.get(p.pk)
        if ev is None:
            if p.tipo in (TipoPrograma.ALTEX, TipoPrograma.ECEX) and (
                reporte.ventas_totales is not None and reporte.total_exportaciones is not None
            ):
                filas.append(
                    (
                        etiqueta,
                        "No se puede evaluar: no está registrado un tipo de cambio promedio "
                        f"válido de {reporte.periodo}; sin él no es posible firmar.",
                    )
                )
            continue
        if p.tipo == TipoPrograma.IMMEX:
            consecuencia = "informativo, no cambia el estatus del programa"
        elif ev.cumple:
            consecuencia = "al firmar se emitirá el oficio de ratificación"
        elif p.tipo == TipoPrograma.ALTEX:
            consecuencia = "al firmar se emitirá el oficio de cancelación del programa"
        else:
            consecuencia = "no se emitirá el oficio de ratificación"
        filas.append((etiqueta, f"{ev.texto} — {consecuencia}"))
    return filas


def cifras_acuse(reporte: ReporteAnual) -> list[dict]:
    """The figures reported, for the acuse: a, b, c, saldo, porcentaje and each bien."""
    programas = programas_de(reporte)
    lineas = [
        {"etiqueta": "Ventas totales (a)", "valor": formato_miles(reporte.ventas_totales)},
        {
            "etiqueta": "Total exportaciones (b)",
            "valor": formato_miles(reporte.total_exportaciones),
        },
        {
            "etiqueta": "Total importaciones (c)",
            "valor": formato_miles(reporte.total_importaciones)
            if requiere_importaciones(programas)
            else "No se captura (IMMEX con programas ligados)",
        },
        {"etiqueta": "Saldo b-c", "valor": formato_miles(reporte.saldo)},
        {
            "etiqueta": "Porcentaje exportación b/a*100",
            "valor": "—"
            if reporte.porcentaje_exportacion is None
            else f"{reporte.porcentaje_exportacion:.2f} %",
        },
    ]
    for i, b in enumerate(reporte.bienes.all(), start=1):
        lineas.append(
            {
                "etiqueta": f"Bien producido {i}",
                "valor": f"{b.clave_sector} · fracción {b.fraccion_arancelaria} · "
                f"{b.volumen:,.3f} {b.unidad_medida}",
            }
        )
    return lineas
