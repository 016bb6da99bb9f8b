"""The draft of an annual report: its :class:`~raoce.models.ReporteAnual` (programs,
amounts in miles de pesos, bienes producidos) and the checks run before signing.

Every change refuses a signed solicitud (:class:`~raoce.reporte.reglas.SolicitudFirmada`)
and also saves the step's JSON in ``Solicitud.datos`` (``tramites.services.guardar_paso``).
"""

from __future__ import annotations

import re

from django.db import transaction

from tramites import services as tramites_services
from tramites.reglas import ReglaError
from vucem.consultas import ENTERO, ConsultaCompilada

from .. import plazos
from ..models import BienProducido, EstatusPrograma, Programa, ReporteAnual
from ..trabajos import aplicar_vencimientos
from . import reglas, ventana
from .importes import texto_miles
from .programas import GrupoProgramas, orden, requiere_bienes, requiere_importaciones

PASO_PROGRAMAS = "programas"
PASO_DATOS = "datos"
IMPORTES = ("ventas_totales", "total_exportaciones", "total_importaciones")

_RE_ID = re.compile(r"^[0-9]{1,18}$", re.ASCII)


# A request reads the draft's report many times (each step's checks, the cadena, the
# summary): it is read once per Solicitud instance, and its programs once per report
# instance. Every change made here forgets them (``olvidar``); the signing transaction works
# on instances it read after taking its locks (``AsistenteReporteAnual.al_firmar``).
_REPORTE = "_raoce_reporte"
#: Solicitud's reverse relation to its report: a draft read by
#: ``tramites.selectors.solicitud_de_sesion_o_404`` comes with it (``raoce.asistentes``).
RELACION_REPORTE = "reporte_anual"
_PROGRAMAS = "_raoce_programas"
_BIENES = "_raoce_bienes"
_IMPORTACIONES = "_raoce_importaciones"


#: The draft's report and the report's programs: compiled once (each step reads them).
_REPORTE_DE = ConsultaCompilada(
    lambda solicitud: ReporteAnual.objects.filter(solicitud=solicitud).order_by("pk")[:1],
    solicitud=ENTERO,
)
_PROGRAMAS_DE = ConsultaCompilada(
    lambda reporte: Programa.objects.filter(reportes=reporte).order_by("pk"), reporte=ENTERO
)


#: The report with its programs, in one query: a row per (report, program) link.
_REPORTE_Y_PROGRAMAS = ConsultaCompilada(
    lambda solicitud: (
        ReporteAnual.programas.through.objects.filter(reporteanual__solicitud=solicitud)
        .select_related("reporteanual", "programa")
        .order_by("programa_id")
    ),
    solicitud=ENTERO,
)


def reporte_de(solicitud) -> ReporteAnual | None:
    """The draft's report (one per solicitud): the one read with the draft
    (:data:`RELACION_REPORTE`), else read with its programs (:func:`programas_de` then reads
    none); when there is none, or it has no programs, a second query says which."""
    if solicitud is None or solicitud.pk is None:
        return None
    if _REPORTE not in solicitud.__dict__ and RELACION_REPORTE in solicitud._state.fields_cache:
        # read with the draft (None: it has none); its programs are read when asked for
        solicitud.__dict__[_REPORTE] = solicitud._state.fields_cache[RELACION_REPORTE]
    if _REPORTE not in solicitud.__dict__:
        vinculos = _REPORTE_Y_PROGRAMAS.objetos(solicitud=solicitud.pk)
        if vinculos:
            reporte = vinculos[0].reporteanual
            reporte.__dict__[_PROGRAMAS] = sorted((v.programa for v in vinculos), key=orden)
        else:
            encontrados = _REPORTE_DE.objetos(solicitud=solicitud.pk)
            reporte = encontrados[0] if encontrados else None
            if reporte is not None:  # no links were found: it has no programs
                reporte.__dict__[_PROGRAMAS] = []
        solicitud.__dict__[_REPORTE] = reporte
    return solicitud.__dict__[_REPORTE]


def recordar_reporte(solicitud, reporte: ReporteAnual | None) -> None:
    """Use ``reporte`` (e.g. the row just locked) as the draft's report for this instance."""
    solicitud.__dict__[_REPORTE] = reporte


def _olvidar_del_reporte(reporte: ReporteAnual) -> None:
    for clave in (_PROGRAMAS, _IMPORTACIONES, _BIENES):
        reporte.__dict__.pop(clave, None)


