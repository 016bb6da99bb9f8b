"""The RAOCE program register exported (CSV / Excel) for the back-office, with the filters
of the admin's program list (tipo, estatus, exportación directa, search)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_GET

from raoce.models import EstatusPrograma, Programa, TipoPrograma
from tramites.exportar import exportar, puede_exportar

ENCABEZADOS = [
    "Tipo",
    "Número",
    "RFC",
    "Razón social",
    "Modalidad",
    "Sector",
    "Estatus",
    "Estatus desde",
    "Fecha de autorización",
    "Programas ligados",
]


def programas_filtrados(params):
    """Programs with the admin changelist's filters (``tipo__exact``, ``estatus__exact``,
    ``exportacion_directa__exact``, ``q``); unknown values select nothing."""
    qs = Programa.objects.select_related("persona").prefetch_related("ligados")
    tipo = params.get("tipo__exact") or params.get("tipo")
    if tipo:
        qs = qs.filter(tipo=tipo) if tipo in TipoPrograma.values else qs.none()
    estatus = params.get("estatus__exact") or params.get("estatus")
    if estatus:
        qs = qs.filter(estatus=estatus) if estatus in EstatusPrograma.values else qs.none()
    directa = params.get("exportacion_directa__exact")
    if directa in ("0", "1"):
        qs = qs.filter(exportacion_directa=directa == "1")
    texto = (params.get("q") or "").strip()[:120]
    if texto:
        qs = qs.filter(
            Q(numero__icontains=texto)
            | Q(persona__rfc__icontains=texto)
            | Q(persona__nombre__icontains=texto)
        )
    return qs.order_by("tipo", "numero")


@login_required
@require_GET
def exportar_programas(request, formato):
    if not puede_exportar(request.user):
        raise Http404("Página no encontrada")
    filas = (
        [
            p.tipo,
            p.numero,
            p.persona.rfc,
            p.persona.nombre,
            p.modalidad,
            p.sector,
            p.get_estatus_display(),
            p.estatus_desde,
            p.fecha_autorizacion,
            ", ".join(f"{x.tipo} {x.numero}" for x in p.ligados.all()),
        ]
        for p in programas_filtrados(request.GET)
    )
    return exportar(
        formato,
        f"padron-programas-{timezone.localdate():%Y%m%d}",
        ENCABEZADOS,
        filas,
        hoja="Programas",
    )
