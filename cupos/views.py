"""Consulta de cupos: monto, asignado, expedido, cancelado and saldo of each cupo, like
SNICE's public report. For any logged-in user (solicitantes and staff)."""

from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from cupos import saldos
from cupos.models import CERO, Cupo, Regimen
from tramites.exportar import puede_exportar

CIEN = Decimal("100")


class FiltroConsultaForm(forms.Form):
    anio = forms.TypedChoiceField(label="Año", required=False, coerce=int, empty_value=None)
    regimen = forms.ChoiceField(
        label="Régimen aduanero", required=False, choices=[("", "Todos"), *Regimen.choices]
    )
    producto = forms.CharField(label="Producto", required=False, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        anios = Cupo.objects.order_by("-anio").values_list("anio", flat=True).distinct()
        self.fields["anio"].choices = [("", "Todos"), *[(a, a) for a in anios]]


#: Cupos per page of the consulta (the filters stay in the query string).
POR_PAGINA = 25


def _porcentaje(parte: Decimal, total: Decimal) -> Decimal:
    if not total:
        return CERO
    return min(CIEN, max(CERO, parte * CIEN / total)).quantize(Decimal("0.1"))


def filas_consulta(cupos) -> list[dict]:
    """One row per cupo with its ledger totals; saldo disponible = monto − asignado."""
    cupos = list(cupos)
    totales = saldos.totales_por_cupo(cupos)
    filas = []
    for cupo in cupos:
        t = totales.get(cupo.pk, {"asignado": CERO, "expedido": CERO, "cancelado": CERO})
        expedido_neto = max(CERO, t["expedido"] - t["cancelado"])
        filas.append(
            {
                "cupo": cupo,
                "monto": cupo.monto_total,
                "asignado": t["asignado"],
                "expedido": t["expedido"],
                "cancelado": t["cancelado"],
                "disponible": cupo.monto_total - t["asignado"],
                "pct_asignado": _porcentaje(t["asignado"], cupo.monto_total),
                "pct_expedido": _porcentaje(expedido_neto, cupo.monto_total),
                "pct_por_expedir": _porcentaje(t["asignado"] - expedido_neto, cupo.monto_total),
            }
        )
    return filas


def cupos_filtrados(form: FiltroConsultaForm):
    """Active cupos with the consulta's filters (the page and its exports)."""
    cupos = Cupo.objects.filter(activo=True).select_related("representacion_federal")
    if form.is_valid():
        d = form.cleaned_data
        if d.get("anio"):
            cupos = cupos.filter(anio=d["anio"])
        if d.get("regimen"):
            cupos = cupos.filter(regimen=d["regimen"])
        if d.get("producto"):
            cupos = cupos.filter(producto__icontains=d["producto"].strip())
    return cupos.order_by("-anio", "regimen", "nombre")


@login_required
def consulta(request):
    form = FiltroConsultaForm(request.GET or None)
    pagina = Paginator(cupos_filtrados(form), POR_PAGINA).get_page(request.GET.get("pagina"))
    return render(
        request,
        "cupos/consulta/lista.html",
        {
            "form": form,
            "filas": filas_consulta(pagina.object_list),
            "pagina": pagina,
            "puede_exportar": puede_exportar(request.user),
            "consulta": request.GET.urlencode(),
        },
    )
