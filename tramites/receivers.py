"""What the engine records of events sent by lower layers, and the caches its own model
changes invalidate (connected in apps.ready)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from acuses.models import Documento
from acuses.services import estado_documento_cambiado, estados_documentos_cambiados
from tramites.calendario import invalidar_dias_inhabiles
from tramites.models import Dependencia, DiaInhabil, Instrumento, Tramite
from tramites.selectors import memoria_catalogo
from tramites.services import auditar_en_lote, registrar_auditoria
from vucem.signals import capturista_revocado, ingreso_fiel_rechazado


@receiver(capturista_revocado)
def auditar_revocacion(sender, capturista, por, **kwargs) -> None:
    registrar_auditoria(
        capturista,
        anterior="activo",
        nuevo="revocado",
        usuario=por,
        motivo=f"Revocado por el solicitante {capturista.solicitante.rfc}",
    )


@receiver(ingreso_fiel_rechazado)
def auditar_ingreso_rechazado(sender, usuario, rfc, ip="", **kwargs) -> None:
    registrar_auditoria(
        usuario,
        anterior="",
        nuevo="ingreso_fiel_rechazado",
        motivo=(
            f"Primer ingreso con la e.firma del RFC {rfc} rechazado: ese RFC ya es el "
            f"nombre de usuario de esta cuenta, que no está vinculada a esa persona; no se "
            f"vinculó. IP: {ip or 'desconocida'}."
        ),
    )


@receiver(estado_documento_cambiado)
def auditar_estado_documento(sender, documento, anterior, nuevo, usuario=None, motivo="", **kw):
    registrar_auditoria(documento, anterior=anterior, nuevo=nuevo, usuario=usuario, motivo=motivo)


@receiver(estados_documentos_cambiados)
def auditar_estados_documentos(sender, cambios, **kwargs) -> None:
    auditar_en_lote(Documento, cambios)


@receiver([post_save, post_delete], sender=DiaInhabil, dispatch_uid="calendario_dia_inhabil")
@receiver([post_save, post_delete], sender=Dependencia, dispatch_uid="calendario_dependencia")
def olvidar_dias_inhabiles(sender, **kwargs) -> None:
    invalidar_dias_inhabiles()


@receiver([post_save, post_delete], sender=Dependencia, dispatch_uid="catalogo_dependencia")
@receiver([post_save, post_delete], sender=Instrumento, dispatch_uid="catalogo_instrumento")
@receiver([post_save, post_delete], sender=Tramite, dispatch_uid="catalogo_tramite")
def olvidar_catalogo(sender, **kwargs) -> None:
    memoria_catalogo.invalidar()
