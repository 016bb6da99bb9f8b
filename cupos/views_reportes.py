"""Nivel central's reports on the consulta de cupos: one cupo's breakdown per subcupo with
its chart and the monthly trend of the year, and the consulta exported as CSV / Excel with
the current filters (back-office only; anyone else 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cupos import reportes
from cupos.models import Cupo
from cupos.views import FiltroConsultaForm, cupos_filtrados, filas_consulta, puede_exportar
from tramites.exportar import exportar


@login_required
@require_GET
def consulta_cupo(request, pk):
    cupo = get_object_or_404(Cupo.objects.filter(activo=True), pk=pk)
    u = cupo.get_unidad_display()
    subcupos = reportes.desglose_subcupos(cupo)
    meses = reportes.tendencia_mensual(cupo)
    return render(
        request,
        "cupos/consulta/cupo.html",
        {
            "cupo": cupo,
            "fila": filas_consulta([cupo])[0],
            "subcupos": subcupos,
            "meses": meses,
            "grafica": reportes.grafica_barras(
                subcupos, reportes.SERIES_SUBCUPO, etiqueta=lambda f: f["subcupo"].clave, unidad=u
            ),
            "grafica_meses": reportes.grafica_barras(
                meses,
                reportes.SERIES_TENDENCIA,
                etiqueta=lambda f: f["nombre"][:3],
                unidad=u,
                ancho_barra=10,
            ),
            "puede_exportar": puede_exportar(request.user),
        },
    )


ENCABEZADOS = [
    "Cupo",
    "Clave",
    "Año",
    "Régimen",
    "Producto",
    "Fracciones",
    "Tratado",
    "Mecanismo",
    "Unidad",
    "Monto",
    "Asignado",
    "Expedido",
    "Cancelado",
    "Saldo disponible",
]


@login_required
@require_GET
def exportar_consulta(request, formato):
    if not puede_exportar(request.user):
        raise Http404("Página no encontrada")
    form = FiltroConsultaForm(request.GET or None)
    filas = (
        [
            f["cupo"].nombre,
            f["cupo"].clave,
            f["cupo"].anio,
            f["cupo"].get_regimen_display(),
            f["cupo"].producto,
            f["cupo"].fracciones_texto,
            f["cupo"].tratado,
            f["cupo"].get_mecanismo_display(),
            f["cupo"].unidad,
            f["monto"],
            f["asignado"],
            f["expedido"],
            f["cancelado"],
            f["disponible"],
        ]
        for f in filas_consulta(cupos_filtrados(form))
    )
    return exportar(
        formato,
        f"consulta-cupos-{timezone.localdate():%Y%m%d}",
        ENCABEZADOS,
        filas,
        hoja="Consulta de cupos",
    )
