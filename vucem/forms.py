"""Forms of the portal shell (crispy, Bootstrap 5, Spanish)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model, password_validation

from vucem.services import validar_usuario_nuevo


class _Helper(FormHelper):
    def __init__(self, boton: str, *args, form_tag: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_tag = form_tag
        self.add_input(Submit("submit", boton))


class IngresoSinFielForm(forms.Form):
    """Usuario + contraseña (capturistas and staff). Field names match django-axes."""

    username = forms.CharField(
        label="Usuario o RFC",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Contraseña",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        # Own ids: this form shares the page with the FIEL form (both have "password").
        kwargs.setdefault("auto_id", "sf_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class SeleccionRolForm(forms.Form):
    opcion = forms.ChoiceField(
        label="Seleccione la forma en la que desea ingresar",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Seleccione un rol.",
            "invalid_choice": "Seleccione un rol de la lista.",
        },
    )

    def __init__(self, *args, opciones, **kwargs):
        super().__init__(*args, **kwargs)
        self.opciones = {o.clave: o for o in opciones}
        self.fields["opcion"].choices = [(o.clave, o.etiqueta) for o in opciones]
        self.helper = _Helper("Ingresar")

    def clean_opcion(self):
        return self.opciones[self.cleaned_data["opcion"]]


class BandejaFiltrosForm(forms.Form):
    folio = forms.CharField(
        label="Folio o número temporal",
        required=False,
        max_length=25,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    fecha_inicial = forms.DateField(
        label="Fecha inicial",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Escriba la fecha inicial como DD/MM/AAAA."},
    )
    fecha_final = forms.DateField(
        label="Fecha final",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Escriba la fecha final como DD/MM/AAAA."},
    )

    def clean_folio(self):
        folio = self.cleaned_data["folio"].replace(" ", "").strip()
        if folio and not folio.isdigit():
            raise forms.ValidationError("El folio y el número temporal solo contienen dígitos.")
        return folio

    def clean(self):
        datos = super().clean()
        inicial, final = datos.get("fecha_inicial"), datos.get("fecha_final")
        if inicial and final and final < inicial:
            self.add_error(
                "fecha_final", "La fecha final no puede ser anterior a la fecha inicial."
            )
        return datos


class RegistroCapturistaForm(forms.Form):
    username = forms.CharField(
        label="Nombre de usuario",
        max_length=150,
        help_text="Con este usuario ingresará la persona capturista (opción «Sin FIEL»). "
        "Letras, dígitos y @/./+/-/_.",
    )
    nombre = forms.CharField(label="Nombre completo", max_length=150)
    correo = forms.EmailField(label="Correo electrónico")
    password1 = forms.CharField(
        label="Contraseña",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirme la contraseña",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _Helper("Registrar capturista")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User = get_user_model()
        User.username_validator(username)
        validar_usuario_nuevo(username)
        return username

    def clean(self):
        datos = super().clean()
        p1, p2 = datos.get("password1"), datos.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Las contraseñas no coinciden.")
        elif p1:
            User = get_user_model()
            provisional = User(
                username=datos.get("username", ""),
                first_name=datos.get("nombre", ""),
                email=datos.get("correo", ""),
            )
            try:
                password_validation.validate_password(p1, provisional)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return datos
