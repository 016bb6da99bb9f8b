"""Back-office of cupos (nivel central): the catalog (cupos, subcupos, representaciones
federales) and read-only views of asignaciones, their saldo ledger and certificates.

Only nivel central (group ``nivel_central``) and superusers edit the catalog; everyone else
with access sees it read-only. Asignaciones, movements and certificates are never edited
here: they change only through the services (ledger under a lock, audited).
The catalog rules (``cupos.reglas``) run in the forms' ``clean``.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from cupos import (
    admin_apertura,  # noqa: F401  (registers the opening-balance admin)
    reglas,
    saldos,
)
from cupos.asignacion import antecedentes
from cupos.models import (
    Asignacion,
    CertificadoCupo,
    Cupo,
    Elegibilidad,
    MovimientoSaldo,
    RepresentacionFederal,
    Subcupo,
)
from cupos.montos import formato_monto
from cupos.ventanas import VentanaRecepcion
from tramites.admin import AuditoriaInline
from tramites.reglas import ReglaError
from vucem.admin import NivelCentralMixin, SoloLecturaMixin


def _error(exc: ReglaError, campos) -> ValidationError:
    mensaje = f"{exc.codigo}: {exc.mensaje}"
    if exc.campo and exc.campo in campos:
        return ValidationError({exc.campo: mensaje}, code=exc.codigo)
    return ValidationError(mensaje, code=exc.codigo)


# ------------------------------------------------------------------------------ forms


class CupoForm(forms.ModelForm):
    fracciones_arancelarias = forms.CharField(
        label="Fracciones arancelarias",
        help_text="Separadas por comas, formato NNNN.NN.NN (p. ej. 1004.00.99).",
    )

    class Meta:
        model = Cupo
        fields = [
            "clave",
            "nombre",
            "producto",
            "subproducto",
            "fracciones_arancelarias",
            "regimen",
            "tratado",
            "mecanismo",
            "monto_total",
            "unidad",
            "anio",
            "vigencia_inicio",
            "vigencia_fin",
            "fundamento",
            "fecha_dof",
            "representacion_federal",
            "activo",
            "anterior",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["fracciones_arancelarias"] = self.instance.fracciones_texto

    def clean_fracciones_arancelarias(self):
        texto = self.cleaned_data["fracciones_arancelarias"]
        return [f.strip() for f in texto.replace(";", ",").split(",") if f.strip()]

    def clean(self):
        datos = super().clean()
        cupo = Cupo(**{k: v for k, v in datos.items() if k in {f.name for f in Cupo._meta.fields}})
        try:
            reglas.validar_datos_cupo(cupo)
        except ReglaError as exc:
            raise _error(exc, self.fields) from None
        return datos


class SubcupoForm(forms.ModelForm):
    elegibilidad = forms.ChoiceField(
        label="Quién puede solicitarlo",
        choices=Elegibilidad.choices,
        required=False,
        initial=Elegibilidad.ABIERTA,
        help_text="Se decide con los registros de la Secretaría (seed 004, Cuadro 1).",
    )
    ventana = forms.JSONField(
        required=False,
        label="Ventana de recepción",
        help_text=(
            'Regla de cupos.ventanas, p. ej. {"tipo": "dias_habiles_desde_primer_habil", '
            '"mes": 1, "dias": 15}. Vacío: toda la vigencia del cupo.'
        ),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 50}),
    )

    class Meta:
        model = Subcupo
        fields = [
            "cupo",
            "clave",
            "beneficiario",
            "monto",
            "mecanismo",
            "criterio",
            "ventana",
            "maximo_por_beneficiario",
            "residual_de",
            "parametros",
            "orden",
            "elegibilidad",
            "rfcs_designados",
        ]

    def clean_ventana(self):
        return self.cleaned_data.get("ventana") or {}

    def clean_elegibilidad(self):
        return self.cleaned_data.get("elegibilidad") or Elegibilidad.ABIERTA

    def clean(self):
        datos = self._clean_catalogo()
        if "rfcs_designados" in self.fields and not self.errors and not datos.get("DELETE"):
            try:
                datos["rfcs_designados"] = antecedentes.normalizar_designados(
                    datos.get("elegibilidad"), datos.get("rfcs_designados")
                )
            except ReglaError as exc:
                raise _error(exc, self.fields) from None
        return datos

    def _clean_catalogo(self):
        datos = super().clean()
        if self.errors or datos.get("DELETE"):
            return datos
        sub = self.instance
        for campo in (
            "cupo",
            "clave",
            "monto",
            "criterio",
            "mecanismo",
            "maximo_por_beneficiario",
            "ventana",
        ):
            if campo in datos:
                setattr(sub, campo, datos[campo])
        try:
            # The unit is the cupo's (kg for an inline row without its cupo yet).
            reglas.validar_subcupo(sub, residual_de=list(datos.get("residual_de") or []))
        except ReglaError as exc:
            raise _error(exc, self.fields) from None
        return datos


class SubcupoFormSet(forms.BaseInlineFormSet):
    """CUP001 on the sum of the rows being saved (each row runs its own rules)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        vivos = [
            form.instance
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        if self.instance.monto_total is not None:
            try:
                reglas.CUP001().validar(self.instance, subcupos=vivos)
            except ReglaError as exc:
                raise ValidationError(f"{exc.codigo}: {exc.mensaje}", code=exc.codigo) from None


class SubcupoInline(NivelCentralMixin, admin.StackedInline):
    model = Subcupo
    form = SubcupoForm
    formset = SubcupoFormSet
    extra = 0
    filter_horizontal = ("residual_de",)
    fields = (
        ("clave", "orden"),
        "beneficiario",
        ("monto", "maximo_por_beneficiario"),
        ("mecanismo", "criterio"),
        "ventana",
        "residual_de",
        "parametros",
        ("elegibilidad", "rfcs_designados"),
    )


# ------------------------------------------------------------------------------ catalog


@admin.register(RepresentacionFederal)
class RepresentacionFederalAdmin(NivelCentralMixin, admin.ModelAdmin):
    list_display = ("clave", "nombre")
    search_fields = ("clave", "nombre")


@admin.register(Cupo)
class CupoAdmin(NivelCentralMixin, admin.ModelAdmin):
    form = CupoForm
    inlines = [SubcupoInline]
    list_display = (
        "nombre",
        "anio",
        "regimen",
        "producto",
        "fracciones",
        "monto_total",
        "unidad",
        "mecanismo",
        "activo",
    )
    list_filter = ("anio", "regimen", "mecanismo", "tratado", "activo", "representacion_federal")
    search_fields = ("clave", "nombre", "producto", "subproducto", "fracciones_arancelarias")
    prepopulated_fields = {"clave": ("nombre",)}
    fieldsets = (
        (None, {"fields": ("clave", "nombre", ("producto", "subproducto"))}),
        (
            "Clasificación",
            {"fields": ("fracciones_arancelarias", ("regimen", "tratado"), "mecanismo")},
        ),
        (
            "Monto y periodo",
            {"fields": (("monto_total", "unidad"), "anio", ("vigencia_inicio", "vigencia_fin"))},
        ),
        (
            "Fundamento",
            {"fields": ("fundamento", "fecha_dof", "representacion_federal", "activo")},
        ),
        ("Año anterior (antecedentes y participación proporcional)", {"fields": ("anterior",)}),
        ("Expedición de certificados", {"fields": ("admite_comercializadora",)}),
    )

    @admin.display(description="fracciones")
    def fracciones(self, obj):
        return obj.fracciones_texto


@admin.register(Subcupo)
class SubcupoAdmin(NivelCentralMixin, admin.ModelAdmin):
    """Listing of subcupos across cupos (edited inside their cupo)."""

    form = SubcupoForm
    list_display = ("cupo", "clave", "monto", "criterio", "maximo_por_beneficiario", "ventana_txt")
    list_filter = ("criterio", "mecanismo", "cupo__anio")
    search_fields = ("cupo__nombre", "clave", "beneficiario")
    filter_horizontal = ("residual_de",)

    @admin.display(description="ventana de recepción")
    def ventana_txt(self, obj):
        if not obj.ventana:
            return "—"
        try:
            return VentanaRecepcion.from_dict(obj.ventana).descripcion()
        except Exception:
            return json.dumps(obj.ventana)


# ------------------------------------------------------------------------------ ledger


class MovimientoInline(SoloLecturaMixin, admin.TabularInline):
    model = MovimientoSaldo
    fk_name = "asignacion"
    extra = 0
    fields = ("creado", "tipo", "monto", "certificado", "solicitud", "usuario", "descripcion")
    readonly_fields = fields
    ordering = ("creado", "pk")


@admin.register(Asignacion)
class AsignacionAdmin(SoloLecturaMixin, admin.ModelAdmin):
    list_display = (
        "oficio",
        "beneficiario",
        "subcupo",
        "monto_asignado",
        "saldo_disponible",
        "vigencia_fin",
        "estado",
    )
    list_filter = ("anio", "estado", "subcupo__cupo__regimen", "subcupo__cupo")
    search_fields = ("numero_oficio", "beneficiario__rfc", "beneficiario__nombre")
    list_select_related = ("beneficiario", "subcupo__cupo")
    inlines = [MovimientoInline, AuditoriaInline]
    readonly_fields = (
        "subcupo",
        "beneficiario",
        "solicitud",
        "anio",
        "numero_oficio",
        "fecha_oficio",
        "monto_asignado",
        "vigencia_inicio",
        "vigencia_fin",
        "estado",
        "dictaminador",
        "saldo",
        "revocacion",
    )

    @admin.display(description="revocación")
    def revocacion(self, obj):
        """Nivel central revokes an oficio on its own page (service, motivo, audit, notice)."""
        if obj is None or not obj.pk or obj.estado != Asignacion.Estado.VIGENTE:
            return "—"
        url = reverse("cupos:dictamen_revocar", args=[obj.anio, obj.numero_oficio])
        return format_html('<a href="{}">Revocar este oficio…</a> (solo nivel central)', url)

    @admin.display(description="oficio", ordering="numero_oficio")
    def oficio(self, obj):
        return f"{obj.numero_oficio}/{obj.anio}"

    @admin.display(description="saldo disponible")
    def saldo_disponible(self, obj):
        return saldos.disponible(obj)

    @admin.display(description="saldo (libro de movimientos)")
    def saldo(self, obj):
        t = saldos.totales(obj)
        unidad = obj.subcupo.cupo.unidad
        filas = [
            (etiqueta, formato_monto(t[clave], unidad))
            for etiqueta, clave in (
                ("Aprobado", "aprobado"),
                ("Expedido", "expedido"),
                ("Cancelado (monto a favor)", "cancelado"),
                ("Disponible", "disponible"),
            )
        ]
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><th>{}</th><td style='text-align:right'>{}</td></tr>", filas),
        )


