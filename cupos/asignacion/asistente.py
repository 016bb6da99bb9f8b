"""Wizard: solicitud de asignación de cupo (SE-03-011-1; VUCEM 120401/120402).

Tabs: Solicitante (read-only) → Cupo (filters + choose the cupo and beneficiary type, with
its reception window) → Datos de la solicitud (cantidad and what the subcupo's criterio
needs; saves the :class:`cupos.models.SolicitudAsignacion` row) → Documentos (PDF only) →
Paso 2 Firmar (engine). Signing moves the solicitud to "en dictamen" (catalog
``requiere_dictamen``) and stores the mechanism's first proposal.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from cupos import disponibilidad, montos, ventanas
from cupos.asignacion import anexos, antecedentes, registro
from cupos.asignacion.estrategias_fcfs import DECLARACION_NO_COMERCIALIZAR, FALTA_DECLARACION
from cupos.asignacion.forms import (
    AnexoForm,
    DatosSolicitudForm,
    FiltroCupoForm,
    SeleccionSubcupoForm,
)
from cupos.models import Criterio, SolicitudAsignacion, Subcupo
from tramites import services
from tramites.models import Solicitud
from tramites.reglas import ReglaError
from tramites.wizard import (
    AQUI,
    SIGUIENTE,
    Asistente,
    Paso,
    PasoSolicitante,
    Requisito,
    a_json,
    registrar,
)

logger = logging.getLogger(__name__)

CAMPOS_DATOS = (
    "monto_solicitado",
    "consumo_auditado_12m",
    "capacidad_anterior",
    "capacidad_actual",
    "consumo_asignacion_anterior",
    "asignado_anio_anterior",
    "consumo_total_auditado",
    "monto_factura",
    "es_industrial",
    "monto_ejercido_anterior",
    "declara_no_comercializar",
)
#: Checkboxes: stored as True/False, never None.
CAMPOS_BOOLEANOS = ("es_industrial", "declara_no_comercializar")


def detalle_de(solicitud) -> SolicitudAsignacion | None:
    if solicitud is None:
        return None
    return (
        SolicitudAsignacion.objects.filter(solicitud=solicitud)
        .select_related("subcupo__cupo")
        .first()
    )


def subcupo_elegido(solicitud) -> Subcupo | None:
    if solicitud is None:
        return None
    pk = (solicitud.datos or {}).get("cupo", {}).get("subcupo_id")
    if not pk:
        return None
    return Subcupo.objects.select_related("cupo").filter(pk=pk).first()


def persona_de(request, solicitud):
    return solicitud.solicitante if solicitud is not None else request.persona


def elegibilidad_de(subcupo, persona, momento=None):
    """Eligibility of ``persona`` for ``subcupo`` (None without a persona)."""
    if subcupo is None or persona is None:
        return None
    return antecedentes.elegibilidad(subcupo, persona, momento)


class PasoCupo(Paso):
    slug = "cupo"
    titulo = "Cupo"
    template_name = "cupos/asignacion/paso_cupo.html"

    def get_form(self, request, solicitud, data=None, files=None):
        return SeleccionSubcupoForm(data, persona=persona_de(request, solicitud))

    def contexto(self, request, solicitud):
        filtro = FiltroCupoForm(request.GET if "buscar" in request.GET else None)
        momento = ventanas.ahora()
        persona = persona_de(request, solicitud)
        resultados = []
        for cupo in filtro.cupos():
            subcupos = []
            for sub in cupo.subcupos.all():
                if sub.criterio == Criterio.LICITACION:
                    continue
                u = cupo.get_unidad_display()
                subcupos.append(
                    {
                        "subcupo": sub,
                        "ventana": ventanas.ventana_subcupo(sub, momento),
                        "monto": montos.formato_monto(sub.monto, u),
                        "maximo": montos.formato_monto(sub.maximo_por_beneficiario, u),
                        "elegibilidad": elegibilidad_de(sub, persona, momento),
                    }
                )
            if subcupos:
                resultados.append({"cupo": cupo, "subcupos": subcupos})
        elegido = subcupo_elegido(solicitud)
        marcado = request.POST.get("subcupo") if request.method == "POST" else None
        marcado = marcado or (str(elegido.pk) if elegido else "")
        return {
            "filtro": filtro,
            "resultados": resultados,
            "elegido": elegido,
            "marcado": marcado,
            "ventana_elegida": ventanas.ventana_subcupo(elegido, momento) if elegido else None,
            "elegibilidad_elegida": elegibilidad_de(elegido, persona, momento),
        }

    def guardar(self, request, solicitud, form) -> None:
        sub = form.cleaned_data["subcupo"]
        anterior = subcupo_elegido(solicitud)
        with transaction.atomic():
            if anterior is not None and anterior.pk != sub.pk:
                # Another beneficiary type needs other data and documents: start them again.
                SolicitudAsignacion.objects.filter(solicitud=solicitud).delete()
                datos = dict(solicitud.datos)
                datos.pop("datos", None)
                datos.pop("documentos", None)
                solicitud.datos = datos
                solicitud.save(update_fields=["datos", "actualizada"])
            services.guardar_paso(
                solicitud,
                self.slug,
                {
                    "cupo_id": sub.cupo_id,
                    "cupo": sub.cupo.nombre,
                    "anio": sub.cupo.anio,
                    "subcupo_id": sub.pk,
                    "subcupo": sub.clave,
                    "criterio": sub.criterio,
                },
            )

    def completo(self, solicitud) -> bool:
        return subcupo_elegido(solicitud) is not None


class PasoDatos(Paso):
    slug = "datos"
    titulo = "Datos de la solicitud"
    template_name = "cupos/asignacion/paso_datos.html"

    def requisito(self, request, solicitud):
        if subcupo_elegido(solicitud) is None:
            return Requisito("Primero seleccione el cupo.", "cupo")
        return None

    def initial(self, solicitud):
        sa = detalle_de(solicitud)
        if sa is None:
            return {}
        datos = {c: getattr(sa, c) for c in CAMPOS_DATOS}
        datos["incremento_capacidad"] = sa.capacidad_actual is not None
        return datos

    def get_form(self, request, solicitud, data=None, files=None):
        return DatosSolicitudForm(
            data=data, initial=self.initial(solicitud), subcupo=subcupo_elegido(solicitud)
        )

    def contexto(self, request, solicitud):
        sub = subcupo_elegido(solicitud)
        return {
            "subcupo": sub,
            "ventana": ventanas.ventana_subcupo(sub) if sub else None,
            "elegibilidad": elegibilidad_de(sub, persona_de(request, solicitud)),
        }

    def guardar(self, request, solicitud, form) -> None:
        d = form.cleaned_data
        valores = {c: d.get(c) for c in CAMPOS_DATOS if c not in CAMPOS_BOOLEANOS}
        valores.update({c: bool(d.get(c)) for c in CAMPOS_BOOLEANOS})
        with transaction.atomic():
            SolicitudAsignacion.objects.update_or_create(
                solicitud=solicitud,
                defaults={"subcupo": form.subcupo, **valores},
            )
            services.guardar_paso(solicitud, self.slug, a_json(d))

    def completo(self, solicitud) -> bool:
        sa = detalle_de(solicitud)
        sub = subcupo_elegido(solicitud)
        return (
            self.slug in (solicitud.datos or {})
            and sa is not None
            and sub is not None
            and sa.subcupo_id == sub.pk
        )


class PasoDocumentos(Paso):
    slug = "documentos"
    titulo = "Documentos"
    template_name = "cupos/asignacion/paso_documentos.html"

    def _tipos(self, solicitud) -> list[str]:
        requeridos = registro.documentos_requeridos(detalle_de(solicitud))
        return requeridos + [t for t in anexos.TIPOS_ANEXO if t not in requeridos]

    acciones = ("adjuntar", "eliminar", "continuar")

    def requisito(self, request, solicitud):
        if solicitud is None or detalle_de(solicitud) is None:
            return Requisito("Primero capture los datos de la solicitud.", "datos")
        return None

    def get_form(self, request, solicitud, data=None, files=None):
        return AnexoForm(data, files, tipos=self._tipos(solicitud))

    def accion_adjuntar(self, envio):
        form = envio.vincular()
        if not form.is_valid():
            return None
        anexo = anexos.adjuntar_anexo(
            envio.solicitud,
            tipo=form.cleaned_data["tipo"],
            archivo=form.cleaned_data["archivo"],
            usuario=envio.request.user,
        )
        envio.avisar(f"Se adjuntó «{anexo.nombre_original}».")
        return AQUI

    def accion_eliminar(self, envio):
        try:
            anexos.eliminar_anexo(envio.solicitud, int(envio.request.POST.get("anexo", "0") or 0))
        except (anexos.AnexoInvalido, ValueError):
            raise ReglaError("No se pudo eliminar el documento.", "anexo_invalido") from None
        return AQUI

    def accion_continuar(self, envio):
        solicitud = envio.solicitud
        faltantes = anexos.documentos_faltantes(solicitud)
        if faltantes:
            envio.errores.extend(
                f"Adjunte el documento «{anexos.TIPOS_ANEXO[t]}»." for t in faltantes
            )
            return None
        services.guardar_paso(
            solicitud,
            self.slug,
            {"anexos": list(solicitud.anexos.values_list("sha256", flat=True))},
        )
        return SIGUIENTE

    def contexto(self, request, solicitud):
        requeridos = registro.documentos_requeridos(detalle_de(solicitud))
        presentes = set(solicitud.anexos.values_list("tipo", flat=True))
        return {
            "anexos": [(a, anexos.TIPOS_ANEXO.get(a.tipo, a.tipo)) for a in solicitud.anexos.all()],
            "requeridos": [
                {"clave": t, "nombre": anexos.TIPOS_ANEXO[t], "presente": t in presentes}
                for t in requeridos
            ],
            "max_mb": montos.formato_monto(
                (Decimal(settings.ANEXO_MAX_BYTES) / (1024 * 1024)).quantize(Decimal("0.1"))
            ),
        }

    def completo(self, solicitud) -> bool:
        return (
            self.slug in (solicitud.datos or {})
            and detalle_de(solicitud) is not None
            and not anexos.documentos_faltantes(solicitud)
        )

    def errores_para_firma(self, solicitud) -> list[str]:
        if detalle_de(solicitud) is None:
            return []  # reported by the data step
        faltantes = anexos.documentos_faltantes(solicitud)
        if faltantes:
            return [f"Falta adjuntar el documento «{anexos.TIPOS_ANEXO[t]}»." for t in faltantes]
        return super().errores_para_firma(solicitud)


@registrar
class AsistenteAsignacion(Asistente):
    clave = "asignacion-cupo"
    titulo = "Solicitud de asignación de cupo"
    pasos = [PasoSolicitante, PasoCupo, PasoDatos, PasoDocumentos]

    def disponibilidad(self, persona, hoy=None):
        """Only while some subcupo's reception window is open (cupos.ventanas)."""
        return disponibilidad.recepcion_asignacion(hoy)

    def validar_para_firma(self, solicitud) -> list[str]:
        errores = super().validar_para_firma(solicitud)
        sa = detalle_de(solicitud)
        sub = subcupo_elegido(solicitud)
        if sub is not None:
            if not sub.cupo.activo:
                errores.append("El cupo seleccionado ya no está disponible.")
            try:
                ventanas.validar_ventana(sub, ventanas.ahora())
            except ventanas.VentanaCerradaError as exc:
                errores.append(exc.mensaje)
        if sa is not None and sub is not None and sa.subcupo_id != sub.pk:
            errores.append("Vuelva a capturar los datos de la solicitud para el cupo elegido.")
        e = elegibilidad_de(sub, solicitud.solicitante)
        if e is not None and not e.elegible:
            errores.append(e.motivo)
        if sa is not None and sa.subcupo.es_residual and not sa.declara_no_comercializar:
            errores.append(FALTA_DECLARACION)
        return errores

    def cadena_campos(self, solicitud) -> list[tuple[str, object]]:
        """Fixed order: cupo clave, año, subcupo clave, criterio, unidad, cantidad solicitada,
        consumo auditado 12 meses, capacidad anterior, capacidad actual, consumo de la asignación
        anterior, asignado año anterior, consumo total auditado, monto en factura, es industrial
        (SI/NO), monto ejercido anterior, declaración de no comercializar en el mismo estado
        físico (SI in the residual subcupo D, empty elsewhere), then the attachments as ``tipo:sha256`` in upload
        order, comma-separated."""
        sa = detalle_de(solicitud)
        if sa is None:
            return []
        cupo = sa.subcupo.cupo
        anexos = ",".join(f"{a.tipo}:{a.sha256}" for a in solicitud.anexos.order_by("subido", "pk"))
        return [
            ("cupo", cupo.clave),
            ("anio", cupo.anio),
            ("subcupo", sa.subcupo.clave),
            ("criterio", sa.subcupo.criterio),
            ("unidad", cupo.unidad),
            ("monto_solicitado", sa.monto_solicitado),
            ("consumo_auditado_12m", sa.consumo_auditado_12m),
            ("capacidad_anterior", sa.capacidad_anterior),
            ("capacidad_actual", sa.capacidad_actual),
            ("consumo_asignacion_anterior", sa.consumo_asignacion_anterior),
            ("asignado_anio_anterior", sa.asignado_anio_anterior),
            ("consumo_total_auditado", sa.consumo_total_auditado),
            ("monto_factura", sa.monto_factura),
            ("es_industrial", "SI" if sa.es_industrial else "NO"),
            ("monto_ejercido_anterior", sa.monto_ejercido_anterior),
            (
                "declara_no_comercializar",
                ("SI" if sa.declara_no_comercializar else "NO") if sa.subcupo.es_residual else "",
            ),
            ("anexos", anexos),
        ]

    def resumen(self, solicitud) -> list[tuple[str, object]]:
        sa = detalle_de(solicitud)
        if sa is None:
            return []
        cupo = sa.subcupo.cupo
        u = cupo.get_unidad_display()
        filas = [
            ("Cupo", f"{cupo.nombre} ({cupo.anio})"),
            ("Fracciones arancelarias", cupo.fracciones_texto),
            ("Tipo de beneficiario", f"{sa.subcupo.clave} — {sa.subcupo.beneficiario}"),
            ("Criterio de asignación", sa.subcupo.get_criterio_display()),
            ("Cantidad solicitada", montos.formato_monto(sa.monto_solicitado, u)),
        ]
        etiquetas = {
            "consumo_auditado_12m": "Consumo auditado de los últimos 12 meses",
            "capacidad_anterior": "Capacidad anterior",
            "capacidad_actual": "Capacidad actual",
            "consumo_asignacion_anterior": "Consumo auditado de la asignación anterior",
            "asignado_anio_anterior": "Monto asignado en el año anterior",
            "consumo_total_auditado": "Consumo total auditado",
            "monto_factura": "Monto en factura / conocimiento de embarque",
            "monto_ejercido_anterior": "Monto ejercido de la asignación anterior",
        }
        for campo, etiqueta in etiquetas.items():
            valor = getattr(sa, campo)
            if valor is not None:
                sufijo = "" if campo.startswith("capacidad") else u
                filas.append((etiqueta, montos.formato_monto(valor, sufijo)))
        if sa.subcupo.es_residual:
            filas.append(("Empresa industrial", "Sí" if sa.es_industrial else "No"))
            filas.append(
                (
                    "Declaración",
                    DECLARACION_NO_COMERCIALIZAR if sa.declara_no_comercializar else "No declarada",
                )
            )
        e = elegibilidad_de(sa.subcupo, solicitud.solicitante)
        if e is not None and e.motivo:
            filas.append(("Antecedentes (registros de la Secretaría)", e.motivo))
        for a in solicitud.anexos.all():
            filas.append((anexos.TIPOS_ANEXO.get(a.tipo, a.tipo), a.nombre_original))
        return filas

    def estado_para_usuario(self, solicitud) -> str:
        """What the applicant waits for or got (issue 9 item 10)."""
        if solicitud.estado == Solicitud.Estado.RESUELTA:
            return {
                Solicitud.Resultado.APROBADA: "Asignación aprobada",
                Solicitud.Resultado.APROBADA_PARCIAL: "Asignación aprobada parcialmente",
                Solicitud.Resultado.RECHAZADA: "Solicitud rechazada",
            }.get(solicitud.resultado, "Resuelta")
        if solicitud.estado in (Solicitud.Estado.FIRMADA, Solicitud.Estado.EN_DICTAMEN):
            return "En dictamen"
        return super().estado_para_usuario(solicitud)

    def url_oficina(self, solicitud) -> str | None:
        return (
            reverse("cupos:dictamen_detalle", args=[solicitud.folio]) if solicitud.folio else None
        )

    def al_firmar(self, solicitud, *, usuario) -> None:
        """Store the mechanism's first proposal (recomputed at dictamen time)."""
        sa = detalle_de(solicitud)
        if sa is None:
            return
        try:
            with transaction.atomic():
                registro.guardar_propuesta(sa)
        except Exception:  # a proposal problem must never block the reception
            logger.exception("No se pudo calcular la propuesta de %s", solicitud.folio)
