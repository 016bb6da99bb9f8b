"""Cupos (DESIGN §4): Cupo → Subcupo → Asignacion (oficio) → CertificadoCupo, with the
saldo of each asignación kept as a ledger of movements.

All amounts are Decimal in the cupo's ``unidad`` (kilograms for the seeds' cupos).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from cupos.antecedentes_modelos import (  # noqa: F401  (models of this app, kept apart)
    BaseProporcional,
    ParticipacionAnterior,
    SaldoApertura,
)
from cupos.montos import CERO, DECIMALES_UNIDAD


class RepresentacionFederal(models.Model):
    """Oficina de la SE where a cupo is handled (filter of seed 001)."""

    clave = models.CharField(max_length=10, unique=True)
    nombre = models.CharField(max_length=120)

    class Meta:
        ordering = ["nombre"]
        verbose_name = "representación federal"
        verbose_name_plural = "representaciones federales"

    def __str__(self) -> str:
        return self.nombre


class Regimen(models.TextChoices):
    IMPORTACION = "importacion", "Importación"
    EXPORTACION = "exportacion", "Exportación"


class Mecanismo(models.TextChoices):
    """Mecanismo de asignación of the catalog (seed 001's search filter)."""

    ASIGNACION_DIRECTA = "asignacion_directa", "Asignación directa"
    PRIMERO_EN_TIEMPO = "primero_en_tiempo", "Primero en tiempo, primero en derecho"
    LICITACION_PUBLICA = "licitacion_publica", "Licitación pública"


class Criterio(models.TextChoices):
    """How a subcupo's amount per beneficiary is computed (cupos/mecanismos.py)."""

    CONSUMO_AUDITADO = "consumo_auditado", "Consumo auditado (con incremento de capacidad)"
    PROPORCIONAL = "proporcional", "Participación proporcional del año anterior"
    PRIMERO_EN_TIEMPO = "primero_en_tiempo", "Primero en tiempo, primero en derecho"
    MONTO_FIJO = "monto_fijo", "Monto fijo"
    BOLSA_RESIDUAL = "bolsa_residual", "Bolsa residual (80 % industrial / 20 % otros)"
    LICITACION = "licitacion", "Licitación pública"


class Elegibilidad(models.TextChoices):
    """Who may apply to a subcupo, decided from our records (seed 004, Cuadro 1)."""

    ABIERTA = "abierta", "Cualquier persona"
    DESIGNADOS = "designados", "Sólo los RFC designados (p. ej. LICONSA en el inciso A)"
    CON_ANTECEDENTES = "con_antecedentes", "CON asignación directa de este cupo el año anterior"
    SIN_ANTECEDENTES = "sin_antecedentes", "SIN asignación directa de este cupo el año anterior"


class Unidad(models.TextChoices):
    KILOGRAMO = "kg", "kilogramos"
    LITRO = "l", "litros"
    PIEZA = "pza", "piezas"
    DOLAR = "usd", "dólares"


class Cupo(models.Model):
    clave = models.SlugField(max_length=60, unique=True)
    nombre = models.CharField("descripción", max_length=254)
    producto = models.CharField(max_length=120)
    subproducto = models.CharField(max_length=120, blank=True)
    fracciones_arancelarias = models.JSONField(
        default=list, help_text='Lista, p. ej. ["1004.00.99"].'
    )
    regimen = models.CharField("régimen aduanero", max_length=12, choices=Regimen.choices)
    tratado = models.CharField("tratado o bloque comercial", max_length=120, default="Unilateral")
    mecanismo = models.CharField(
        "mecanismo de asignación", max_length=20, choices=Mecanismo.choices
    )
    monto_total = models.DecimalField(max_digits=18, decimal_places=3)
    unidad = models.CharField(max_length=4, choices=Unidad.choices, default=Unidad.KILOGRAMO)
    anio = models.PositiveSmallIntegerField("año del periodo")
    vigencia_inicio = models.DateField()
    vigencia_fin = models.DateField()
    fundamento = models.TextField("fundamento (Acuerdo DOF)")
    fecha_dof = models.DateField("fecha de publicación en el DOF", null=True, blank=True)
    representacion_federal = models.ForeignKey(
        RepresentacionFederal, null=True, blank=True, on_delete=models.PROTECT, related_name="cupos"
    )
    activo = models.BooleanField(default=True)
    anterior = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="siguientes",
        verbose_name="mismo cupo del año anterior",
        help_text="Sus asignaciones son los antecedentes (inciso B) y la base de la "
        "participación proporcional de este año.",
    )
    admite_comercializadora = models.BooleanField(
        "admite certificados a nombre de una comercializadora",
        default=False,
        help_text=(
            "El certificado puede expedirse a nombre del beneficiario y/o una comercializadora, "
            "con el escrito conjunto (carta conjunta) de ambos (p. ej. avena, seed 002)."
        ),
    )

    class Meta:
        ordering = ["-anio", "nombre"]

    def __str__(self) -> str:
        return f"{self.nombre} ({self.anio})"

    @property
    def decimales(self) -> int:
        return DECIMALES_UNIDAD.get(self.unidad, 3)

    @property
    def fracciones_texto(self) -> str:
        return ", ".join(self.fracciones_arancelarias or [])


