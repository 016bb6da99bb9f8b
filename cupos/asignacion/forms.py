"""Forms of the solicitud de asignación de cupo and of the dictamen back-office.

Rules live in :mod:`cupos.asignacion.registro` (per mechanism) and :mod:`cupos.mecanismos`;
forms only call them."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from cupos import ventanas
from cupos.asignacion import anexos, antecedentes, registro
from cupos.forms import campo_cantidad
from cupos.models import Criterio, Cupo, Regimen, RepresentacionFederal, Subcupo

UNO_MIL = Decimal("0.001")


def _opciones(campo: str) -> list[tuple[str, str]]:
    valores = (
        Cupo.objects.filter(activo=True)
        .exclude(**{campo: ""})
        .order_by(campo)
        .values_list(campo, flat=True)
        .distinct()
    )
    return [("", "Todos")] + [(v, v) for v in valores]


class FiltroCupoForm(forms.Form):
    """Search of seed 001: régimen, tratado, producto, subproducto, representación federal."""

    regimen = forms.ChoiceField(label="Régimen aduanero", required=False)
    tratado = forms.ChoiceField(label="Tratado o bloque comercial", required=False)
    producto = forms.ChoiceField(label="Producto", required=False)
    subproducto = forms.ChoiceField(label="Subproducto", required=False)
    representacion_federal = forms.ModelChoiceField(
        label="Representación federal",
        queryset=RepresentacionFederal.objects.all(),
        required=False,
        empty_label="Todas",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regimen"].choices = [("", "Todos"), *Regimen.choices]
        for campo in ("tratado", "producto", "subproducto"):
            self.fields[campo].choices = _opciones(campo)

    def cupos(self):
        qs = (
            Cupo.objects.filter(activo=True)
            .select_related("representacion_federal")
            .prefetch_related("subcupos")
        )
        if self.is_bound and self.is_valid():
            d = self.cleaned_data
            for campo in ("regimen", "tratado", "producto", "subproducto"):
                if d.get(campo):
                    qs = qs.filter(**{campo: d[campo]})
            if d.get("representacion_federal"):
                qs = qs.filter(representacion_federal=d["representacion_federal"])
        return qs.order_by("-anio", "nombre")


def subcupos_seleccionables():
    """Subcupos open to applications in this wizard (auctions are out of scope)."""
    return Subcupo.objects.filter(cupo__activo=True).exclude(criterio=Criterio.LICITACION)


class SeleccionSubcupoForm(forms.Form):
    subcupo = forms.ModelChoiceField(
        label="Cupo y tipo de beneficiario",
        queryset=Subcupo.objects.none(),
        error_messages={
            "required": "Seleccione el cupo y el tipo de beneficiario que le corresponde.",
            "invalid_choice": "El cupo seleccionado no está disponible.",
        },
    )

    def __init__(self, *args, persona=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.persona = persona
        self.fields["subcupo"].queryset = subcupos_seleccionables().select_related("cupo")

    def clean_subcupo(self):
        subcupo = self.cleaned_data["subcupo"]
        momento = ventanas.ahora()
        try:
            ventanas.validar_ventana(subcupo, momento)
        except ventanas.VentanaCerradaError as exc:
            raise forms.ValidationError(exc.mensaje) from None
        if self.persona is not None:
            e = antecedentes.elegibilidad(subcupo, self.persona, momento)
            if not e.elegible:
                raise forms.ValidationError(e.motivo)
        return subcupo


class DatosSolicitudForm(forms.Form):
    """Cantidad solicitada and what the subcupo's criterio needs (seeds 002 and 004)."""

    def __init__(self, *args, subcupo: Subcupo, **kwargs):
        super().__init__(*args, **kwargs)
        self.subcupo = subcupo
        cupo = subcupo.cupo
        dec = cupo.decimales
        u = cupo.get_unidad_display()
        f = self.fields
        f["monto_solicitado"] = campo_cantidad(f"Cantidad solicitada ({u})", dec)
        f.update(registro.mecanismo_de(subcupo.criterio).campos_datos(u, dec))

    def clean_monto_solicitado(self):
        monto = self.cleaned_data["monto_solicitado"]
        if monto <= 0:
            raise forms.ValidationError("La cantidad solicitada debe ser mayor que cero.")
        return monto

    def clean(self):
        d = super().clean()
        if self.errors:
            return d
        d.update(registro.normalizar_datos(self.subcupo, d))
        for campo, mensajes in registro.validar_datos(self.subcupo, d).items():
            for mensaje in mensajes:
                self.add_error(campo, mensaje)
        return d


class AnexoForm(forms.Form):
    tipo = forms.ChoiceField(label="Tipo de documento")
    archivo = forms.FileField(
        label="Archivo PDF",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"required": "Seleccione el archivo PDF que desea adjuntar."},
    )

    def __init__(self, *args, tipos: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tipo"].choices = [(t, anexos.TIPOS_ANEXO[t]) for t in tipos]


class AprobarForm(forms.Form):
    monto = forms.DecimalField(
        label="Monto a asignar", max_digits=18, decimal_places=3, min_value=UNO_MIL
    )
    justificacion = forms.CharField(
        label="Justificación (obligatoria si asigna menos que la propuesta)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RechazarForm(forms.Form):
    motivo = forms.CharField(
        label="Motivo del rechazo",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Capture el motivo del rechazo."},
    )
