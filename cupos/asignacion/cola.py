"""The dictamen queue of the solicitudes de asignación: filters (cupo, subcupo, criterio,
RFC or name, plazo status, assignment), the rows shown (with the mechanism's proposal and
the plazo) and the same rows for the exports. The plazo rules are the engine's
(:mod:`tramites.mesa_dictamen`)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from acuses.models import Documento
from cupos import montos
from cupos.asignacion import dictamen, registro
from cupos.models import Asignacion, Criterio, Cupo, SolicitudAsignacion, Subcupo
from tramites import mesa_dictamen
from tramites.mesa_dictamen import EstadoPlazo

TODOS = [("", "Todos")]


class FiltroColaForm(forms.Form):
    cupo = forms.ModelChoiceField(
        label="Cupo", queryset=Cupo.objects.none(), required=False, empty_label="Todos"
    )
    subcupo = forms.ModelChoiceField(
        label="Subcupo", queryset=Subcupo.objects.none(), required=False, empty_label="Todos"
    )
    criterio = forms.ChoiceField(
        label="Mecanismo / criterio", required=False, choices=TODOS + Criterio.choices
    )
    rfc = forms.CharField(
        label="RFC, nombre o folio",
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    plazo = forms.ChoiceField(label="Plazo", required=False, choices=TODOS + EstadoPlazo.choices)
    asignacion = forms.ChoiceField(
        label="Dictaminador",
        required=False,
        choices=TODOS + [("mias", "Asignadas a mí"), ("sin_asignar", "Sin asignar")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cupo"].queryset = Cupo.objects.order_by("-anio", "nombre")
        self.fields["cupo"].label_from_instance = lambda c: f"{c.nombre} ({c.anio})"
        self.fields["subcupo"].queryset = Subcupo.objects.select_related("cupo").order_by(
            "-cupo__anio", "cupo__nombre", "orden", "clave"
        )
        self.fields["subcupo"].label_from_instance = lambda s: (
            f"{s.cupo.nombre} ({s.cupo.anio}) · {s.clave}"
        )
        for nombre, campo in self.fields.items():
            clase = "form-control" if nombre == "rfc" else "form-select"
            campo.widget.attrs["class"] = f"{clase} form-control-sm form-select-sm"


def filtrar(qs, form: FiltroColaForm | None, *, usuario=None, hoy=None, calendario=None):
    """``qs`` of SolicitudAsignacion narrowed by the form's filters (an invalid form: none)."""
    if form is not None and form.is_bound and not form.is_valid():
        return qs.none()
    d = form.cleaned_data if form is not None and form.is_valid() else {}
    if d.get("cupo"):
        qs = qs.filter(subcupo__cupo=d["cupo"])
    if d.get("subcupo"):
        qs = qs.filter(subcupo=d["subcupo"])
    if d.get("criterio"):
        qs = qs.filter(subcupo__criterio=d["criterio"])
    texto = (d.get("rfc") or "").strip()
    if texto:
        qs = qs.filter(
            Q(solicitud__solicitante__rfc__icontains=texto)
            | Q(solicitud__solicitante__nombre__icontains=texto)
            | Q(solicitud__folio__icontains=texto)
        )
    if d.get("plazo"):
        qs = qs.filter(
            mesa_dictamen.filtro_estado_plazo(
                d["plazo"], hoy=hoy, calendario=calendario, prefijo="solicitud__"
            )
        )
    if d.get("asignacion") == "mias" and usuario is not None:
        qs = qs.filter(solicitud__dictaminador=usuario)
    elif d.get("asignacion") == "sin_asignar":
        qs = qs.filter(solicitud__dictaminador__isnull=True)
    return qs


def pendientes(form=None, *, usuario=None, hoy=None, calendario=None):
    """Solicitudes en dictamen (FCFS order) with the filters applied."""
    qs = dictamen.pendientes_de_dictamen().select_related("solicitud__dictaminador")
    return filtrar(qs, form, usuario=usuario, hoy=hoy, calendario=calendario)


def resueltas(form=None):
    """Resolved solicitudes, the latest first, with the filters that apply (not plazo)."""
    qs = (
        SolicitudAsignacion.objects.filter(solicitud__estado="resuelta")
        .select_related(
            "solicitud__solicitante",
            "solicitud__tramite",
            "solicitud__resuelta_por",
            "subcupo__cupo",
        )
        .order_by("-solicitud__resuelta_en", "pk")
    )
    return filtrar(qs, form)


def _u(sa) -> str:
    return sa.subcupo.cupo.get_unidad_display()


def filas_pendientes(sas, *, hoy, calendario) -> list[dict]:
    """Rows of pending solicitudes with the plazo and the mechanism's proposal (computed per
    subcupo over its whole queue, so a page shows the same proposal as the detail)."""
    sas = list(sas)
    propuestas = {}
    por_subcupo: dict[int, list] = {}
    for sa in sas:
        por_subcupo.setdefault(sa.subcupo_id, []).append(sa)
    for filas in por_subcupo.values():
        propuestas.update(registro.calcular_propuestas(filas[0].subcupo, filas))
    out = []
    for sa in sas:
        s, p = sa.solicitud, propuestas.get(sa.solicitud_id)
        out.append(
            {
                "sa": sa,
                "s": s,
                "plazo": mesa_dictamen.plazo_de(s, hoy=hoy, calendario=calendario),
                "propuesta_valor": p.monto if p and not p.error else None,
                "solicitado": montos.formato_monto(sa.monto_solicitado, _u(sa)),
                "propuesta": montos.formato_monto(p.monto, _u(sa)) if p else "",
                "propuesta_error": p.error if p else "",
            }
        )
    return out


def filas_resueltas(sas) -> list[dict]:
    sas = list(sas)
    ids = [sa.solicitud_id for sa in sas]
    asignaciones = {a.solicitud_id: a for a in Asignacion.objects.filter(solicitud__in=ids)}
    oficios = {
        d.solicitud_id: d
        for d in Documento.objects.filter(
            solicitud__in=ids, tipo__in=[Documento.Tipo.OFICIO, Documento.Tipo.RESOLUCION]
        ).order_by("creado", "pk")
    }
    out = []
    for sa in sas:
        a = asignaciones.get(sa.solicitud_id)
        out.append(
            {
                "sa": sa,
                "s": sa.solicitud,
                "asignacion": a,
                "documento": oficios.get(sa.solicitud_id),
                "asignado": montos.formato_monto(a.monto_asignado, _u(sa)) if a else "",
            }
        )
    return out


ENCABEZADOS_PENDIENTES = [
    "Folio",
    "RFC",
    "Solicitante",
    "Cupo",
    "Año",
    "Subcupo",
    "Criterio",
    "Recepción",
    "Días hábiles transcurridos",
    "Plazo (días hábiles)",
    "Vence",
    "Estado del plazo",
    "Dictaminador",
    "Unidad",
    "Monto solicitado",
    "Propuesta",
]


def exportables_pendientes(filas: list[dict]):
    for f in filas:
        s, sa, p = f["s"], f["sa"], f["plazo"]
        cupo = sa.subcupo.cupo
        yield [
            s.folio,
            s.solicitante.rfc,
            s.solicitante.nombre,
            cupo.nombre,
            cupo.anio,
            sa.subcupo.clave,
            sa.subcupo.get_criterio_display(),
            timezone.localtime(s.firmada_en),
            p.transcurridos,
            p.plazo,
            p.vencimiento,
            p.estado_display,
            mesa_dictamen.nombre_de(s.dictaminador),
            cupo.unidad,
            sa.monto_solicitado,
            f["propuesta_valor"],
        ]
