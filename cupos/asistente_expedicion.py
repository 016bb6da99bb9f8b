"""Wizard: expedición de certificados de cupo por asignación directa (120201/120202).

Tabs (seed 000): "Solicitante" (read-only) and "Expedición Certificados Asignación
Directa": año + número de oficio → *Buscar* → cupo, asignación and saldo → *Agregar* one
monto per certificate (and *Quitar*) → *Continuar* → Paso 2 Firmar (engine). Every action
is saved in the database (``Solicitud.datos["expedicion"]`` and ``LineaExpedicion`` rows);
the rules live in :mod:`cupos.expedicion`. Signing issues the certificates
(:func:`cupos.expedicion.emitir_certificados`).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from cupos import expedicion
from cupos.forms_expedicion import BuscarAsignacionForm, MontoForm
from cupos.reglas import formato_monto
from tramites.services import TramiteError
from tramites.wizard import Asistente, Paso, PasoSolicitante, registrar


class PasoExpedicion(Paso):
    slug = expedicion.PASO
    titulo = "Expedición Certificados Asignación Directa"
    template_name = "cupos/expedicion/paso_expedicion.html"

    def initial(self, solicitud):
        datos = super().initial(solicitud)
        return {k: datos[k] for k in ("anio", "numero_oficio") if k in datos}

    def completo(self, solicitud) -> bool:
        datos = (solicitud.datos or {}).get(self.slug) or {}
        return bool(datos.get("listo")) and solicitud.lineas_expedicion.exists()

    def errores_para_firma(self, solicitud) -> list[str]:
        return expedicion.errores_para_firma(solicitud)

    def manejar(self, request, solicitud):
        buscar = BuscarAsignacionForm(initial=self.initial(solicitud))
        monto = MontoForm()
        errores: list[str] = []
        if request.method == "POST":
            if solicitud is not None and not solicitud.es_borrador:
                messages.error(request, "La solicitud ya fue firmada y no puede modificarse.")
                return redirect(self.asistente.url_continuar(solicitud))
            accion = request.POST.get("accion", "")
            try:
                if accion == "buscar":
                    buscar = BuscarAsignacionForm(request.POST)
                    if buscar.is_valid():
                        asignacion = expedicion.buscar_asignacion(
                            request.persona,
                            buscar.cleaned_data["anio"],
                            buscar.cleaned_data["numero_oficio"],
                        )
                        solicitud = self.asistente.asegurar_borrador(request, solicitud)
                        expedicion.seleccionar_asignacion(solicitud, asignacion)
                        return redirect(self.asistente.url_paso(solicitud, self))
                elif accion == "agregar" and solicitud is not None:
                    monto = MontoForm(request.POST)
                    if monto.is_valid():
                        expedicion.agregar_linea(solicitud, monto.cleaned_data.get("monto"))
                        messages.success(request, "Se agregó el monto a expedir.")
                        return redirect(self.asistente.url_paso(solicitud, self))
                    # the form's own message (e.g. too long), not "Capture el monto"
                    errores.extend(monto.errors.get("monto", []))
                elif accion.startswith("quitar-") and solicitud is not None:
                    expedicion.quitar_linea(solicitud, accion.removeprefix("quitar-"))
                    return redirect(self.asistente.url_paso(solicitud, self))
                elif accion == "continuar" and solicitud is not None:
                    expedicion.confirmar(solicitud)
                    return redirect(self.asistente.url_siguiente(solicitud, self))
                else:
                    errores.append("Acción no válida.")
            except TramiteError as exc:
                errores.append(exc.mensaje)
        return self.render(request, solicitud, buscar, monto_form=monto, errores=errores)

    def contexto(self, request, solicitud) -> dict:
        if solicitud is None:
            return {"asignacion": None}
        asignacion = expedicion.asignacion_de(solicitud)
        if asignacion is None:
            return {"asignacion": None}
        lineas = expedicion.lineas_de(solicitud)
        cupo = asignacion.cupo
        return {
            "asignacion": asignacion,
            "cupo": cupo,
            "lineas": lineas,
            "saldo": expedicion.resumen_saldo(asignacion, lineas),
            "decimales": cupo.decimales,
        }


@registrar
class AsistenteExpedicion(Asistente):
    clave = "expedicion-certificados"
    titulo = "Expedición de Certificados de Cupo Asignación Directa"
    pasos = [PasoSolicitante, PasoExpedicion]

    def cadena_campos(self, solicitud):
        """Fixed order: año del oficio, número de oficio, cupo (clave), then each monto a
        expedir in the order of its line (one per certificate), with 3 decimals."""
        datos = (solicitud.datos or {}).get(expedicion.PASO) or {}
        campos = [
            ("anio_oficio", datos.get("anio")),
            ("numero_oficio", datos.get("numero_oficio")),
            ("cupo", datos.get("cupo")),
        ]
        for i, linea in enumerate(expedicion.lineas_de(solicitud), start=1):
            campos.append((f"monto_{i}", f"{linea.monto:.3f}"))
        return campos

    def resumen(self, solicitud):
        datos = (solicitud.datos or {}).get(expedicion.PASO) or {}
        asignacion = expedicion.asignacion_de(solicitud)
        unidad = asignacion.cupo.unidad if asignacion else ""
        filas = [
            ("Año del oficio de asignación", datos.get("anio", "")),
            ("Número de oficio de asignación", datos.get("numero_oficio", "")),
        ]
        if asignacion:
            filas.append(("Cupo", asignacion.cupo.nombre))
        lineas = expedicion.lineas_de(solicitud)
        for i, linea in enumerate(lineas, start=1):
            filas.append((f"Certificado {i}: monto a expedir", formato_monto(linea.monto, unidad)))
        filas.append(("Total a expedir", formato_monto(expedicion.total_lineas(lineas), unidad)))
        return filas

    def al_firmar(self, solicitud, *, usuario) -> None:
        expedicion.emitir_certificados(solicitud, usuario=usuario)
