"""Back-office for documents: search, (re)generate and download the PDF.

An issued document is immutable for everyone here: no one (superusers included) has the
change, add or delete permission, so the change form is a read-only view with no Guardar and
the only list action renders a missing PDF. Its estado changes only through the service of
the procedure that owns it (cancelación, vencimiento, revocación por nivel central), which
audits and notifies; the model and its queryset refuse any other write
(``acuses.models.DocumentoInmutable``)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header

from acuses.models import Documento
from acuses.services import obtener_pdf
from acuses.tasks import generar_pdf
from vucem.admin import SoloLecturaMixin


@admin.register(Documento)
class DocumentoAdmin(SoloLecturaMixin, admin.ModelAdmin):  # issued by the services only
    list_display = ("tipo", "folio", "solicitud", "estado", "creado", "generado", "pdf")
    list_filter = ("tipo", "estado", ("generado", admin.EmptyFieldListFilter), "creado")
    search_fields = (
        "folio",
        "codigo_verificacion",
        "solicitud__folio",
        "solicitud__solicitante__rfc",
        "solicitud__solicitante__nombre",
    )
    date_hierarchy = "creado"
    list_select_related = ("solicitud",)
    raw_id_fields = ("solicitud",)
    actions = ["generar_pdf_action"]
    readonly_fields = (
        "codigo_verificacion",
        "cadena_original",
        "sello_solicitante",
        "sello_ventanilla",
        "cadena_ventanilla",
        "archivo",
        "sha256",
        "creado",
        "generado",
        "pdf",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "solicitud",
                    "tipo",
                    "titulo",
                    "folio",
                    "codigo_verificacion",
                    "estado",
                    "estado_desde",
                    "estado_motivo",
                )
            },
        ),
        ("Contenido", {"fields": ("contexto",)}),
        (
            "Sellos digitales",
            {
                "fields": (
                    "cadena_original",
                    "sello_solicitante",
                    "sello_ventanilla",
                    "cadena_ventanilla",
                )
            },
        ),
        ("Archivo", {"fields": ("archivo", "sha256", "creado", "generado", "pdf")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Every field: what was sealed and printed does not change afterwards.
        return [f.name for f in Documento._meta.fields] + ["pdf"]

    def get_actions(self, request):
        acciones = super().get_actions(request)
        acciones.pop("delete_selected", None)
        return acciones

    @admin.display(description="PDF")
    def pdf(self, obj):
        if not obj or not obj.pk:
            return "—"
        url = reverse("admin:acuses_documento_pdf", args=[obj.pk])
        return format_html('<a href="{}">Descargar</a>', url)

    @admin.action(description="Generar PDF")
    def generar_pdf_action(self, request, queryset):
        pendientes = 0
        for pk in queryset.filter(sha256="").values_list("pk", flat=True):
            generar_pdf.delay(pk)
            pendientes += 1
        ya = queryset.count() - pendientes
        self.message_user(
            request,
            f"Se solicitó generar {pendientes} PDF; {ya} ya estaban generados.",
            messages.SUCCESS,
        )

    def get_urls(self):
        propias = [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.descargar_pdf),
                name="acuses_documento_pdf",
            )
        ]
        return propias + super().get_urls()

    def save_model(self, request, obj, form, change):
        raise PermissionDenied  # unreachable without the change permission; never saves

    def descargar_pdf(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        doc = get_object_or_404(Documento, pk=pk)
        respuesta = HttpResponse(obtener_pdf(doc), content_type="application/pdf")
        respuesta["Content-Disposition"] = content_disposition_header(
            True, f"{doc.tipo}-{doc.folio}.pdf"
        )
        return respuesta
