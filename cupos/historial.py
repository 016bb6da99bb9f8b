"""What of cupos shows in a solicitud's history page (tramites.historial): the asignación
(oficio) a solicitud de asignación produced, and the certificados de cupo a solicitud
expedited or cancelled, each with its own audit trail and human labels."""

from __future__ import annotations

from cupos.models import Asignacion, CertificadoCupo, MovimientoSaldo
from tramites.historial import registrar_relacionados

ETIQUETAS_ASIGNACION = dict(Asignacion.Estado.choices)
ETIQUETAS_CERTIFICADO = dict(CertificadoCupo.Estado.choices)


@registrar_relacionados
def relacionados(solicitud) -> list[tuple[str, object, dict]]:
    filas: list[tuple[str, object, dict]] = []
    for a in Asignacion.objects.filter(solicitud=solicitud):
        filas.append((f"Oficio de asignación {a.numero_oficio}/{a.anio}", a, ETIQUETAS_ASIGNACION))
    certificados = {c.pk: c for c in CertificadoCupo.objects.filter(solicitud=solicitud)}
    cancelados = MovimientoSaldo.objects.filter(
        solicitud=solicitud, certificado__isnull=False
    ).select_related("certificado")
    for m in cancelados:
        certificados.setdefault(m.certificado_id, m.certificado)
    for c in sorted(certificados.values(), key=lambda c: c.folio):
        filas.append((f"Certificado de cupo {c.folio}", c, ETIQUETAS_CERTIFICADO))
    return filas