class Subcupo(models.Model):
    """Part of a cupo for one beneficiary type, with its own rules (seed 004 Cuadro 1)."""

    cupo = models.ForeignKey(Cupo, on_delete=models.CASCADE, related_name="subcupos")
    clave = models.CharField(max_length=10)  # "A", "B", … or "UNICO"
    beneficiario = models.TextField("tipo de beneficiario")
    monto = models.DecimalField(
        max_digits=18,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Vacío en el subcupo residual: se forma con lo no asignado de otros subcupos.",
    )
    mecanismo = models.CharField(max_length=20, choices=Mecanismo.choices)
    criterio = models.CharField(max_length=20, choices=Criterio.choices)
    ventana = models.JSONField(
        "ventana de recepción", default=dict, help_text="cupos.ventanas.VentanaRecepcion.to_dict()"
    )
    maximo_por_beneficiario = models.DecimalField(
        max_digits=18, decimal_places=3, null=True, blank=True
    )
    residual_de = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="alimenta_a"
    )
    parametros = models.JSONField(
        default=dict,
        blank=True,
        help_text="Parámetros del criterio (p. ej. porcentaje industrial).",
    )
    orden = models.PositiveSmallIntegerField(default=0)
    elegibilidad = models.CharField(
        "quién puede solicitarlo",
        max_length=20,
        choices=Elegibilidad.choices,
        default=Elegibilidad.ABIERTA,
    )
    rfcs_designados = models.JSONField(
        "RFC designados",
        default=list,
        blank=True,
        help_text='Con «Sólo los RFC designados»: lista, p. ej. ["LIC950821M84"].',
    )

    class Meta:
        ordering = ["cupo", "orden", "clave"]
        constraints = [
            models.UniqueConstraint(fields=["cupo", "clave"], name="subcupo_clave_unica")
        ]

    def __str__(self) -> str:
        return f"{self.cupo.nombre} · {self.clave}"

    @property
    def es_residual(self) -> bool:
        return self.criterio == Criterio.BOLSA_RESIDUAL


class Asignacion(models.Model):
    """The oficio de asignación: número + año, beneficiario, monto, vigencia."""

    class Estado(models.TextChoices):
        VIGENTE = "vigente", "Vigente"
        VENCIDA = "vencida", "Vencida"
        CANCELADA = "cancelada", "Cancelada"
        REVOCADA = "revocada", "Revocada"

    subcupo = models.ForeignKey(Subcupo, on_delete=models.PROTECT, related_name="asignaciones")
    beneficiario = models.ForeignKey(
        "vucem.Persona", on_delete=models.PROTECT, related_name="asignaciones"
    )
    solicitud = models.OneToOneField(
        "tramites.Solicitud",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asignacion",
    )
    anio = models.PositiveSmallIntegerField("año del oficio")
    numero_oficio = models.CharField("número de oficio", max_length=30)
    fecha_oficio = models.DateTimeField(default=timezone.now)
    monto_asignado = models.DecimalField(max_digits=18, decimal_places=3)
    vigencia_inicio = models.DateField()
    vigencia_fin = models.DateField()
    estado = models.CharField(max_length=10, choices=Estado.choices, default=Estado.VIGENTE)
    dictaminador = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-anio", "numero_oficio"]
        verbose_name = "asignación"
        verbose_name_plural = "asignaciones"
        constraints = [
            models.UniqueConstraint(fields=["anio", "numero_oficio"], name="oficio_unico_por_anio"),
            models.CheckConstraint(
                condition=Q(monto_asignado__gt=0), name="asignacion_monto_positivo"
            ),
        ]
        indexes = [
            # The expiry job (cupos.vencimiento) reads only vigentes by their vigencia.
            models.Index(
                fields=["vigencia_fin"],
                condition=Q(estado="vigente"),
                name="asignacion_vigente_vence",
            )
        ]

    def __str__(self) -> str:
        return f"Oficio {self.numero_oficio}/{self.anio} · {self.beneficiario.rfc}"

    @property
    def cupo(self) -> Cupo:
        return self.subcupo.cupo


