"""Wizard: cancelación de certificados de cupo a petición del interesado (140104, seed 001).

Tabs: "Solicitante" (read-only) and "Cancelación de Certificados de Cupo": search filters
(régimen aduanero*, mecanismo de asignación*, tratado o bloque comercial, producto,
subproducto, representación federal) → *Buscar* → pick a cupo → its detail and the
solicitante's "Certificados disponibles" → pick one, capture the monto a favor →
*Agregar* to "Certificados a cancelar" (*Quitar*) → motivo read-only → *Siguiente* →
Paso 2 Firmar (engine). Every action is saved in ``Solicitud.datos["cancelacion"]``; the
rules live in :mod:`cupos.cancelacion`. Signing returns each monto a favor to the saldo
(:func:`cupos.cancelacion.aplicar_cancelacion`).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from cupos import cancelacion
from cupos.forms_cancelacion import AgregarCertificadoForm, BuscarCuposForm
from cupos.reglas import formato_monto
from tramites.services import TramiteError
from tramites.wizard import Asistente, Paso, PasoSolicitante, registrar


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

    def manejar(self, request, solicitud):
        buscar = BuscarCuposForm(initial=self.initial(solicitud))
        agregar = AgregarCertificadoForm()
        errores: list[str] = []
        campo_error = None
        if request.method == "POST":
            if solicitud is not None and not solicitud.es_borrador:
                messages.error(request, "La solicitud ya fue firmada y no puede modificarse.")
                return redirect(self.asistente.url_continuar(solicitud))
            accion = request.POST.get("accion", "")
            try:
                solicitud = self.asistente.asegurar_borrador(request, solicitud)
                aqui = self.asistente.url_paso(solicitud, self)
                if accion == "buscar":
                    buscar = BuscarCuposForm(request.POST)
                    if buscar.is_valid():
                        encontrados = cancelacion.guardar_busqueda(solicitud, buscar.filtros())
                        if not encontrados:
                            messages.warning(
                                request,
                                "No se encontraron cupos con certificados vigentes de este "
                                "solicitante que cumplan con los parámetros de búsqueda.",
                            )
                        return redirect(f"{aqui}#cupos-disponibles")
                elif accion.startswith("cupo-"):
                    _, quitadas = cancelacion.seleccionar_cupo(
                        solicitud, accion.removeprefix("cupo-")
                    )
                    if quitadas:
                        messages.info(
                            request,
                            "Se quitaron los certificados a cancelar del cupo seleccionado antes.",
                        )
                    return redirect(f"{aqui}#certificados-disponibles")
                elif accion == "agregar":
                    agregar = AgregarCertificadoForm(request.POST)
                    if not agregar.is_valid():
                        # the form's own message (e.g. too many digits)
                        raise cancelacion.CancelacionError(
                            next(e for errs in agregar.errors.values() for e in errs),
                            "formulario",
                            next(iter(agregar.errors)),
                        )
                    linea = cancelacion.agregar_certificado(
                        solicitud,
                        agregar.cleaned_data.get("certificado"),
                        agregar.cleaned_data.get("monto"),
                    )
                    messages.success(
                        request,
                        f"Se agregó el certificado {linea.folio} a los certificados a cancelar.",
                    )
                    return redirect(f"{aqui}#certificados-a-cancelar")
                elif accion.startswith("quitar-"):
                    cancelacion.quitar_certificado(solicitud, accion.removeprefix("quitar-"))
                    return redirect(f"{aqui}#certificados-a-cancelar")
                elif accion == "siguiente":
                    cancelacion.confirmar(solicitud)
                    return redirect(self.asistente.url_siguiente(solicitud, self))
                else:
                    errores.append("Acción no válida.")
            except TramiteError as exc:
                errores.append(exc.mensaje)
                campo_error = getattr(exc, "campo", None)
        return self.render(
            request,
            solicitud,
            buscar,
            agregar_form=agregar,
            errores=errores,
            campo_error=campo_error,
        )

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

    def al_firmar(self, solicitud, *, usuario) -> None:
        cancelacion.aplicar_cancelacion(solicitud, usuario=usuario)
