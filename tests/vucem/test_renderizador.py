"""vucem.renderizador (issue 8): the widgets it writes in Python give exactly the markup of
Django's templates, for every kind of value and attribute; the rest still use templates."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from vucem import renderizador
from vucem.renderizador import RenderizadorFormularios

WIDGETS_DE_DJANGO = Path(django.__file__).parent / "forms" / "templates" / "django" / "forms"


class Todo(forms.Form):
    texto = forms.CharField(max_length=20, help_text="Ayuda")
    opcional = forms.CharField(required=False, widget=forms.TextInput(attrs={"x-falso": False}))
    entero = forms.IntegerField(min_value=0)
    decimal = forms.DecimalField(max_digits=12, decimal_places=3)
    fecha = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    momento = forms.DateTimeField()
    hora = forms.TimeField()
    correo = forms.EmailField()
    url = forms.URLField()
    clave = forms.CharField(widget=forms.PasswordInput(render_value=True))
    oculto = forms.CharField(widget=forms.HiddenInput)
    acepta = forms.BooleanField(required=False)
    busca = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
    elige = forms.ChoiceField(
        choices=[("", "---------"), ("a", "Ácido <b>"), ("b", gettext_lazy("Bien"))]
    )
    grupos = forms.ChoiceField(
        choices=[("Frutas", [("m", "Manzana"), ("p", "Pera")]), ("z", "Zanahoria")]
    )
    anios = forms.TypedChoiceField(choices=[(2025, 2025), (2026, 2026)], coerce=int)
    varios = forms.MultipleChoiceField(choices=[("1", "uno"), ("2", "dos")], required=False)
    nulo = forms.NullBooleanField()
    nota = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lista = forms.MultipleChoiceField(
        choices=[("1", "uno")], widget=forms.CheckboxSelectMultiple, required=False
    )
    radio = forms.ChoiceField(choices=[("s", "Sí")], widget=forms.RadioSelect)


VALORES = [
    {},  # unbound, no initial
    {
        "texto": 'O\'Hara & "Hijos" <SA>',
        "opcional": "",
        "entero": "12345",
        "decimal": "1234.500",
        "fecha": "2026-05-15",
        "momento": "2026-05-15 10:30",
        "hora": "10:30",
        "correo": "x@ejemplo.mx",
        "url": "https://ejemplo.mx/?a=1&b=2",
        "clave": "s3cr3t<",
        "oculto": "123",
        "acepta": "on",
        "busca": "café",
        "elige": "a",
        "grupos": "p",
        "anios": "2026",
        "varios": ["1", "2"],
        "nulo": "true",
        "nota": "línea 1\n<línea 2>",
        "lista": ["1"],
        "radio": "s",
    },
    {"entero": "no es número", "elige": "zz", "fecha": "31/02/2026", "nota": ""},
]

INICIALES = {
    "texto": mark_safe("<i>seguro</i>"),
    "entero": 1234567,
    "decimal": Decimal("0.001"),
    "fecha": dt.date(2026, 1, 2),
    "momento": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
    "acepta": True,
    "grupos": "m",
    "anios": 2025,
    "varios": ["2"],
    "nulo": None,
    "nota": "Hola & adiós",
}


def _campos(form):
    return [(c.name, str(c)) for c in form]


@pytest.mark.parametrize("datos", VALORES)
def test_mismo_html_que_las_plantillas_de_django(datos):
    for kwargs in ({"data": datos} if datos else {}, {"initial": INICIALES}):
        rapido = Todo(renderer=RenderizadorFormularios(), **kwargs)
        plantillas = Todo(renderer=DjangoTemplates(), **kwargs)
        if rapido.is_bound:
            assert rapido.is_valid() == plantillas.is_valid()
        assert _campos(rapido) == _campos(plantillas)
        assert str(rapido) == str(plantillas)  # the whole form (div template, labels, errors)


def test_los_escritos_son_los_que_solo_incluyen_input_html():
    """A Django upgrade that changes one of these templates makes this test fail."""
    for nombre in renderizador.INCLUYEN_INPUT:
        archivo = WIDGETS_DE_DJANGO.parent.parent / nombre
        assert archivo.read_text() == '{% include "django/forms/widgets/input.html" %}\n'


def test_ninguna_plantilla_del_proyecto_reemplaza_un_widget_escrito():
    motor = DjangoTemplates().engine
    for nombre in renderizador.ESCRITAS:
        origen = Path(motor.get_template(nombre).origin.name)
        assert origen.is_relative_to(WIDGETS_DE_DJANGO), origen


def test_el_portal_lo_usa(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "vucem.renderizador.RenderizadorFormularios"
    get_default_renderer.cache_clear()
    assert isinstance(get_default_renderer(), RenderizadorFormularios)
    assert isinstance(Todo().renderer, RenderizadorFormularios)


def test_los_escritos_no_cargan_plantillas(monkeypatch):
    """The comparison above holds because these fields take the Python path: no template is
    loaded for them; a radio list still is."""
    usadas = []
    original = DjangoTemplates.get_template

    def get_template(self, nombre):
        usadas.append(nombre)
        return original(self, nombre)

    monkeypatch.setattr(DjangoTemplates, "get_template", get_template)
    form = Todo(renderer=RenderizadorFormularios(), initial=INICIALES)
    escritos = ["texto", "entero", "fecha", "acepta", "elige", "grupos", "varios", "nulo", "nota"]
    for nombre in [*escritos, "oculto", "clave", "correo", "momento", "hora", "busca", "url"]:
        assert str(form[nombre]).startswith(("<input", "<select", "<textarea"))
    assert usadas == []
    str(form["radio"])
    assert "django/forms/widgets/radio.html" in usadas
