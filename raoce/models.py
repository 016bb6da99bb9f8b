"""RAOCE (DESIGN §5, seed 003): foreign-trade programs and their annual report.

Amounts of the report are Decimal in *miles de pesos*; saldo (b − c) and porcentaje
de exportación (b / a · 100) are computed, never typed.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone


class TipoPrograma(models.TextChoices):
    IMMEX = "IMMEX", "IMMEX"
    PROSEC = "PROSEC", "PROSEC"
    ALTEX = "ALTEX", "ALTEX"
    ECEX = "ECEX", "ECEX"


class EstatusPrograma(models.TextChoices):
    VIGENTE = "vigente_activo", "Vigente - Activo"
    SUSPENDIDO = "suspendido", "Suspendido"
    CANCELADO = "cancelado", "Cancelado"


class Programa(models.Model):
    """A program authorized by the SE to a persona (RFC)."""

    persona = models.ForeignKey("vucem.Persona", on_delete=models.PROTECT, related_name="programas")
    tipo = models.CharField(max_length=6, choices=TipoPrograma.choices)
    numero = models.CharField("número / registro de programa", max_length=30)
    modalidad = models.CharField(max_length=80, blank=True)  # INDUSTRIAL, PRODUCTOR DIRECTO, …
    sector = models.CharField("sector (PROSEC)", max_length=120, blank=True)
    estatus = models.CharField(
        max_length=16, choices=EstatusPrograma.choices, default=EstatusPrograma.VIGENTE
    )
    fecha_autorizacion = models.DateField("fecha de autorización")
    ligados = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        help_text="Programas ligados (p. ej. IMMEX con PROSEC, ALTEX o ECEX).",
    )
    exportacion_directa = models.BooleanField(
        "ALTEX por exportación directa",
        default=True,
        help_text="Umbral ALTEX: directa ≥ 40 % o ≥ USD 2,000,000; si no, ≥ 50 %.",
    )
    estatus_desde = models.DateTimeField(default=timezone.now)
    periodo_suspension = models.PositiveSmallIntegerField(
        "RAOCE que originó la suspensión",
        null=True,
        blank=True,
        help_text=(
            "Año del reporte anual no presentado por el que el programa se suspendió "
            "automáticamente; al presentarlo a tiempo se reactiva. Vacío si no aplica."
        ),
    )

    class Meta:
        ordering = ["persona", "tipo", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["tipo", "numero"], name="programa_numero_unico")
        ]
        indexes = [
            # The deadline jobs (raoce.trabajos) select, per tipo, the programs not
            # cancelled (or vigentes) authorized up to the period: cancelled ones, the bulk
            # of the register over the years, stay out of the index.
            models.Index(
                fields=["tipo", "estatus", "fecha_autorizacion"],
                name="programa_plazos_idx",
                condition=~models.Q(estatus="cancelado"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.tipo} {self.numero} ({self.persona.rfc})"


class TipoCambio(models.Model):
    """Average exchange rate of a year (pesos per dollar), kept by the back-office; the
    report of year N converts with the rate of year N (the year before filing)."""

    anio = models.PositiveSmallIntegerField("año", unique=True)
    pesos_por_dolar = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text="Pesos por dólar; mayor que cero (convierte las exportaciones a dólares).",
    )
    fuente = models.CharField(
        max_length=200, blank=True, default="Banco de México, promedio anual FIX"
    )

    class Meta:
        ordering = ["-anio"]
        verbose_name = "tipo de cambio promedio"
        verbose_name_plural = "tipos de cambio promedio"

    def __str__(self) -> str:
        return f"{self.anio}: {self.pesos_por_dolar}"


class ReporteAnual(models.Model):
    """Procedure data of one annual report (trámites 150101/150102)."""

    solicitud = models.OneToOneField(
        "tramites.Solicitud", on_delete=models.CASCADE, related_name="reporte_anual"
    )
    periodo = models.PositiveSmallIntegerField("año que se reporta")
    programas = models.ManyToManyField(Programa, related_name="reportes")
    ventas_totales = models.DecimalField(
        "ventas totales (a)", max_digits=18, decimal_places=3, null=True, blank=True
    )
    total_exportaciones = models.DecimalField(
        "total exportaciones (b)", max_digits=18, decimal_places=3, null=True, blank=True
    )
    total_importaciones = models.DecimalField(
        "total importaciones (c)",
        max_digits=18,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="No se captura cuando un IMMEX tiene PROSEC, ALTEX o ECEX ligados.",
    )
    tipo_cambio = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    replicado_de = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replicas",
        help_text="Reporte IMMEX del que se replicó este (PROSEC ligado).",
    )

    class Meta:
        verbose_name = "reporte anual"
        verbose_name_plural = "reportes anuales"

    def __str__(self) -> str:
        return f"RAOCE {self.periodo} · {self.solicitud}"

    @property
    def saldo(self) -> Decimal | None:
        """b − c (miles de pesos)."""
        if self.total_exportaciones is None:
            return None
        return self.total_exportaciones - (self.total_importaciones or Decimal("0"))

    @property
    def porcentaje_exportacion(self) -> Decimal | None:
        """b / a · 100, two decimals."""
        if not self.ventas_totales or self.total_exportaciones is None:
            return None
        return (self.total_exportaciones / self.ventas_totales * 100).quantize(Decimal("0.01"))


class BienProducido(models.Model):
    """Goods produced, reported by PROSEC-only companies (added one by one)."""

    reporte = models.ForeignKey(ReporteAnual, on_delete=models.CASCADE, related_name="bienes")
    clave_sector = models.CharField("clave y sector", max_length=120)
    fraccion_arancelaria = models.CharField(max_length=10)
    unidad_medida = models.CharField("unidad de medida", max_length=40)
    volumen = models.DecimalField(max_digits=18, decimal_places=3)
    orden = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["orden", "pk"]
        verbose_name = "bien producido"
        verbose_name_plural = "bienes producidos"

    def __str__(self) -> str:
        return f"{self.fraccion_arancelaria} · {self.volumen} {self.unidad_medida}"


class Recordatorio(models.Model):
    """A reminder sent to a program's persona before a RAOCE deadline (one per program,
    deadline and reminder date: the unique key makes the job send it once)."""

    class Plazo(models.TextChoices):
        LIMITE = "limite", "fecha límite"
        ULTIMA_FECHA = "ultima_fecha", "última fecha para evitar la cancelación"

    programa = models.ForeignKey(Programa, on_delete=models.CASCADE, related_name="recordatorios")
    plazo = models.CharField(max_length=12, choices=Plazo.choices)
    fecha = models.DateField("fecha del recordatorio")
    creado = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programa", "plazo", "fecha"], name="recordatorio_unico"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programa_id} · {self.plazo} · {self.fecha:%d/%m/%Y}"