class MovimientoSaldo(models.Model):
    """Ledger of an asignación's saldo. ``monto`` is signed: + asignado / cancelado
    (devuelto), − expedido. Saldo disponible = Σ monto. Written only by the services in
    cupos, with the asignación row locked."""

    class Tipo(models.TextChoices):
        ASIGNACION = "asignacion", "Asignación"
        EXPEDICION = "expedicion", "Expedición de certificado"
        CANCELACION = "cancelacion", "Cancelación (monto a favor)"
        AJUSTE = "ajuste", "Ajuste"

    asignacion = models.ForeignKey(Asignacion, on_delete=models.PROTECT, related_name="movimientos")
    tipo = models.CharField(max_length=12, choices=Tipo.choices)
    monto = models.DecimalField(max_digits=18, decimal_places=3)
    certificado = models.ForeignKey(
        "CertificadoCupo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movimientos",
    )
    solicitud = models.ForeignKey(
        "tramites.Solicitud", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    descripcion = models.CharField(max_length=254, blank=True)
    creado = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["creado", "pk"]
        verbose_name = "movimiento de saldo"
        verbose_name_plural = "movimientos de saldo"

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.monto}"

    @staticmethod
    def totales(asignacion) -> dict[str, Decimal]:
        """aprobado, expedido, cancelado and disponible of one asignación."""
        agg = MovimientoSaldo.objects.filter(asignacion=asignacion).aggregate(
            asignado=Sum("monto", filter=Q(tipo="asignacion")),
            expedido=Sum("monto", filter=Q(tipo="expedicion")),
            cancelado=Sum("monto", filter=Q(tipo="cancelacion")),
            ajuste=Sum("monto", filter=Q(tipo="ajuste")),
            disponible=Sum("monto"),
        )
        return {
            "aprobado": (agg["asignado"] or CERO) + (agg["ajuste"] or CERO),
            "expedido": -(agg["expedido"] or CERO),
            "cancelado": agg["cancelado"] or CERO,
            "disponible": agg["disponible"] or CERO,
        }


class CertificadoCupo(models.Model):
    """A nominative certificate issued against an asignación (seed 000)."""

    class Estado(models.TextChoices):
        VIGENTE = "vigente", "Vigente"
        VENCIDO = "vencido", "Vencido"
        CANCELADO = "cancelado", "Cancelado"

    asignacion = models.ForeignKey(
        Asignacion, on_delete=models.PROTECT, related_name="certificados"
    )
    solicitud = models.ForeignKey(
        "tramites.Solicitud", on_delete=models.PROTECT, related_name="certificados_cupo"
    )
    titular = models.ForeignKey(
        "vucem.Persona", on_delete=models.PROTECT, related_name="certificados_cupo"
    )
    folio = models.CharField("folio del oficio de certificado", max_length=40, unique=True)
    numero = models.PositiveSmallIntegerField("número dentro de la solicitud")
    monto_expedido = models.DecimalField(max_digits=18, decimal_places=3)
    monto_utilizado = models.DecimalField(max_digits=18, decimal_places=3, default=CERO)
    monto_cancelado = models.DecimalField(
        "monto a favor devuelto", max_digits=18, decimal_places=3, default=CERO
    )
    vigencia_inicio = models.DateField()
    vigencia_fin = models.DateField()
    estado = models.CharField(max_length=10, choices=Estado.choices, default=Estado.VIGENTE)
    documento = models.OneToOneField(
        "acuses.Documento",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificado_cupo",
    )
    recordatorio_devolucion = models.DateTimeField(null=True, blank=True)
    creado = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-creado", "numero"]
        verbose_name = "certificado de cupo"
        verbose_name_plural = "certificados de cupo"
        constraints = [
            models.CheckConstraint(
                condition=Q(monto_expedido__gt=0), name="certificado_monto_positivo"
            ),
            models.UniqueConstraint(
                fields=["solicitud", "numero"], name="certificado_numero_unico"
            ),
        ]
        indexes = [
            # The expiry job (cupos.vencimiento): vigentes by their vigencia, and the few
            # vencidos whose holder was never reminded.
            models.Index(
                fields=["vigencia_fin"],
                condition=Q(estado="vigente"),
                name="certificado_vigente_vence",
            ),
            models.Index(
                fields=["id"],
                condition=Q(estado="vencido", recordatorio_devolucion__isnull=True),
                name="certificado_sin_recordatorio",
            ),
        ]

    def __str__(self) -> str:
        return f"Certificado {self.folio}"

    @property
    def disponible_para_cancelar(self) -> Decimal:
        return self.monto_expedido - self.monto_utilizado - self.monto_cancelado


