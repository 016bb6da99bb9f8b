"""Back-office of RAOCE: programs (with their audit trail and audited Suspender/Reactivar
actions), annual reports (read-only, with their bienes producidos) and the average
exchange rates (kept by nivel central).

Rights: nivel central (group ``nivel_central``) and superusers add and edit programs and
exchange rates and run the status actions; other staff see them read-only. A program's
estatus never changes by editing the form: only through :func:`raoce.estatus.cambiar_estatus`
(actions here, the beat job, the signing), which audits and notifies.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse

from raoce.estatus import cambiar_estatus
from raoce.models import BienProducido, EstatusPrograma, Programa, ReporteAnual, TipoCambio
from tramites.admin import AuditoriaInline
from tramites.services import registrar_auditoria
from vucem.admin import NivelCentralMixin, SoloLecturaMixin
from vucem.roles import es_nivel_central

E = EstatusPrograma


class NivelCentralAdmin(NivelCentralMixin, admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False  # programs and rates are history: never deleted


class MotivoForm(forms.Form):
    motivo = forms.CharField(
        label="Motivo",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Se registra en el historial del programa y se notifica a la empresa.",
    )


@admin.register(Programa)
class ProgramaAdmin(NivelCentralAdmin):
    list_display = (
        "tipo",
        "numero",
        "persona",
        "modalidad",
        "estatus",
        "estatus_desde",
        "fecha_autorizacion",
    )
    list_filter = ("tipo", "estatus", "exportacion_directa")
    search_fields = ("numero", "persona__rfc", "persona__nombre")
    list_select_related = ("persona",)
    filter_horizontal = ("ligados",)
    readonly_fields = ("estatus", "estatus_desde", "periodo_suspension")
    fields = (
        "persona",
        "tipo",
        "numero",
        "modalidad",
        "sector",
        "fecha_autorizacion",
        "exportacion_directa",
        "ligados",
        "estatus",
        "estatus_desde",
        "periodo_suspension",
    )
    inlines = [AuditoriaInline]
    actions = ["suspender", "reactivar"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_actions(self, request):
        acciones = super().get_actions(request)
        if not es_nivel_central(request.user):
            acciones.pop("suspender", None)
            acciones.pop("reactivar", None)
        return acciones

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                registrar_auditoria(
                    obj,
                    anterior="",
                    nuevo=obj.estatus,
                    usuario=request.user,
                    motivo="Alta del programa en la oficina",
                )

    # -- audited status actions ---------------------------------------------------------

    def _cambiar_estatus(self, request, queryset, accion: str, *, nuevo, desde):
        """The ``accion`` ("suspender"/"reactivar") of the programs in ``desde`` estatus."""
        boton = accion.capitalize()
        titulo = f"{boton} programas"
        if not es_nivel_central(request.user):
            self.message_user(request, "Solo nivel central cambia el estatus.", messages.ERROR)
            return None
        form = MotivoForm(request.POST if "confirmar" in request.POST else None)
        if "confirmar" in request.POST and form.is_valid():
            motivo = form.cleaned_data["motivo"].strip()
            cambiados, omitidos = [], []
            for pk in queryset.order_by("pk").values_list("pk", flat=True):
                with transaction.atomic():
                    p = Programa.objects.select_for_update().select_related("persona").get(pk=pk)
                    etiqueta = f"{p.tipo} {p.numero}"
                    if p.estatus != desde:
                        omitidos.append(etiqueta)
                        continue
                    cambiar_estatus(p, nuevo, usuario=request.user, motivo=motivo)
                    cambiados.append(etiqueta)
            if cambiados:
                self.message_user(
                    request,
                    f"{titulo}: {', '.join(cambiados)}.",
                    messages.SUCCESS,
                )
            if omitidos:
                self.message_user(
                    request,
                    f"Sin cambio (no estaban «{EstatusPrograma(desde).label}»): "
                    f"{', '.join(omitidos)}.",
                    messages.WARNING,
                )
            return None
        return TemplateResponse(
            request,
            "admin/raoce/programa/cambiar_estatus.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "titulo": titulo,
                "boton": boton,
                "accion": accion,
                "form": form,
                "programas": list(queryset.select_related("persona")),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Suspender los programas seleccionados (con motivo)")
    def suspender(self, request, queryset):
        return self._cambiar_estatus(
            request, queryset, "suspender", nuevo=E.SUSPENDIDO, desde=E.VIGENTE
        )

    @admin.action(description="Reactivar los programas seleccionados (con motivo)")
    def reactivar(self, request, queryset):
        return self._cambiar_estatus(
            request, queryset, "reactivar", nuevo=E.VIGENTE, desde=E.SUSPENDIDO
        )


class BienProducidoInline(admin.TabularInline):
    model = BienProducido
    extra = 0
    can_delete = False
    fields = ("clave_sector", "fraccion_arancelaria", "unidad_medida", "volumen")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReporteAnual)
class ReporteAnualAdmin(SoloLecturaMixin, admin.ModelAdmin):  # signed reports: seed 003
    list_display = (
        "periodo",
        "folio",
        "solicitante",
        "lista_programas",
        "ventas_totales",
        "total_exportaciones",
        "total_importaciones",
        "saldo",
        "porcentaje_exportacion",
    )
    list_filter = ("periodo", "programas__tipo")
    search_fields = (
        "solicitud__folio",
        "solicitud__numero_temporal",
        "solicitud__solicitante__rfc",
        "solicitud__solicitante__nombre",
        "programas__numero",
    )
    list_select_related = ("solicitud__solicitante",)
    fields = (
        "solicitud",
        "periodo",
        "lista_programas",
        "ventas_totales",
        "total_exportaciones",
        "total_importaciones",
        "saldo",
        "porcentaje_exportacion",
        "tipo_cambio",
        "replicado_de",
    )
    readonly_fields = fields
    inlines = [BienProducidoInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("programas").distinct()

    @admin.display(description="folio", ordering="solicitud__folio")
    def folio(self, obj):
        return obj.solicitud.folio or f"(borrador {obj.solicitud.numero_temporal})"

    @admin.display(description="solicitante", ordering="solicitud__solicitante__rfc")
    def solicitante(self, obj):
        return obj.solicitud.solicitante

    @admin.display(description="programas")
    def lista_programas(self, obj):
        return ", ".join(f"{p.tipo} {p.numero}" for p in obj.programas.all())

    @admin.display(description="saldo b−c")
    def saldo(self, obj):
        return obj.saldo

    @admin.display(description="% exportación b/a·100")
    def porcentaje_exportacion(self, obj):
        return obj.porcentaje_exportacion


@admin.register(TipoCambio)
class TipoCambioAdmin(NivelCentralAdmin):
    list_display = ("anio", "pesos_por_dolar", "fuente")
    ordering = ("-anio",)
    search_fields = ("anio",)
    inlines = [AuditoriaInline]

    def get_readonly_fields(self, request, obj=None):
        return ("anio",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        """Audit every rate set or corrected (it decides ALTEX/ECEX ratifications)."""
        anterior = None
        if change:
            anterior = TipoCambio.objects.filter(pk=obj.pk).values_list(
                "pesos_por_dolar", flat=True
            )[0]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if anterior is None or obj.pesos_por_dolar != anterior:
                registrar_auditoria(
                    obj,
                    anterior="" if anterior is None else f"{anterior:.4f}",
                    nuevo=f"{obj.pesos_por_dolar:.4f}",
                    usuario=request.user,
                    motivo=f"Tipo de cambio promedio {obj.anio} ({obj.fuente})"[:500],
                )
