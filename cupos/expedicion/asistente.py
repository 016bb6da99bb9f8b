"""Wizard: expedición de certificados de cupo por asignación directa (120201/120202).

Tabs (seed 000): "Solicitante" (read-only) and "Expedición Certificados Asignación
Directa": año + número de oficio → *Buscar* → cupo, asignación and saldo → *Agregar* one
monto per certificate (and *Quitar*) → *Continuar* → Paso 2 Firmar (engine). Every action
is saved in the database (``Solicitud.datos["expedicion"]`` and ``LineaExpedicion`` rows);
the rules live in :mod:`cupos.expedicion.services`. Signing issues the certificates
(:func:`cupos.expedicion.services.emitir_certificados`).
"""

from __future__ import annotations

from cupos.expedicion import services as expedicion
from cupos.expedicion.forms import BuscarAsignacionForm, MontoForm
from cupos.montos import formato_monto
from tramites.models import EstadoSolicitud
from tramites.wizard import AQUI, SIGUIENTE, Asistente, Paso, PasoSolicitante, registrar


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

    acciones = ("buscar", "agregar", "quitar", "continuar")
    accion_por_omision = ""

    def formularios(self, request, solicitud, data=None, files=None):
        if data is None:
            return {
                "form": BuscarAsignacionForm(initial=self.initial(solicitud)),
                "monto_form": MontoForm(),
            }
        return {"form": BuscarAsignacionForm(data), "monto_form": MontoForm(data)}

    def accion_buscar(self, envio):
        buscar = envio.vincular("form")
        if not buscar.is_valid():
            return None
        asignacion = expedicion.buscar_asignacion(
            envio.request.persona, buscar.cleaned_data["anio"], buscar.cleaned_data["numero_oficio"]
        )
        expedicion.seleccionar_asignacion(envio.borrador(), asignacion)
        return AQUI

    def accion_agregar(self, envio):
        solicitud = envio.existente()
        monto = envio.vincular("monto_form")
        if not monto.is_valid():
            # the form's own message (e.g. too long), not "Capture el monto"
            envio.errores.extend(monto.errors.get("monto", []))
            return None
        expedicion.agregar_linea(solicitud, monto.cleaned_data.get("monto"))
        envio.avisar("Se agregó el monto a expedir.")
        return AQUI

    def accion_quitar(self, envio):
        expedicion.quitar_linea(envio.existente(), envio.argumento)
        return AQUI

    def accion_continuar(self, envio):
        expedicion.confirmar(envio.existente())
        return SIGUIENTE

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
    # Signing issues the certificates: nothing is left to do (issue 9 item 10).
    estados_concluidos = frozenset({EstadoSolicitud.FIRMADA, EstadoSolicitud.RESUELTA})

    def estado_para_usuario(self, solicitud) -> str:
        if solicitud.estado == EstadoSolicitud.FIRMADA:
            return "Certificados expedidos"
        return super().estado_para_usuario(solicitud)

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
