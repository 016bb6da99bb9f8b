"""The trámite engine: catalog, Solicitud with its state machine, audit trail,
reference counters, días inhábiles and the notification outbox."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Dependencia(models.Model):
    clave = models.CharField(max_length=10, unique=True)  # "SE"
    codigo = models.CharField("código de folio", max_length=2, unique=True)  # "02"
    nombre = models.CharField(max_length=200)
    orden = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["orden", "clave"]

    def __str__(self) -> str:
        return self.clave


class Instrumento(models.Model):
    dependencia = models.ForeignKey(
        Dependencia, on_delete=models.PROTECT, related_name="instrumentos"
    )
    slug = models.SlugField(max_length=80)
    nombre = models.CharField(max_length=200)
    orden = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["orden", "nombre"]
        constraints = [
            models.UniqueConstraint(fields=["dependencia", "slug"], name="instrumento_slug_unico")
        ]

    def __str__(self) -> str:
        return self.nombre


class Tramite(models.Model):
    """A procedure of the catalog. ``clave`` selects the wizard registered for it."""

    class TipoPersona(models.TextChoices):
        FISICA = "fisica", "Persona física"
        MORAL = "moral", "Persona moral"
        AMBAS = "ambas", "Personas físicas y morales"

    instrumento = models.ForeignKey(Instrumento, on_delete=models.PROTECT, related_name="tramites")
    vucem_id = models.PositiveIntegerField("id VUCEM", unique=True)
    clave = models.SlugField("clave del asistente", max_length=60)
    nombre = models.CharField(max_length=254)
    grupo = models.CharField("agrupador", max_length=200, blank=True)
    tipo_persona = models.CharField(
        max_length=6, choices=TipoPersona.choices, default=TipoPersona.AMBAS
    )
    homoclave = models.CharField(max_length=30, blank=True)  # SE-03-011-1
    dias_vigencia_borrador = models.PositiveSmallIntegerField(
        "días naturales de vigencia del borrador", default=15
    )
    plazo_resolucion_dias_habiles = models.PositiveSmallIntegerField(null=True, blank=True)
    requiere_dictamen = models.BooleanField(default=False)
    activo = models.BooleanField(default=True)
    orden = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["orden", "vucem_id"]
        verbose_name = "trámite"
        verbose_name_plural = "trámites"

    def __str__(self) -> str:
        return f"{self.vucem_id} {self.nombre}"

    @property
    def codigo_folio(self) -> str:
        """Trámite id as three 3-digit groups: 150102 → 015001002 (DESIGN §3)."""
        s = f"{self.vucem_id:06d}"
        return "".join(f"{int(s[i : i + 2]):03d}" for i in (0, 2, 4))


class EstadoSolicitud(models.TextChoices):
    BORRADOR = "borrador", "Borrador"
    FIRMADA = "firmada", "Firmada"
    EN_DICTAMEN = "en_dictamen", "En dictamen"
    RESUELTA = "resuelta", "Resuelta"
    CANCELADA = "cancelada", "Cancelada"
    EXPIRADA = "expirada", "Expirada"


class Solicitud(models.Model):
    """The common part of every solicitud. Procedure-specific data lives in the domain
    app's model with a OneToOne to this one (or in ``datos`` for simple steps)."""

    Estado = EstadoSolicitud

    class Resultado(models.TextChoices):
        APROBADA = "aprobada", "Aprobada"
        APROBADA_PARCIAL = "aprobada_parcial", "Aprobada parcialmente"
        RECHAZADA = "rechazada", "Rechazada"

    tramite = models.ForeignKey(Tramite, on_delete=models.PROTECT, related_name="solicitudes")
    solicitante = models.ForeignKey(
        "vucem.Persona", on_delete=models.PROTECT, related_name="solicitudes"
    )
    capturada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="solicitudes_capturadas"
    )
    estado = models.CharField(
        max_length=12,
        choices=EstadoSolicitud.choices,
        default=EstadoSolicitud.BORRADOR,
        db_index=True,
    )
    numero_temporal = models.CharField("número temporal", max_length=9, unique=True)
    folio = models.CharField(max_length=25, unique=True, null=True, blank=True)
    paso_actual = models.CharField(max_length=40, blank=True)
    datos = models.JSONField(default=dict, blank=True)
    creada = models.DateTimeField(default=timezone.now, db_index=True)
    actualizada = models.DateTimeField(auto_now=True)
    vence = models.DateTimeField("vigencia del borrador", null=True, blank=True)
    recordatorio_enviado = models.DateTimeField(null=True, blank=True)
    # Firma
    firmada_en = models.DateTimeField("fecha de recepción", null=True, blank=True)
    firmada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cadena_original = models.TextField(blank=True)
    sello_solicitante = models.TextField(blank=True)
    sello_ventanilla = models.TextField(blank=True)
    certificado_firmante = models.TextField("certificado del firmante (PEM)", blank=True)
    numero_certificado = models.CharField("número de certificado", max_length=20, blank=True)
    # Resolución
    resultado = models.CharField(max_length=20, choices=Resultado.choices, blank=True)
    resuelta_en = models.DateTimeField(null=True, blank=True)
    resuelta_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    justificacion = models.TextField(blank=True)
    # Dictamen desk (tramites.mesa_dictamen): who is turned the solicitud, and the plazo
    # notices already sent (one per kind; the daily job is idempotent on them).
    dictaminador = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="solicitudes_turnadas",
        verbose_name="dictaminador asignado",
    )
    aviso_plazo_por_vencer = models.DateTimeField(null=True, blank=True)
    aviso_plazo_vencido = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-creada"]
        verbose_name = "solicitud"
        verbose_name_plural = "solicitudes"
        indexes = [
            models.Index(fields=["solicitante", "estado"]),
            # The draft jobs (expiry, reminder) read only the drafts by their expiry.
            models.Index(
                fields=["vence"],
                condition=models.Q(estado="borrador"),
                name="solicitud_borrador_vence",
            ),
            # The dictamen queue and the plazo job read the solicitudes en dictamen by their
            # reception (the plazo runs from it).
            models.Index(
                fields=["firmada_en"],
                condition=models.Q(estado="en_dictamen"),
                name="solicitud_dictamen_recepcion",
            ),
        ]
        permissions = [("dictaminar_solicitud", "Puede dictaminar solicitudes")]

    def __str__(self) -> str:
        return self.folio or f"Temporal {self.numero_temporal}"

    @property
    def referencia(self) -> str:
        return self.folio or self.numero_temporal

    @property
    def es_borrador(self) -> bool:
        return self.estado == EstadoSolicitud.BORRADOR