@admin.register(MovimientoSaldo)
class MovimientoSaldoAdmin(SoloLecturaMixin, admin.ModelAdmin):
    list_display = ("creado", "asignacion", "tipo", "monto", "certificado", "usuario")
    list_filter = ("tipo",)
    search_fields = ("asignacion__numero_oficio", "certificado__folio", "descripcion")
    list_select_related = ("asignacion", "certificado", "usuario")


@admin.register(CertificadoCupo)
class CertificadoCupoAdmin(SoloLecturaMixin, admin.ModelAdmin):
    list_display = (
        "folio",
        "titular",
        "cupo",
        "monto_expedido",
        "monto_utilizado",
        "monto_cancelado",
        "vigencia_fin",
        "estado",
    )
    list_filter = ("estado", "asignacion__subcupo__cupo", "vigencia_fin")
    search_fields = ("folio", "titular__rfc", "titular__nombre", "solicitud__folio")
    list_select_related = ("titular", "asignacion__subcupo__cupo")
    date_hierarchy = "vigencia_fin"
    readonly_fields = (
        "folio",
        "numero",
        "asignacion",
        "solicitud",
        "titular",
        "monto_expedido",
        "monto_utilizado",
        "monto_cancelado",
        "vigencia_inicio",
        "vigencia_fin",
        "estado",
        "documento",
        "recordatorio_devolucion",
        "creado",
    )
    inlines = [AuditoriaInline]

    @admin.display(description="cupo")
    def cupo(self, obj):
        return obj.asignacion.subcupo.cupo.nombre
