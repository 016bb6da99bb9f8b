"""Forms of the "Reporte anual de programa de la SE" wizard (seed 003).

Amounts arrive as text and are parsed by :mod:`raoce.reporte.importes` (one rule, one
message); the fracción arancelaria by
:meth:`~raoce.reporte.reglas.FraccionArancelaria.normalizar`. A broken rule
(:class:`~tramites.reglas.ReglaError`) becomes the field's error.
"""

from __future__ import annotations

from django import forms

from tramites.reglas import ReglaError

from . import reglas
from .importes import parsear_miles, parsear_volumen

#: Units of measure offered for bienes producidos (a subset of the TIGIE's).
UNIDADES_MEDIDA = [
    "Kilogramo",
    "Tonelada",
    "Gramo",
    "Litro",
    "Metro",
    "Metro cuadrado",
    "Metro cúbico",
    "Pieza",
    "Par",
    "Juego",
    "Docena",
    "Millar",
    "Kilowatt hora",
]


def _campo(funcion, *args):
    """Run a parse rule for a form field: its ReglaError becomes the field's error."""
    try:
        return funcion(*args)
    except ReglaError as exc:
        raise forms.ValidationError(exc.mensaje, code=exc.codigo) from None


_TEXTO_IMPORTE = {"inputmode": "decimal", "autocomplete": "off", "class": "form-control text-end"}


def _importe(etiqueta: str, requerido: str, demasiado_largo: str) -> forms.CharField:
    """An amount in miles de pesos, typed as text (parsed in ``clean_<campo>``)."""
    return forms.CharField(
        label=etiqueta,
        max_length=40,
        error_messages={"required": requerido, "max_length": demasiado_largo},
        widget=forms.TextInput(attrs=_TEXTO_IMPORTE),
    )


class ProgramasForm(forms.Form):
    """Which program (an IMMEX with its linked programs counts as one) is reported."""

    grupo = forms.ChoiceField(
        label="Programa a reportar",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Seleccione el programa por el que presenta el reporte anual.",
            "invalid_choice": "Seleccione uno de los programas de la tabla.",
        },
    )

    def __init__(self, *args, grupos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.grupos = list(grupos)
        self.fields["grupo"].choices = [(g.clave, g.tipo) for g in self.grupos]

    def grupo_elegido(self):
        clave = self.cleaned_data["grupo"]
        return next(g for g in self.grupos if g.clave == clave)


class DatosReporteForm(forms.Form):
    """Reporte anual balanza comercial, in miles de pesos. ``total_importaciones`` exists only
    when the programs require it (not for an IMMEX with linked PROSEC/ALTEX/ECEX)."""

    ventas_totales = _importe(
        "Ventas totales (a)",
        "Capture las ventas totales (a).",
        "Las ventas totales (a) tienen demasiados dígitos.",
    )
    total_exportaciones = _importe(
        "Total exportaciones (b)",
        "Capture el total de exportaciones (b).",
        "El total de exportaciones (b) tiene demasiados dígitos.",
    )
    total_importaciones = _importe(
        "Total importaciones (c)",
        "Capture el total de importaciones (c).",
        "El total de importaciones (c) tiene demasiados dígitos.",
    )

    def __init__(self, *args, requiere_importaciones: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.requiere_importaciones = requiere_importaciones
        if not requiere_importaciones:
            del self.fields["total_importaciones"]

    def _importe(self, campo: str):
        return _campo(parsear_miles, self.cleaned_data.get(campo), self.fields[campo].label)

    def clean_ventas_totales(self):
        return self._importe("ventas_totales")

    def clean_total_exportaciones(self):
        return self._importe("total_exportaciones")

    def clean_total_importaciones(self):
        return self._importe("total_importaciones")

    def clean(self):
        datos = super().clean()
        a, b = datos.get("ventas_totales"), datos.get("total_exportaciones")
        if a is not None and b is not None:
            try:
                reglas.ExportacionesDentroDeVentas().validar(a, exportaciones=b)
            except ReglaError as exc:
                self.add_error(exc.campo, exc.mensaje)
        return datos


class BienProducidoForm(forms.Form):
    """One bien producido (PROSEC only), added with *Agregar*."""

    clave_sector = forms.CharField(
        label="Clave y sector",
        max_length=120,
        error_messages={"required": "Seleccione la clave y sector del bien producido."},
    )
    fraccion_arancelaria = forms.CharField(
        label="Fracción arancelaria",
        max_length=20,
        error_messages={"required": "Capture la fracción arancelaria del bien producido."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": "0000.00.00"}
        ),
    )
    unidad_medida = forms.ChoiceField(
        label="Unidad de medida",
        choices=[("", "Seleccione…"), *[(u, u) for u in UNIDADES_MEDIDA]],
        error_messages={
            "required": "Seleccione la unidad de medida del bien producido.",
            "invalid_choice": "Seleccione una unidad de medida de la lista.",
        },
    )
    volumen = forms.CharField(
        label="Volumen del total producido",
        max_length=40,
        error_messages={"required": "Capture el volumen del total producido."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, sectores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sectores = list(sectores)
        if self.sectores:
            self.fields["clave_sector"] = forms.ChoiceField(
                label="Clave y sector",
                choices=[("", "Seleccione…"), *[(s, s) for s in self.sectores]],
                error_messages={
                    "required": "Seleccione la clave y sector del bien producido.",
                    "invalid_choice": "Seleccione un sector autorizado de la lista.",
                },
            )

    def clean_fraccion_arancelaria(self):
        return _campo(
            reglas.FraccionArancelaria.normalizar, self.cleaned_data.get("fraccion_arancelaria")
        )

    def clean_volumen(self):
        return _campo(parsear_volumen, self.cleaned_data.get("volumen"))

    @property
    def capturado(self) -> bool:
        """Something was typed in the bien fields (to warn when Continuar would drop it)."""
        return any((self.data.get(self.add_prefix(k)) or "").strip() for k in self.fields)