def olvidar(solicitud, reporte: ReporteAnual | None = None) -> None:
    """Forget what :func:`reporte_de` / :func:`programas_de` / :func:`bienes_de` /
    :func:`importaciones_requeridas` read (after a change)."""
    if solicitud is not None:
        solicitud._state.fields_cache.pop(RELACION_REPORTE, None)
        anterior = solicitud.__dict__.pop(_REPORTE, None)
        if anterior is not None:
            _olvidar_del_reporte(anterior)
    if reporte is not None:
        _olvidar_del_reporte(reporte)


def recordar_programas_leidos(reporte: ReporteAnual, programas) -> None:
    """The report's programs as read with the persona's (``todos_los_programas`` with the
    report), unless already read: :func:`programas_de` then reads none."""
    reporte.__dict__.setdefault(_PROGRAMAS, sorted(programas, key=orden))


def programas_de(reporte: ReporteAnual | None) -> list[Programa]:
    if reporte is None:
        return []
    if _PROGRAMAS not in reporte.__dict__:
        reporte.__dict__[_PROGRAMAS] = sorted(_PROGRAMAS_DE.objetos(reporte=reporte.pk), key=orden)
    return list(reporte.__dict__[_PROGRAMAS])


def recordar_programas(reporte: ReporteAnual, programas) -> None:
    """Use ``programas`` (e.g. the rows just locked) as the report's programs."""
    _olvidar_del_reporte(reporte)
    reporte.__dict__[_PROGRAMAS] = sorted(programas, key=orden)


def bienes_de(reporte: ReporteAnual | None) -> list[BienProducido]:
    """The report's bienes producidos in their order, read once per report instance."""
    if reporte is None:
        return []
    if _BIENES not in reporte.__dict__:
        reporte.__dict__[_BIENES] = list(reporte.bienes.all())
    return list(reporte.__dict__[_BIENES])


def importaciones_requeridas(reporte: ReporteAnual | None) -> bool:
    """:func:`~raoce.reporte.programas.requiere_importaciones` of the report's programs,
    read once per report instance."""
    if reporte is None:
        return False
    if _IMPORTACIONES not in reporte.__dict__:
        reporte.__dict__[_IMPORTACIONES] = requiere_importaciones(programas_de(reporte))
    return reporte.__dict__[_IMPORTACIONES]


def _exigir_borrador(solicitud) -> None:
    if not solicitud.es_borrador:
        raise reglas.SolicitudFirmada.falla()


def seleccionar_programas(solicitud, grupo: GrupoProgramas, periodo: int) -> ReporteAnual:
    """Create or update the draft's report with the chosen programs; data that no longer
    applies (importaciones, bienes) is cleared."""
    _exigir_borrador(solicitud)
    paso = {
        "periodo": periodo,
        "grupo": grupo.clave,
        "programas": grupo.ids,
        "tipo": grupo.tipo,
        "folio": grupo.folio,
    }
    previo = reporte_de(solicitud)  # as the step's form read it in this request
    if (
        previo is not None
        and previo.periodo == periodo
        and {p.pk for p in programas_de(previo)} == {p.pk for p in grupo.programas}
        and (previo.total_importaciones is None or importaciones_requeridas(previo))
    ):
        # The same choice again («Continuar» after coming back): the report already holds
        # these programs and nothing the choice would clear; only the step is saved (no
        # transaction, no write of the report or its programs).
        tramites_services.guardar_paso(solicitud, PASO_PROGRAMAS, paso)
        return previo
    olvidar(solicitud)
    with transaction.atomic():
        reporte, creado = ReporteAnual.objects.get_or_create(
            solicitud=solicitud, defaults={"periodo": periodo}
        )
        if creado:  # nothing to replace, clear or save again
            reporte.programas.add(*grupo.programas)
        else:
            reporte.periodo = periodo
            reporte.programas.set(grupo.programas)
            campos = ["periodo"]
            if reporte.total_importaciones is not None and not requiere_importaciones(
                grupo.programas
            ):
                reporte.total_importaciones = None
                campos.append("total_importaciones")
            reporte.save(update_fields=campos)
        olvidar(solicitud, reporte)
        if not creado and not requiere_bienes(grupo.programas):
            reporte.bienes.all().delete()
        tramites_services.guardar_paso(solicitud, PASO_PROGRAMAS, paso)
    return reporte


def guardar_importes(solicitud, reporte: ReporteAnual, importes: dict, *, listo: bool) -> None:
    """Save the amounts of the balanza comercial (miles de pesos) to the draft."""
    _exigir_borrador(solicitud)
    campos = []
    for campo in IMPORTES:
        if campo in importes:
            setattr(reporte, campo, importes[campo])
            campos.append(campo)
    with transaction.atomic():
        if campos:
            reporte.save(update_fields=campos)
        recordar_reporte(solicitud, reporte)
        datos = {"listo": listo, **{c: texto_miles(getattr(reporte, c)) for c in IMPORTES}}
        tramites_services.guardar_paso(solicitud, PASO_DATOS, datos)


