"""Models of the previous year's records a proportional subcupo reads (seed 004, B):

* :class:`SaldoApertura` — in a first year of operation (no previous year in our records),
  the amount each company was assigned the year before, captured by nivel central with the
  document that proves it. Never the applicant's own declaration.
* :class:`BaseProporcional` + :class:`ParticipacionAnterior` — the participations θ of a
  subcupo, fixed (snapshot) once its reception window opens, so the year's proposals never
  depend on who applies or who is dictaminated first.

Kept apart from ``cupos.models`` (which imports them) to keep modules short; relations are
by name, so this module imports no other module of cupos. Companies are identified by RFC
(an applicant matches its row by its persona's RFC).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from vucem.models import validar_rfc


class SaldoApertura(models.Model):
    """Opening balance: what ``beneficiario`` was assigned in the previous year, for a
    subcupo whose previous year we hold no record of. Captured by nivel central (audited)."""

    subcupo = models.ForeignKey(
        "cupos.Subcupo", on_delete=models.PROTECT, related_name="saldos_apertura"
    )
    # By RFC: last year's beneficiary may not be registered in the portal yet.
    rfc = models.CharField("RFC del beneficiario", max_length=13, validators=[validar_rfc])
    nombre = models.CharField("nombre, denominación o razón social", max_length=254)
    monto_anio_anterior = models.DecimalField(
        "monto asignado en el año anterior", max_digits=18, decimal_places=3
    )
    documento = models.CharField(
        "documento que lo acredita",
        max_length=254,
        help_text="P. ej. «Oficio 000123/2025 de la DGCE». Obligatorio.",
    )
    observaciones = models.TextField(blank=True)
    capturado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    capturado_en = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["subcupo", "-monto_anio_anterior", "pk"]
        verbose_name = "saldo de apertura (año anterior)"
        verbose_name_plural = "saldos de apertura (año anterior)"
        constraints = [
            models.UniqueConstraint(fields=["subcupo", "rfc"], name="saldo_apertura_unico"),
            models.CheckConstraint(
                condition=Q(monto_anio_anterior__gt=0), name="saldo_apertura_positivo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rfc} · {self.monto_anio_anterior}"


class BaseProporcional(models.Model):
    """The participations θ of a proportional subcupo, fixed for its year."""

    class Origen(models.TextChoices):
        REGISTROS = "registros", "Asignaciones del año anterior en nuestros registros"
        APERTURA = "apertura", "Saldos de apertura capturados por nivel central"

    subcupo = models.OneToOneField(
        "cupos.Subcupo", on_delete=models.PROTECT, related_name="base_proporcional"
    )
    origen = models.CharField(max_length=10, choices=Origen.choices)
    anio_anterior = models.PositiveSmallIntegerField("año anterior")
    precision = models.PositiveSmallIntegerField("decimales de θ")
    total_anterior = models.DecimalField(
        "total asignado en el año anterior", max_digits=18, decimal_places=3
    )
    congelada_en = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "base de la participación proporcional"
        verbose_name_plural = "bases de la participación proporcional"

    def __str__(self) -> str:
        return f"Base {self.anio_anterior} · {self.subcupo}"


class ParticipacionAnterior(models.Model):
    """One company of a :class:`BaseProporcional`: its previous-year amount and θ."""

    base = models.ForeignKey(
        BaseProporcional, on_delete=models.CASCADE, related_name="participaciones"
    )
    rfc = models.CharField("RFC", max_length=13)
    nombre = models.CharField(max_length=254)
    monto_anterior = models.DecimalField(max_digits=18, decimal_places=3)
    theta_exacta = models.DecimalField(max_digits=30, decimal_places=24)
    theta = models.DecimalField(max_digits=14, decimal_places=12)
    theta_ajustada = models.BooleanField(default=False)
    orden = models.PositiveIntegerField()

    class Meta:
        ordering = ["base", "orden"]
        verbose_name = "participación del año anterior"
        verbose_name_plural = "participaciones del año anterior"
        constraints = [
            models.UniqueConstraint(fields=["base", "rfc"], name="participacion_unica_por_base")
        ]

    def __str__(self) -> str:
        return f"{self.rfc} · θ {self.theta}"
