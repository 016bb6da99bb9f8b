from axes.utils import reset
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from vucem.models import Capturista, Domicilio, Persona, User
from vucem.roles import es_nivel_central


class SoloLecturaMixin:
    """No add, change or delete for anyone: what the admin shows changes only through services."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NivelCentralMixin:
    """Edit rights only for nivel central and superusers (on top of model permissions)."""

    def has_add_permission(self, request, *args):
        return es_nivel_central(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return es_nivel_central(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return es_nivel_central(request.user) and super().has_delete_permission(request, obj)


class DomicilioInline(admin.TabularInline):
    model = Domicilio
    extra = 0


class CapturistaInline(admin.TabularInline):
    model = Capturista
    extra = 0
    fields = ("usuario", "activo", "alta", "baja")
    readonly_fields = ("alta",)
    autocomplete_fields = ("usuario",)


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ("rfc", "nombre", "tipo", "correo", "estado", "creada")
    list_filter = ("tipo", "estado")
    search_fields = ("rfc", "nombre", "curp", "rfc_representante")
    ordering = ("nombre",)
    inlines = [DomicilioInline, CapturistaInline]
    readonly_fields = ("creada",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "rfc",
                    "tipo",
                    "nombre",
                    "curp",
                    "correo",
                    "telefono",
                    "actividad_economica",
                )
            },
        ),
        ("Representante legal", {"fields": ("rfc_representante", "curp_representante")}),
        (
            "Domicilio fiscal",
            {
                "fields": (
                    "calle",
                    "numero_exterior",
                    "numero_interior",
                    "colonia",
                    "codigo_postal",
                    "localidad",
                    "municipio",
                    "estado",
                    "pais",
                )
            },
        ),
        ("Registro", {"fields": ("creada",)}),
    )


@admin.register(User)
class UsuarioAdmin(UserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "persona",
        "grupos",
        "is_staff",
        "is_active",
    )
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")
    search_fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "persona__rfc",
        "persona__nombre",
    )
    autocomplete_fields = ("persona",)
    fieldsets = UserAdmin.fieldsets + (
        ("Ventanilla", {"fields": ("persona", "representacion_federal", "cargo")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Ventanilla", {"fields": ("persona", "groups", "representacion_federal")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("persona").prefetch_related("groups")

    actions = ["desbloquear_ingreso"]

    @admin.action(description="Desbloquear el ingreso (borra sus intentos fallidos)")
    def desbloquear_ingreso(self, request, queryset):
        """Unlock path for staff: forget the failed logins of these accounts, from every
        address (django-axes; also what a FIEL login records under the RFC)."""
        total = sum(reset(username=u.username) for u in queryset)
        self.message_user(
            request,
            f"Se desbloqueó el ingreso de {queryset.count()} cuenta(s) "
            f"({total} registro(s) de intentos fallidos borrados).",
        )

    @admin.display(description="roles")
    def grupos(self, obj):
        return ", ".join(g.name for g in obj.groups.all())


@admin.register(Capturista)
class CapturistaAdmin(admin.ModelAdmin):
    list_display = ("usuario", "solicitante", "activo", "alta", "baja")
    list_filter = ("activo",)
    search_fields = ("usuario__username", "solicitante__rfc", "solicitante__nombre")
    autocomplete_fields = ("usuario", "solicitante")