def agregar_bien(solicitud, reporte: ReporteAnual, datos: dict) -> BienProducido:
    _exigir_borrador(solicitud)
    if not requiere_bienes(programas_de(reporte)):
        raise reglas.BienesSoloPROSEC.falla()
    ultimo = reporte.bienes.order_by("-orden").values_list("orden", flat=True).first() or 0
    reporte.__dict__.pop(_BIENES, None)
    return BienProducido.objects.create(
        reporte=reporte,
        clave_sector=datos["clave_sector"],
        fraccion_arancelaria=datos["fraccion_arancelaria"],
        unidad_medida=datos["unidad_medida"],
        volumen=datos["volumen"],
        orden=ultimo + 1,
    )


def quitar_bien(solicitud, reporte: ReporteAnual, bien_id: str) -> None:
    _exigir_borrador(solicitud)
    bien_id = str(bien_id or "").strip()
    reporte.__dict__.pop(_BIENES, None)
    if not _RE_ID.match(bien_id) or not reporte.bienes.filter(pk=int(bien_id)).delete()[0]:
        raise reglas.BienInexistente.falla()


# ------------------------------------------------------------------------------ checks


def errores_importes(reporte: ReporteAnual | None) -> list[str]:
    if reporte is None:
        return ["Capture los datos del reporte anual."]
    errores: list[str] = []
    a, b, c = reporte.ventas_totales, reporte.total_exportaciones, reporte.total_importaciones
    if a is None:
        errores.append("Capture las ventas totales (a).")
    if b is None:
        errores.append("Capture el total de exportaciones (b).")
    if importaciones_requeridas(reporte) and c is None:
        errores.append("Capture el total de importaciones (c).")
    for valor in (a, b, c):
        if valor is not None and valor < 0:
            errores.append("Los importes del reporte anual no pueden ser negativos.")
            break
    if a is not None and b is not None:
        try:
            reglas.ExportacionesDentroDeVentas().validar(a, exportaciones=b)
        except ReglaError as exc:
            errores.append(exc.mensaje)
    if requiere_bienes(programas_de(reporte)) and not bienes_de(reporte):
        errores.append("Agregue al menos un bien producido en la «Relación de bienes producidos».")
    return errores


def _ya_reportados(programas, periodo: int, excluir_solicitud=None):
    qs = ReporteAnual.objects.filter(
        periodo=periodo, programas__in=programas, solicitud__folio__isnull=False
    )
    if excluir_solicitud is not None:
        qs = qs.exclude(solicitud=excluir_solicitud)
    return qs


def errores_programas(solicitud, reporte: ReporteAnual | None) -> list[str]:
    """The chosen programs still must report this period (not cancelled meanwhile, not
    reported by another solicitud), and the filing window is open."""
    if reporte is None or not programas_de(reporte):
        return ["Seleccione el programa por el que presenta el reporte anual."]
    errores: list[str] = []
    if msg := ventana.error_ventana():
        errores.append(msg)
    periodo = ventana.periodo_a_reportar()
    if reporte.periodo != periodo:
        errores.append(
            f"El reporte capturado corresponde a {reporte.periodo}; ahora se presenta el de "
            f"{periodo}. Inicie una nueva solicitud."
        )
        return errores
    # Past the cancellation date without a timely report: cancel now (audited), refuse.
    if aplicar_vencimientos(solicitud.solicitante, reporte.periodo, ventana.hoy()):
        olvidar(None, reporte)  # estatus changed: read the programs again
    elegidos = programas_de(reporte)
    for p in elegidos:
        if p.persona_id != solicitud.solicitante_id:
            errores.append(reglas.ProgramaAjeno.mensaje(programa=f"{p.tipo} {p.numero}"))
        elif p.estatus == EstatusPrograma.CANCELADO:
            errores.append(plazos.debe_reportar(p, reporte.periodo)[1])
        elif p.fecha_autorizacion.year > reporte.periodo:
            errores.append(
                f"El programa {p.tipo} {p.numero} fue autorizado en "
                f"{p.fecha_autorizacion.year}: no presenta el reporte anual de {reporte.periodo}."
            )
    for r in _ya_reportados(elegidos, reporte.periodo, excluir_solicitud=solicitud).distinct():
        errores.append(
            f"Ya se presentó el reporte anual de {reporte.periodo} para "
            f"{', '.join(f'{p.tipo} {p.numero}' for p in r.programas.all())} "
            f"(folio {r.solicitud.folio})."
        )
    return errores
