"""The portal's one error pattern for form fields (issue 9, item 12).

* ``{{ campo|ancla }}``: the id the error summary links to (the input, or the radio group's
  fieldset, whose id is the field's ``auto_id``);
* ``{% widget campo clase="form-control" ayuda="id-de-ayuda" %}``: the field's input with the
  Bootstrap classes, ``is-invalid`` + ``aria-invalid="true"`` when it has errors and
  ``aria-describedby`` naming its help text and its inline error (``<auto_id>_error``);
* ``{{ campo|error_id }}``: the id of the inline error (``includes/error_campo.html``).

The field's bound value is what the input shows, so a rejected value is kept as typed.
"""

from django import template

register = template.Library()


@register.filter
def ancla(campo) -> str:
    """Where the error summary's link for ``campo`` points."""
    return campo.id_for_label or campo.auto_id or campo.html_name


@register.filter
def error_id(campo) -> str:
    return f"{campo.auto_id or campo.html_name}_error"


def describe(campo, ayuda: str = "") -> str:
    """``aria-describedby`` of a field: its help text and, when it has errors, its error."""
    ids = [i for i in (ayuda or "").split() if i]
    if campo.help_text and campo.auto_id:
        ids.append(f"{campo.auto_id}_helptext")
    if campo.errors:
        ids.append(error_id(campo))
    return " ".join(dict.fromkeys(ids))


@register.simple_tag
def widget(campo, clase: str = "form-control", ayuda: str = "", **attrs):
    """The field's input with the pattern's attributes (see the module docstring)."""
    clases = [clase] if clase else []
    if campo.errors:
        clases.append("is-invalid")
        attrs["aria-invalid"] = "true"
    if clases:
        attrs["class"] = " ".join([*clases, attrs.get("class", "")]).strip()
    describedby = describe(campo, ayuda)
    if describedby:
        attrs["aria-describedby"] = describedby
    return campo.as_widget(attrs={k.replace("_", "-"): v for k, v in attrs.items()})


@register.simple_tag(takes_context=True)
def errores_de_formularios(context, *formularios):
    """(ancla, etiqueta, mensaje) of every error of a wizard step's bound forms
    (``formularios_con_error``, set by the engine) or, elsewhere, of the given forms (default:
    ``form``); non-field errors have no ancla."""
    lista = context.get("formularios_con_error")
    if lista is None:
        lista = [f for f in formularios or (context.get("form"),) if f is not None]
    filas = []
    for form in lista:
        if not getattr(form, "is_bound", False):
            continue
        for e in form.non_field_errors():
            filas.append(("", "", e))
        for campo in form:
            for e in campo.errors:
                filas.append((ancla(campo), campo.label, e))
    return filas
