"""Back-office of the previous year's records of a proportional subcupo (seed 004, B):

* **Saldos de apertura** — in a first year of operation, nivel central captures what each
  company was assigned the year before, with the document that proves it. Every capture,
  change and removal is audited. Refused once the subcupo's participations are fixed, or
  when our records already hold the previous year (``antecedentes.validar_saldo_apertura``).
* **Bases de la participación proporcional** — the fixed participations θ, read-only.

Registered by ``cupos.admin`` (which imports this module).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from cupos.asignacion import antecedentes
from cupos.models import (
    BaseProporcional,
    Criterio,
    ParticipacionAnterior,
    SaldoApertura,
    Subcupo,
)
from cupos.montos import formato_monto
from tramites.admin import AuditoriaInline
from tramites.reglas import ReglaError
from tramites.services import registrar_auditoria
from vucem.admin import SoloLecturaMixin
from vucem.roles import es_nivel_central


class SaldoAperturaForm(forms.ModelForm):
    class Meta:
        model = SaldoApertura
        fields = ["subcupo", "rfc", "nombre", "monto_anio_anterior", "documento", "observaciones"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "subcupo" in self.fields:
            self.fields["subcupo"].queryset = Subcupo.objects.filter(
                criterio=Criterio.PROPORCIONAL
            ).select_related("cupo")

    def clean_rfc(self):
        return (self.cleaned_data.get("rfc") or "").strip().upper()

    def clean_monto_anio_anterior(self):
        monto = self.cleaned_data["monto_anio_anterior"]
        if monto is not None and monto <= 0:
            raise ValidationError("El monto debe ser mayor que cero.")
        return monto

    def clean_documento(self):
        documento = (self.cleaned_data.get("documento") or "").strip()
        if not documento:
            raise ValidationError("Indique el documento que acredita el monto.")
        return documento

    def clean(self):
        datos = super().clean()
        subcupo = datos.get("subcupo") or getattr(self.instance, "subcupo", None)
        if subcupo is not None:
            try:
                antecedentes.validar_saldo_apertura(subcupo)
            except ReglaError as exc:
                raise ValidationError({"subcupo": exc.mensaje}, code=exc.codigo) from None
        return datos


def _describir(obj: SaldoApertura) -> str:
    return (
        f"Saldo de apertura {obj.subcupo}: {obj.rfc} {obj.nombre}, "
        f"{formato_monto(obj.monto_anio_anterior, obj.subcupo.cupo.unidad)} "
        f"(documento: {obj.documento})"
    )


@admin.register(SaldoApertura)
class SaldoAperturaAdmin(admin.ModelAdmin):
    """Nivel central captures; everyone else with access reads. Audited."""

    form = SaldoAperturaForm
    list_display = ("subcupo", "rfc", "nombre", "monto_anio_anterior", "documento", "capturado_en")
    list_filter = ("subcupo__cupo__anio", "subcupo__cupo")
    search_fields = ("rfc", "nombre", "documento")
    list_select_related = ("subcupo__cupo",)
    readonly_fields = ("capturado_por", "capturado_en")
    inlines = [AuditoriaInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def _editable(self, request, obj=None) -> bool:
        if not es_nivel_central(request.user):
            return False
        return obj is None or not BaseProporcional.objects.filter(subcupo=obj.subcupo).exists()

    def has_add_permission(self, request):
        return self._editable(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        anterior = ""
        if change:
            previo = SaldoApertura.objects.get(pk=obj.pk)
            anterior = "capturado"
            motivo = f"Modificado. Antes: {_describir(previo)}. Ahora: {_describir(obj)}"
        else:
            obj.capturado_por = request.user
            motivo = _describir(obj)
        super().save_model(request, obj, form, change)
        registrar_auditoria(
            obj,
            anterior=anterior,
            nuevo="modificado" if change else "capturado",
            usuario=request.user,
            motivo=motivo,
        )

    def delete_model(self, request, obj):
        registrar_auditoria(
            obj,
            anterior="capturado",
            nuevo="eliminado",
            usuario=request.user,
            motivo=_describir(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ParticipacionInline(SoloLecturaMixin, admin.TabularInline):
    model = ParticipacionAnterior
    extra = 0
    can_delete = False
    fields = ("orden", "rfc", "nombre", "monto_anterior", "theta", "theta_ajustada")
    readonly_fields = fields


@admin.register(BaseProporcional)
class BaseProporcionalAdmin(SoloLecturaMixin, admin.ModelAdmin):
    """The fixed participations θ of a subcupo: read-only (made by the service)."""

    list_display = ("subcupo", "anio_anterior", "origen", "total_anterior", "congelada_en")
    list_select_related = ("subcupo__cupo",)
    readonly_fields = (
        "subcupo",
        "origen",
        "anio_anterior",
        "precision",
        "total_anterior",
        "congelada_en",
    )
    inlines = [ParticipacionInline, AuditoriaInline]
