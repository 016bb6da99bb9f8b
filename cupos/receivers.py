"""Caches that cupos' own model changes invalidate (connected by cupos.asistentes,
which tramites autodiscovers)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cupos.disponibilidad import memoria_recepcion
from cupos.models import Cupo, Subcupo
from tramites.models import Dependencia, DiaInhabil


@receiver([post_save, post_delete], sender=Cupo, dispatch_uid="cupos_recepcion_cupo")
@receiver([post_save, post_delete], sender=Subcupo, dispatch_uid="cupos_recepcion_subcupo")
@receiver([post_save, post_delete], sender=DiaInhabil, dispatch_uid="cupos_recepcion_inhabil")
@receiver([post_save, post_delete], sender=Dependencia, dispatch_uid="cupos_recepcion_dependencia")
def olvidar_recepcion(sender, **kwargs) -> None:
    """The reception windows are business-day dates of the cupos' rules."""
    memoria_recepcion.invalidar()