class SolicitudAsignacion(models.Model):
    """Procedure data of a solicitud de asignación de cupo (SE-03-011-1; 120401/120402).

    Which fields are required depends on the subcupo's criterio (seeds 002, 004).
    """

    solicitud = models.OneToOneField(
        "tramites.Solicitud", on_delete=models.CASCADE, related_name="asignacion_detalle"
    )
    subcupo = models.ForeignKey(Subcupo, on_delete=models.PROTECT, related_name="solicitudes")
    monto_solicitado = models.DecimalField(max_digits=18, decimal_places=3)
    # Consumo auditado (avena, seed 002)
    consumo_auditado_12m = models.DecimalField(
        "consumo auditado de los últimos 12 meses",
        max_digits=18,
        decimal_places=3,
        null=True,
        blank=True,
    )
    capacidad_anterior = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    capacidad_actual = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    consumo_asignacion_anterior = models.DecimalField(
        "consumo auditado presentado en la asignación anterior",
        max_digits=18,
        decimal_places=3,
        null=True,
        blank=True,
    )
    # Participación proporcional (B, seed 004)
    asignado_anio_anterior = models.DecimalField(
        max_digits=18, decimal_places=3, null=True, blank=True
    )
    consumo_total_auditado = models.DecimalField(
        max_digits=18, decimal_places=3, null=True, blank=True
    )
    # Primero en tiempo (C, D)
    monto_factura = models.DecimalField(
        "monto en factura / conocimiento de embarque / guía",
        max_digits=18,
        decimal_places=3,
        null=True,
        blank=True,
    )
    # Bolsa residual (D)
    es_industrial = models.BooleanField(
        "empresa industrial que usa materias primas lácteas", default=False
    )
    monto_ejercido_anterior = models.DecimalField(
        "monto ejercido de la asignación anterior (pedimentos)",
        max_digits=18,
        decimal_places=3,
        null=True,
        blank=True,
    )
    declara_no_comercializar = models.BooleanField(
        "declara que no comercializará la mercancía en el mismo estado físico", default=False
    )
    # Dictamen
    monto_propuesto = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    detalle_propuesta = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "solicitud de asignación"
        verbose_name_plural = "solicitudes de asignación"

    def __str__(self) -> str:
        return f"Asignación {self.solicitud} · {self.subcupo}"


class LineaExpedicion(models.Model):
    """One monto a expedir of a solicitud de expedición (one certificate each)."""

    solicitud = models.ForeignKey(
        "tramites.Solicitud", on_delete=models.CASCADE, related_name="lineas_expedicion"
    )
    asignacion = models.ForeignKey(
        Asignacion, on_delete=models.PROTECT, related_name="lineas_expedicion"
    )
    monto = models.DecimalField(max_digits=18, decimal_places=3)
    orden = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["orden", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(monto__gt=0), name="linea_monto_positivo")
        ]

    def __str__(self) -> str:
        return f"{self.monto}"
