"""What the engine records of events sent by lower layers (connected in apps.ready)."""

from django.dispatch import receiver

from tramites.services import registrar_auditoria
from vucem.signals import capturista_revocado


@receiver(capturista_revocado)
def auditar_revocacion(sender, capturista, por, **kwargs) -> None:
    registrar_auditoria(
        capturista,
        anterior="activo",
        nuevo="revocado",
        usuario=por,
        motivo=f"Revocado por el solicitante {capturista.solicitante.rfc}",
    )
