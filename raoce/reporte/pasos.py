"""The capture steps of the annual-report wizard (seed 003, DESIGN §5).

1. **Solicitante** — datos generales and domicilio fiscal, read-only; the plant addresses
   must be *localizados* and of an allowed type or the report is refused
   (:mod:`raoce.reporte.domicilios`).
2. **Programas presentados por reporte anual** — the RFC's programs that must report the
   previous calendar year, grouped (:mod:`raoce.reporte.programas`); saving creates or
   updates the draft's :class:`~raoce.models.ReporteAnual`.
3. **Datos de reporte anual** — ventas totales (a), total exportaciones (b) and total
   importaciones (c) in *miles de pesos*; saldo b − c and porcentaje b / a · 100 are
   computed, never typed. PROSEC-only reports also list *bienes producidos*, added one by
   one (*Agregar* / *Quitar*).
"""

from __future__ import annotations

from django.contrib import messages

from tramites.reglas import ReglaError
from tramites.wizard import ACCION_NO_VALIDA, AQUI, SIGUIENTE, Paso, PasoSolicitante, Requisito

from . import reglas, ventana
from .borrador import (
    IMPORTES,
    PASO_DATOS,
    PASO_PROGRAMAS,
    agregar_bien,
    bienes_de,
    errores_importes,
    errores_programas,
    guardar_importes,
    importaciones_requeridas,
    programas_de,
    quitar_bien,
    recordar_programas_leidos,
    reporte_de,
    seleccionar_programas,
)
from .domicilios import validar_domicilios
from .forms import BienProducidoForm, DatosReporteForm, ProgramasForm
from .importes import formato_numero, inicial, parsear_miles
from .programas import (
    GrupoProgramas,
    grupos_y_programas,
    motivos_cancelacion_automatica,
    motivos_sin_programas,
    requiere_bienes,
    sectores_de,
)


class PasoSolicitanteReporte(PasoSolicitante):
    """Read-only datos generales + domicilio fiscal; refuses to continue when a plant
    address is not localizado or not of an allowed type (seed 003)."""

    template_name = "raoce/paso_solicitante.html"

    def contexto(self, request, solicitud) -> dict:
        persona = solicitud.solicitante if solicitud else request.persona
        return {
            "domicilios_planta": list(persona.domicilios.all()) if persona else [],
            "error_domicilios": validar_domicilios(persona) if persona else None,
        }

    def accion_continuar(self, envio):
        if msg := validar_domicilios(envio.persona):
            envio.avisar(msg, messages.ERROR)
            envio.ligados["form"] = None
            return None
        return super().accion_continuar(envio)

    def errores_para_firma(self, solicitud) -> list[str]:
        errores = super().errores_para_firma(solicitud)
        if msg := validar_domicilios(solicitud.solicitante):
            errores.append(msg)
        return errores


