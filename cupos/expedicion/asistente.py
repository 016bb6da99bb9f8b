"""Wizard: expedición de certificados de cupo por asignación directa (120201/120202).

Tabs (seed 000): "Solicitante" (read-only) and "Expedición Certificados Asignación
Directa": año + número de oficio → *Buscar* → cupo, asignación and saldo → *Agregar* one
monto per certificate (and *Quitar*) → *Continuar* → Paso 2 Firmar (engine). Every action
is saved in the database (``Solicitud.datos["expedicion"]`` and ``LineaExpedicion`` rows);
the rules live in :mod:`cupos.expedicion.services`. Signing issues the certificates
(:func:`cupos.expedicion.services.emitir_certificados`).
"""

from __future__ import annotations

from cupos import disponibilidad
from cupos.expedicion import services as expedicion
from cupos.expedicion import titular
from cupos.expedicion.forms import BuscarAsignacionForm, MontoForm, TitularForm
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

    acciones = ("buscar", "agregar", "quitar", "titular", "continuar")
    accion_por_omision = ""

    def formularios(self, request, solicitud, data=None, files=None):
        if data is None:
            return {
                "form": BuscarAsignacionForm(initial=self.initial(solicitud)),
                "monto_form": MontoForm(),
                "titular_form": TitularForm(initial=self._initial_titular(solicitud)),
            }
        return {
            "form": BuscarAsignacionForm(data),
            "monto_form": MontoForm(data),
            "titular_form": TitularForm(data, files),
        }

    @staticmethod
    def _initial_titular(solicitud) -> dict:
        if solicitud is None:
            return {"a_nombre_de": titular.BENEFICIARIO}
        t = titular.titular_de(solicitud)
        return {
            "a_nombre_de": t["a_nombre_de"],
            "rfc_comercializadora": t["rfc"],
            "nombre_comercializadora": t["nombre"],
        }

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
            return None  # the form's own message (e.g. too long), shown on the field
        expedicion.agregar_linea(solicitud, monto.cleaned_data.get("monto"))
        envio.avisar("Se agregó el monto a expedir.")
        return AQUI

    def accion_quitar(self, envio):
        expedicion.quitar_linea(envio.existente(), envio.argumento)
        return AQUI

    def accion_titular(self, envio):
        """*Guardar*: a nombre de quién (seed 002) and, for a comercializadora, the letter."""
        solicitud = envio.existente()
        form = envio.vincular("titular_form")
        if not form.is_valid():
            return None
        asignacion = expedicion.asignacion_de(solicitud)
        titular.guardar_titular(
            solicitud,
            asignacion.cupo if asignacion else None,
            a_nombre_de=form.cleaned_data["a_nombre_de"],
            rfc=form.cleaned_data["rfc_comercializadora"],
            nombre=form.cleaned_data["nombre_comercializadora"],
            archivo=form.cleaned_data.get("carta_conjunta"),
            usuario=envio.request.user,
        )
        envio.avisar("Se guardó a nombre de quién se expiden los certificados.")
        return "aqui#titular"

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
            "titular": titular.titular_de(solicitud),
            "carta": titular.carta_de(solicitud),
            "nombre_carta": titular.NOMBRE_CARTA,
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

    def disponibilidad(self, persona, hoy=None):
        """Only with a vigente oficio de asignación that has saldo to expedite."""
        return disponibilidad.expedicion_posible(persona, hoy)

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
        # then, only for a comercializadora (seed 002): option, RFC, name, carta:sha256
        campos.extend(titular.cadena(solicitud))
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
        if asignacion and asignacion.cupo.admite_comercializadora:
            filas.extend(titular.filas(solicitud))
        return filas

    def al_firmar(self, solicitud, *, usuario):
        return expedicion.emitir_certificados(solicitud, usuario=usuario)

    def lineas_acuse(self, solicitud, resultado) -> list[dict]:
        """The certificates issued (folio and monto) and, when the cupo admits it, in whose
        name, the comercializadora and its joint letter (seed 002)."""
        certificados = list(resultado or [])
        unidad = certificados[0].asignacion.cupo.unidad if certificados else ""
        lineas = [
            {
                "etiqueta": f"Certificado {c.folio}",
                "valor": f"Monto expedido {formato_monto(c.monto_expedido, unidad)}",
            }
            for c in certificados
        ]
        if certificados and certificados[0].asignacion.cupo.admite_comercializadora:
            lineas.extend({"etiqueta": e, "valor": v} for e, v in titular.filas(solicitud))
        return lineas
