"""Documents issued by the Ventanilla: acuses, certificados, oficios, resoluciones.

The types are neutral: the procedure that issues a document names its template
(``plantilla``) and its heading (``contexto["encabezado"]``)."""

import secrets

from django.db import models
from django.utils import timezone

ALFABETO_CODIGO = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O/1/I: read aloud, typed from paper


def nuevo_codigo_verificacion() -> str:
    return "".join(secrets.choice(ALFABETO_CODIGO) for _ in range(12))


def ruta_documento(instance, filename):
    return f"documentos/{instance.creado:%Y/%m}/{instance.folio}-{instance.tipo}-{instance.codigo_verificacion}.pdf"


class DocumentoInmutable(Exception):
    """An issued document's content, cadena, sellos, file or estado was about to change
    outside the services that own it."""


# What a document carries once issued never changes (Documento.save). The estado changes
# only through acuses.services.actualizar_estado, called by the service of the procedure that
# owns the document (cancelación, vencimiento, revocación).
#: The stored PDF: recorded once by acuses.services (or forgotten when the file is lost).
CAMPOS_PDF = frozenset({"archivo", "sha256", "generado"})


class DocumentoQuerySet(models.QuerySet):
    """``update()`` may only record or forget the PDF; content and estado never change
    through it (estado: :meth:`cambiar_estado`, used by acuses.services only)."""

    def update(self, **kwargs):
        prohibidos = set(kwargs) - CAMPOS_PDF
        if prohibidos:
            raise DocumentoInmutable(
                "Un documento emitido no se modifica: " + ", ".join(sorted(prohibidos))
            )
        if kwargs.get("sha256"):
            # Recording a PDF: only where none is recorded yet (never replace a file).
            return models.QuerySet.update(self.filter(sha256=""), **kwargs)
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        raise DocumentoInmutable("Un documento emitido no se modifica.")

    def cambiar_estado(self, estado: str, *, desde, motivo: str = "") -> int:
        """Set the estado of these rows (for acuses.services.actualizar_estado only)."""
        return super().update(estado=estado, estado_desde=desde, estado_motivo=motivo)


class Documento(models.Model):
    class Tipo(models.TextChoices):
        ACUSE = "acuse", "Acuse de recepción"
        CERTIFICADO = "certificado", "Certificado"
        OFICIO = "oficio", "Oficio"
        RESOLUCION = "resolucion", "Resolución"

    class Estado(models.TextChoices):
        VIGENTE = "vigente", "Vigente"
        CANCELADO = "cancelado", "Cancelado"
        VENCIDO = "vencido", "Vencido"
        REVOCADO = "revocado", "Revocado"

    solicitud = models.ForeignKey(
        "tramites.Solicitud", on_delete=models.PROTECT, related_name="documentos"
    )
    tipo = models.CharField(max_length=12, choices=Tipo.choices)
    titulo = models.CharField(max_length=254)
    folio = models.CharField(
        max_length=40, db_index=True, help_text="Folio del trámite o del documento."
    )
    codigo_verificacion = models.CharField(
        max_length=12, unique=True, default=nuevo_codigo_verificacion
    )
    estado = models.CharField(max_length=10, choices=Estado.choices, default=Estado.VIGENTE)
    estado_desde = models.DateTimeField("estado desde", null=True, blank=True)
    estado_motivo = models.TextField("motivo del estado", blank=True)
    cadena_original = models.TextField()
    sello_solicitante = models.TextField(blank=True)
    sello_ventanilla = models.TextField(blank=True)
    cadena_ventanilla = models.TextField(
        blank=True,
        help_text="Cadena exacta que cubre el sello de la Ventanilla, si no es la cadena original.",
    )
    plantilla = models.CharField(
        max_length=200,
        blank=True,
        help_text="Plantilla del PDF, nombrada por el trámite que emite el documento.",
    )
    contexto = models.JSONField(
        default=dict, blank=True, help_text="Datos con los que se genera el PDF."
    )
    archivo = models.FileField(upload_to=ruta_documento, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    creado = models.DateTimeField(default=timezone.now, db_index=True)
    generado = models.DateTimeField(null=True, blank=True)

    objects = DocumentoQuerySet.as_manager()

    class Meta:
        ordering = ["-creado", "pk"]
        verbose_name = "documento"
        verbose_name_plural = "documentos"
        indexes = [models.Index(fields=["folio", "codigo_verificacion"])]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.folio}"

    def save(self, *args, **kwargs):
        """A new document is saved once; an issued one never changes here (the PDF and the
        estado are written by acuses.services through the queryset)."""
        if not self._state.adding and self.pk is not None:
            actual = type(self)._base_manager.filter(pk=self.pk).values().first()
            if actual is not None:
                cambiados = [
                    f.name
                    for f in self._meta.concrete_fields
                    if f.attname in actual
                    and f.get_prep_value(getattr(self, f.attname))
                    != (f.get_prep_value(actual[f.attname]))
                ]
                if cambiados:
                    raise DocumentoInmutable(
                        "Un documento emitido no se modifica: " + ", ".join(cambiados)
                    )
                return  # nothing changed: nothing to write
        super().save(*args, **kwargs)

    @property
    def cadena_sellada_ventanilla(self) -> str:
        """The string the Ventanilla's seal covers (defaults to the cadena original)."""
        return self.cadena_ventanilla or self.cadena_original

    @property
    def pdf_generado(self) -> bool:
        return bool(self.archivo and self.sha256)