class RegistroAuditoria(models.Model):
    """One state change of any audited object (solicitud, certificado, programa...):
    who, when, from, to, why."""

    # The jobs write audit rows by the hundred thousand (issue 8), so each index must serve a
    # query: content_type is covered by (content_type, object_id), and the usuario index
    # skips the jobs' rows (no user). No database constraint on content_type: it would run
    # one trigger per audit row at commit (≈1.6 s per 100,000 rows) to guard content types,
    # which migrations create and nothing deletes; PROTECT still guards ORM deletes.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    object_id = models.CharField(max_length=64)
    objeto = GenericForeignKey("content_type", "object_id")
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    fecha = models.DateTimeField(default=timezone.now, db_index=True)
    estado_anterior = models.CharField(max_length=40, blank=True)
    estado_nuevo = models.CharField(max_length=40)
    motivo = models.TextField(blank=True)

    class Meta:
        ordering = ["fecha", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(
                fields=["usuario"],
                name="auditoria_usuario_idx",
                condition=models.Q(usuario__isnull=False),
            ),
        ]
        verbose_name = "registro de auditoría"
        verbose_name_plural = "registros de auditoría"

    def __str__(self) -> str:
        return f"{self.estado_anterior or '∅'} → {self.estado_nuevo} ({self.fecha:%Y-%m-%d %H:%M})"


class Contador(models.Model):
    """Reference counters handed out under a row lock (never max()+1)."""

    clave = models.CharField(max_length=80, unique=True)
    valor = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.clave}={self.valor}"


