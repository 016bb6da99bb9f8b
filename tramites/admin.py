from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline

from tramites import outbox
from tramites.models import (
    Anexo,
    Contador,
    Dependencia,
    DiaInhabil,
    Instrumento,
    Notificacion,
    RegistroAuditoria,
    Solicitud,
    Tramite,
)
from vucem.admin import SoloLecturaMixin


class AuditoriaInline(GenericTabularInline):
    model = RegistroAuditoria
    ct_fk_field = "object_id"
    extra = 0
    can_delete = False
    fields = ("fecha", "usuario", "estado_anterior", "estado_nuevo", "motivo")
    readonly_fields = fields
    verbose_name_plural = "Historial (auditoría)"

    def has_add_permission(self, request, obj=None):
        return False


class AnexoInline(admin.TabularInline):
    model = Anexo
    extra = 0
    can_delete = False
    readonly_fields = (
        "tipo",
        "nombre_original",
        "archivo",
        "tamano",
        "sha256",
        "subido_por",
        "subido",
    )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Solicitud)
class SolicitudAdmin(SoloLecturaMixin, admin.ModelAdmin):  # changed only by the services
    list_display = (
        "referencia",
        "tramite",
        "solicitante",
        "estado",
        "creada",
        "firmada_en",
        "resultado",
    )
    list_filter = ("estado", "tramite", "resultado")
    search_fields = ("folio", "numero_temporal", "solicitante__rfc", "solicitante__nombre")
    date_hierarchy = "creada"
    list_select_related = ("tramite", "solicitante")
    readonly_fields = (
        "tramite",
        "solicitante",
        "capturada_por",
        "estado",
        "numero_temporal",
        "folio",
        "paso_actual",
        "datos",
        "creada",
        "vence",
        "firmada_en",
        "firmada_por",
        "cadena_original",
        "sello_solicitante",
        "sello_ventanilla",
        "numero_certificado",
        "certificado_firmante",
        "resultado",
        "resuelta_en",
        "resuelta_por",
        "justificacion",
        "recordatorio_enviado",
    )
    inlines = [AnexoInline, AuditoriaInline]

    class Media:
        css = {"all": ["css/admin.css"]}


@admin.register(RegistroAuditoria)
class RegistroAuditoriaAdmin(SoloLecturaMixin, admin.ModelAdmin):
    list_display = (
        "fecha",
        "content_type",
        "object_id",
        "estado_anterior",
        "estado_nuevo",
        "usuario",
        "motivo",
    )
    list_filter = ("content_type", "estado_nuevo")
    search_fields = ("object_id", "motivo", "usuario__username")
    date_hierarchy = "fecha"


@admin.register(Notificacion)
class NotificacionAdmin(admin.ModelAdmin):
    list_display = (
        "creada",
        "asunto",
        "destinatario",
        "estado",
        "intentos",
        "siguiente_intento",
        "enviada_en",
    )
    list_filter = ("estado",)
    search_fields = ("asunto", "destinatario", "persona__rfc")
    readonly_fields = ("intentos", "ultimo_error", "enviada_en", "creada")
    actions = ["reintentar"]

    @admin.action(description="Reintentar el envío ahora")
    def reintentar(self, request, queryset):
        n = 0
        for notif in queryset.exclude(estado=Notificacion.Estado.ENVIADA):
            Notificacion.objects.filter(pk=notif.pk).update(estado=Notificacion.Estado.PENDIENTE)
            outbox.encolar_notificacion(notif.pk)
            n += 1
        self.message_user(request, f"Se reencolaron {n} notificaciones.", messages.SUCCESS)


@admin.register(DiaInhabil)
class DiaInhabilAdmin(admin.ModelAdmin):
    list_display = ("fecha", "descripcion", "dependencia")
    list_filter = ("dependencia",)
    date_hierarchy = "fecha"
    search_fields = ("descripcion",)


class TramiteInline(admin.TabularInline):
    model = Tramite
    extra = 0
    fields = ("vucem_id", "nombre", "clave", "tipo_persona", "dias_vigencia_borrador", "activo")


@admin.register(Instrumento)
class InstrumentoAdmin(admin.ModelAdmin):
    list_display = ("nombre", "dependencia", "orden")
    inlines = [TramiteInline]


@admin.register(Tramite)
class TramiteAdmin(admin.ModelAdmin):
    list_display = (
        "vucem_id",
        "nombre",
        "instrumento",
        "tipo_persona",
        "dias_vigencia_borrador",
        "activo",
    )
    list_filter = ("instrumento", "activo", "tipo_persona")
    search_fields = ("vucem_id", "nombre", "homoclave")


admin.site.register(Dependencia)


@admin.register(Contador)
class ContadorAdmin(admin.ModelAdmin):
    list_display = ("clave", "valor")
    readonly_fields = ("clave", "valor")

    def has_add_permission(self, request):
        return False
