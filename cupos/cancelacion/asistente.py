"""Wizard: cancelación de certificados de cupo a petición del interesado (140104, seed 001).

Tabs: "Solicitante" (read-only) and "Cancelación de Certificados de Cupo": search filters
(régimen aduanero*, mecanismo de asignación*, tratado o bloque comercial, producto,
subproducto, representación federal) → *Buscar* → pick a cupo → its detail and the
solicitante's "Certificados disponibles" → pick one, capture the monto a favor →
*Agregar* to "Certificados a cancelar" (*Quitar*) → motivo read-only → *Siguiente* →
Paso 2 Firmar (engine). Every action is saved in ``Solicitud.datos["cancelacion"]``; the
rules live in :mod:`cupos.cancelacion.services`. Signing returns each monto a favor to the saldo
(:func:`cupos.cancelacion.aplicacion.aplicar_cancelacion`).
"""

from __future__ import annotations

from django.contrib import messages

from cupos import disponibilidad
from cupos.cancelacion import aplicacion
from cupos.cancelacion import services as cancelacion
from cupos.cancelacion.forms import AgregarCertificadoForm, BuscarCuposForm
from cupos.montos import formato_monto
from tramites.models import EstadoSolicitud
from tramites.reglas import ReglaError
from tramites.wizard import AQUI, SIGUIENTE, Asistente, Paso, PasoSolicitante, registrar


class PasoCancelacion(Paso):
    slug = cancelacion.PASO
    titulo = "Cancelación de Certificados de Cupo"
    template_name = "cupos/cancelacion/paso_cancelacion.html"

    def initial(self, solicitud):
        if solicitud is None:
            return {}
        return dict(cancelacion.datos_de(solicitud).get("filtros") or {})

    def completo(self, solicitud) -> bool:
        return cancelacion.completo(solicitud)

    def errores_para_firma(self, solicitud) -> list[str]:
        return cancelacion.errores_para_firma(solicitud)

    acciones = ("buscar", "cupo", "agregar", "quitar", "siguiente")
    accion_por_omision = ""

    def formularios(self, request, solicitud, data=None, files=None):
        if data is None:
            return {
                "form": BuscarCuposForm(initial=self.initial(solicitud)),
                "agregar_form": AgregarCertificadoForm(),
            }
        return {"form": BuscarCuposForm(data), "agregar_form": AgregarCertificadoForm(data)}

    def accion_buscar(self, envio):
        envio.borrador()
        buscar = envio.vincular("form")
        if not buscar.is_valid():
            return None
        if not cancelacion.guardar_busqueda(envio.solicitud, buscar.filtros()):
            envio.avisar(
                "No se encontraron cupos con certificados vigentes de este "
                "solicitante que cumplan con los parámetros de búsqueda.",
                messages.WARNING,
            )
        return f"{AQUI}#cupos-disponibles"

    def accion_cupo(self, envio):
        _, quitadas = cancelacion.seleccionar_cupo(envio.borrador(), envio.argumento)
        if quitadas:
            envio.avisar(
                "Se quitaron los certificados a cancelar del cupo seleccionado antes.",
                messages.INFO,
            )
        return f"{AQUI}#certificados-disponibles"

    def accion_agregar(self, envio):
        envio.borrador()
        agregar = envio.vincular("agregar_form")
        if not agregar.is_valid():
            # the form's own message (e.g. too many digits)
            raise ReglaError(
                next(e for errs in agregar.errors.values() for e in errs),
                "formulario",
                next(iter(agregar.errors)),
            )
        linea = cancelacion.agregar_certificado(
            envio.solicitud,
            agregar.cleaned_data.get("certificado"),
            agregar.cleaned_data.get("monto"),
        )
        envio.avisar(f"Se agregó el certificado {linea.folio} a los certificados a cancelar.")
        return f"{AQUI}#certificados-a-cancelar"

    def accion_quitar(self, envio):
        cancelacion.quitar_certificado(envio.borrador(), envio.argumento)
        return f"{AQUI}#certificados-a-cancelar"

    def accion_siguiente(self, envio):
        cancelacion.confirmar(envio.borrador())
        return SIGUIENTE

    def contexto(self, request, solicitud) -> dict:
        ctx = {"motivo": cancelacion.MOTIVO, "cupos": None, "cupo": None}
        if solicitud is None:
            return ctx
        ctx["cupos"] = cancelacion.cupos_encontrados(solicitud)
        cupo = cancelacion.cupo_de(solicitud)
        if cupo is None:
            return ctx
        lineas = cancelacion.lineas_de(solicitud)
        en_lista = {linea.certificado_id for linea in lineas}
        disponibles = cancelacion.certificados_disponibles(solicitud.solicitante_id, cupo)
        ctx.update(
            cupo=cupo,
            certificados=[{"certificado": c, "en_lista": c.pk in en_lista} for c in disponibles],
            lineas=lineas,
            total=cancelacion.total_lineas(lineas),
            decimales=cupo.decimales,
        )
        return ctx


@registrar
class AsistenteCancelacion(Asistente):
    clave = "cancelacion-certificados"
    titulo = "Cancelación de Certificados a Petición del Interesado"
    pasos = [PasoSolicitante, PasoCancelacion]
    # Signing applies the cancelación: nothing is left to do (issue 9 item 10).
    estados_concluidos = frozenset({EstadoSolicitud.FIRMADA, EstadoSolicitud.RESUELTA})

    def estado_para_usuario(self, solicitud) -> str:
        if solicitud.estado == EstadoSolicitud.FIRMADA:
            return "Cancelación aplicada"
        return super().estado_para_usuario(solicitud)

    def disponibilidad(self, persona, hoy=None):
        """Only with a vigente certificate that has monto left to cancel."""
        return disponibilidad.cancelacion_posible(persona, hoy)

    def cadena_campos(self, solicitud):
        """Fixed order: cupo (clave), motivo de cancelación, then for each certificate to
        cancel, in the order of the list: its folio and its monto a favor (3 decimals)."""
        datos = cancelacion.datos_de(solicitud)
        campos = [("cupo", datos.get("cupo")), ("motivo", cancelacion.MOTIVO)]
        for i, linea in enumerate(cancelacion.lineas_de(solicitud), start=1):
            campos.append((f"certificado_{i}", linea.folio))
            campos.append((f"monto_a_favor_{i}", f"{linea.monto:.3f}"))
        return campos

    def resumen(self, solicitud):
        cupo = cancelacion.cupo_de(solicitud)
        unidad = cupo.unidad if cupo else ""
        filas = []
        if cupo:
            filas += [
                ("Cupo", f"{cupo.nombre} ({cupo.anio})"),
                ("Régimen aduanero", cupo.get_regimen_display()),
                ("Mecanismo de asignación", cupo.get_mecanismo_display()),
            ]
        filas.append(("Motivo de cancelación", cancelacion.MOTIVO))
        lineas = cancelacion.lineas_de(solicitud)
        for linea in lineas:
            filas.append(
                (f"Certificado {linea.folio}: monto a favor", formato_monto(linea.monto, unidad))
            )
        filas.append(("Total a favor", formato_monto(cancelacion.total_lineas(lineas), unidad)))
        return filas

    def al_firmar(self, solicitud, *, usuario):
        return aplicacion.aplicar_cancelacion(solicitud, usuario=usuario)

    def lineas_acuse(self, solicitud, resultado) -> list[dict]:
        return aplicacion.lineas_acuse(solicitud)