class DiaInhabil(models.Model):
    """A non-working day declared by a dependencia (DOF acuerdos), besides weekends and
    statutory holidays."""

    dependencia = models.ForeignKey(
        Dependencia, on_delete=models.CASCADE, related_name="dias_inhabiles"
    )
    fecha = models.DateField()
    descripcion = models.CharField(max_length=200)

    class Meta:
        ordering = ["fecha"]
        constraints = [
            models.UniqueConstraint(fields=["dependencia", "fecha"], name="dia_inhabil_unico")
        ]
        verbose_name = "día inhábil"
        verbose_name_plural = "días inhábiles"

    def __str__(self) -> str:
        return f"{self.fecha:%d/%m/%Y} {self.descripcion}"


class Notificacion(models.Model):
    """Outbox: written in the same transaction as the change it announces; delivered by a
    Celery task after commit, retried with backoff, re-sent by a beat job if stuck."""

    class Estado(models.TextChoices):
        PENDIENTE = "pendiente", "Pendiente"
        ENVIADA = "enviada", "Enviada"
        FALLIDA = "fallida", "Fallida"

    # Indexes (issue 8): the jobs write notices by the hundred thousand, addressed to a
    # persona with no usuario or solicitud: those two indexes skip NULLs, and the outbox's
    # only estado query (pending, due) has its own partial index. No column or index that
    # nothing reads (a random uuid with its unique index cost 7 % of the deadline job).
    destinatario = models.EmailField(blank=True)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, db_index=False
    )
    persona = models.ForeignKey(
        "vucem.Persona",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notificaciones",
    )
    solicitud = models.ForeignKey(
        Solicitud,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notificaciones",
        db_index=False,
    )
    asunto = models.CharField(max_length=254)
    cuerpo = models.TextField()
    # Kind of notice: picks the e-mail template ``correo/<tipo>.{txt,html}`` (default
    # ``correo/aviso``). ``enlace``: portal path of the page concerned (absolute in the
    # e-mail with SITE_URL). db_default: the set-based jobs insert rows with raw SQL.
    tipo = models.CharField(max_length=40, blank=True, default="", db_default="")
    enlace = models.CharField(max_length=300, blank=True, default="", db_default="")
    estado = models.CharField(max_length=10, choices=Estado.choices, default=Estado.PENDIENTE)
    intentos = models.PositiveSmallIntegerField(default=0)
    ultimo_error = models.TextField(blank=True)
    creada = models.DateTimeField(default=timezone.now)
    siguiente_intento = models.DateTimeField(default=timezone.now)
    enviada_en = models.DateTimeField(null=True, blank=True)
    leida = models.BooleanField(default=False)

    class Meta:
        ordering = ["-creada"]
        indexes = [
            models.Index(
                fields=["usuario"],
                name="notificacion_usuario_idx",
                condition=models.Q(usuario__isnull=False),
            ),
            models.Index(
                fields=["solicitud"],
                name="notificacion_solicitud_idx",
                condition=models.Q(solicitud__isnull=False),
            ),
            models.Index(
                fields=["siguiente_intento"],
                name="notificacion_pendiente_idx",
                condition=models.Q(estado="pendiente"),
            ),
        ]
        verbose_name = "notificación"
        verbose_name_plural = "notificaciones (outbox)"

    def __str__(self) -> str:
        return f"{self.asunto} → {self.destinatario or self.persona_id}"


def ruta_anexo(instance, filename):
    return f"anexos/{instance.solicitud.numero_temporal}/{uuid.uuid4().hex}.pdf"


class Anexo(models.Model):
    """A document attached to a solicitud (PDF only, size-limited)."""

    solicitud = models.ForeignKey(Solicitud, on_delete=models.CASCADE, related_name="anexos")
    tipo = models.CharField(max_length=80)
    nombre_original = models.CharField(max_length=254)
    archivo = models.FileField(upload_to=ruta_anexo)
    tamano = models.PositiveIntegerField("tamaño (bytes)")
    sha256 = models.CharField("SHA-256", max_length=64)
    subido_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    subido = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subido"]
        verbose_name = "anexo"
        verbose_name_plural = "anexos"

    def __str__(self) -> str:
        return f"{self.tipo}: {self.nombre_original}"