class PasoProgramas(Paso):
    slug = PASO_PROGRAMAS
    titulo = "Programas presentados por reporte anual"
    template_name = "raoce/paso_programas.html"

    @staticmethod
    def _grupos_y_programas(request, solicitud, persona, periodo: int):
        """:func:`grupos_y_programas`, once per request (the form and the page list them);
        the draft's report learns its programs from the same query."""
        memo = request.__dict__.setdefault("_raoce_grupos", {})
        if (persona.pk, periodo) not in memo:
            reporte = reporte_de(solicitud)
            grupos, todos = grupos_y_programas(persona, periodo, reporte)
            if reporte is not None:
                recordar_programas_leidos(reporte, [p for p in todos if p.en_reporte])
            memo[persona.pk, periodo] = grupos, todos
        return memo[persona.pk, periodo]

    def get_form(self, request, solicitud, data=None, files=None):
        persona = solicitud.solicitante if solicitud else request.persona
        grupos = self._grupos_y_programas(
            request, solicitud, persona, ventana.periodo_a_reportar()
        )[0]
        elegido = {}
        reporte = reporte_de(solicitud)
        if reporte is not None:
            elegidos = {p.pk for p in programas_de(reporte)}
            for g in grupos:
                if set(g.ids) == elegidos:
                    elegido["grupo"] = g.clave
        return ProgramasForm(data=data, initial=elegido, grupos=grupos)

    def completo(self, solicitud) -> bool:
        reporte = reporte_de(solicitud)
        return (
            PASO_PROGRAMAS in (solicitud.datos or {})
            and reporte is not None
            and bool(programas_de(reporte))
        )

    def errores_para_firma(self, solicitud) -> list[str]:
        return errores_programas(solicitud, reporte_de(solicitud))

    def accion_continuar(self, envio):
        form = envio.vincular()
        if msg := ventana.error_ventana():
            raise ReglaError(msg, reglas.VentanaCerrada.codigo)
        if not form.grupos:
            raise reglas.SinProgramasPorReportar.falla(periodo=ventana.periodo_a_reportar())
        if not form.is_valid():
            return None
        seleccionar_programas(envio.borrador(), form.grupo_elegido(), ventana.periodo_a_reportar())
        return SIGUIENTE

    def contexto(self, request, solicitud) -> dict:
        persona = solicitud.solicitante if solicitud else request.persona
        periodo = ventana.periodo_a_reportar()
        grupos, todos = self._grupos_y_programas(request, solicitud, persona, periodo)
        return {
            "periodo": periodo,
            "grupos": grupos,
            "aviso_ventana": ventana.error_ventana(),
            "sin_programas": None
            if grupos
            else reglas.SinProgramasPorReportar.mensaje(periodo=periodo),
            "motivos": [] if grupos else motivos_sin_programas(persona, periodo, todos),
            # listed with the table too: not reportable, and why
            "cancelados": motivos_cancelacion_automatica(persona, periodo, todos) if grupos else [],
        }


class PasoDatos(Paso):
    slug = PASO_DATOS
    titulo = "Datos de reporte anual"
    template_name = "raoce/paso_datos.html"
    acciones = ("agregar", "quitar", "continuar")

    def formularios(self, request, solicitud, data=None, files=None):
        reporte = reporte_de(solicitud)
        programas = programas_de(reporte)
        importes = DatosReporteForm(
            data=data,
            initial={c: inicial(getattr(reporte, c)) for c in IMPORTES} if reporte else {},
            requiere_importaciones=importaciones_requeridas(reporte),
        )
        bien = None
        if requiere_bienes(programas):
            bien = BienProducidoForm(data=data, prefix="bien", sectores=sectores_de(programas))
        return {"form": importes, "bien_form": bien}

    def completo(self, solicitud) -> bool:
        datos = (solicitud.datos or {}).get(self.slug) or {}
        reporte = reporte_de(solicitud)
        return bool(datos.get("listo")) and not errores_importes(reporte)

    def errores_para_firma(self, solicitud) -> list[str]:
        reporte = reporte_de(solicitud)
        return errores_importes(reporte)

    def requisito(self, request, solicitud):
        reporte = reporte_de(solicitud)
        if reporte is None or not programas_de(reporte):
            return Requisito(
                "Primero seleccione el programa a reportar.", PASO_PROGRAMAS, messages.ERROR
            )
        return None

    def _bien(self, envio):
        """Agregar/Quitar: the bound forms, after saving the amounts typed so far."""
        importes, bien = envio.vincular("form", "bien_form")
        if bien is None:
            raise ReglaError(ACCION_NO_VALIDA, "accion_invalida")
        reporte = reporte_de(envio.solicitud)
        self._guardar_validos(envio.solicitud, reporte, importes)
        return importes, bien, reporte

    def accion_agregar(self, envio):
        importes, bien, reporte = self._bien(envio)
        if bien.is_valid():
            agregar_bien(envio.solicitud, reporte, bien.cleaned_data)
            envio.avisar("Se agregó el bien producido.")
            return AQUI
        self._sin_errores(importes)
        return None

    def accion_quitar(self, envio):
        _importes, _bien, reporte = self._bien(envio)
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
            "requiere_importaciones": importaciones_requeridas(reporte),
            "requiere_bienes": requiere_bienes(programas),
            "bienes": bienes_de(reporte),
            "saldo": formato_numero(reporte.saldo) if reporte else "—",
            "porcentaje": formato_numero(reporte.porcentaje_exportacion, 2) if reporte else "—",
        }
