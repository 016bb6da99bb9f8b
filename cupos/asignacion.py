"""Solicitud de asignación de cupo (SE-03-011-1; VUCEM 120401/120402) and its dictamen.

Services used by the wizard (``cupos.asistente_asignacion``) and the back-office
(``cupos.views_dictamen``):

* reception windows of a subcupo (:func:`ventana_subcupo`, :func:`validar_ventana`);
* the rules of the "datos" step per criterio (:func:`validar_datos`,
  :func:`normalizar_datos`), called by ``cupos.forms_asignacion.DatosSolicitudForm``;
* attachments: PDF only, checked by extension, content-type, magic bytes and size
  (:func:`adjuntar_anexo`), and which documents each criterio requires
  (:func:`documentos_requeridos`);
* the saldo of a subcupo at dictamen (:func:`saldo_subcupo`);
* the proposal per mechanism (:func:`calcular_propuestas`, :func:`propuesta_de`), built only
  on :mod:`cupos.mecanismos` — no formula is rewritten here;
* the resolution: :func:`aprobar` (Asignacion + ledger + oficio + notification) and
  :func:`rechazar` (resolución + notification), both idempotent under a row lock.

All amounts are ``Decimal`` in the cupo's unidad (kilograms for the seeds' cupos).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from pypdf import PdfReader

from acuses.models import Documento
from acuses.services import emitir_sellado
from cupos import mecanismos, saldos
from cupos.models import Asignacion, Criterio, SolicitudAsignacion, Subcupo
from cupos.ventanas import VentanaCerradaError, VentanaRecepcion, mensaje_cerrada, periodo_recepcion
from tramites import calendario
from tramites import services as tramites_services
from tramites.calendario import Calendario
from tramites.models import Anexo, EstadoSolicitud, Solicitud
from tramites.reglas import ReglaError, TramiteError

E = EstadoSolicitud
CERO = Decimal("0")
#: Plazo de resolución (seed 004): seven business days from the business day after reception.
PLAZO_RESOLUCION_DIAS_HABILES = 7
#: Asignaciones that count against a subcupo (a cancelled one gives its amount back).
ESTADOS_ASIGNACION_VIVOS = (Asignacion.Estado.VIGENTE, Asignacion.Estado.VENCIDA)
#: Solicitudes waiting for a dictamen (the FCFS queue).
ESTADOS_PENDIENTES = (E.FIRMADA, E.EN_DICTAMEN)


def formato_monto(valor, unidad: str = "") -> str:
    """``Decimal("14776400.000")`` → ``"14,776,400"``; ``1234.5`` → ``"1,234.5"`` (+ unidad)."""
    if valor is None or valor == "":
        return ""
    try:
        numero = Decimal(str(valor))
    except InvalidOperation:
        return str(valor)
    if numero == numero.to_integral_value():
        numero = numero.quantize(Decimal("1"))
    else:
        numero = numero.normalize()
    return f"{numero:,f} {unidad}".strip()


# ============================================================================ windows


@dataclass(frozen=True)
class Ventana:
    """The reception window of a subcupo in its cupo's year, as shown to the applicant."""

    inicio: dt.date | None
    fin: dt.date | None
    descripcion: str
    abierta: bool

    @property
    def mensaje(self) -> str:
        if self.abierta or self.inicio is None:
            return ""
        return mensaje_cerrada(self.inicio, self.fin)

    @property
    def periodo_texto(self) -> str:
        if self.inicio is None:
            return "Sin periodo de recepción restringido."
        return f"Del {self.inicio:%d/%m/%Y} al {self.fin:%d/%m/%Y}"


def ahora() -> dt.datetime:
    """Current moment for the window checks (tests monkeypatch this, not timezone.now)."""
    return timezone.now()


def _hoy(momento=None) -> dt.date:
    momento = momento or ahora()
    if isinstance(momento, dt.datetime):
        return timezone.localtime(momento).date() if timezone.is_aware(momento) else momento.date()
    return momento


def ventana_subcupo(subcupo: Subcupo, momento=None) -> Ventana:
    """The subcupo's window for the year of its cupo, open or not at ``momento`` (default now).

    A subcupo without a declared window is open while its cupo is vigente."""
    hoy = _hoy(momento)
    cupo = subcupo.cupo
    if not subcupo.ventana:
        abierta = cupo.vigencia_inicio <= hoy <= cupo.vigencia_fin
        return Ventana(None, None, "Durante la vigencia del cupo.", abierta)
    regla = VentanaRecepcion.from_dict(subcupo.ventana)
    inicio, fin = periodo_recepcion(regla, cupo.anio)
    return Ventana(inicio, fin, regla.descripcion(), inicio <= hoy <= fin)


def validar_ventana(subcupo: Subcupo, momento=None) -> Ventana:
    """Raise :class:`cupos.ventanas.VentanaCerradaError` outside the subcupo's window."""
    v = ventana_subcupo(subcupo, momento)
    if not v.abierta:
        if v.inicio is None:
            c = subcupo.cupo
            raise VentanaCerradaError(
                mensaje_cerrada(c.vigencia_inicio, c.vigencia_fin),
                c.vigencia_inicio,
                c.vigencia_fin,
            )
        raise VentanaCerradaError(v.mensaje, v.inicio, v.fin)
    return v


# ============================================================================ datos de la solicitud

#: Capacity fields of an avena (consumo auditado) applicant asking for a capacity increase.
CAMPOS_INCREMENTO = ("capacidad_anterior", "capacidad_actual", "consumo_asignacion_anterior")
#: Prior-assignment fields of an industrial applicant to the residual pool (lácteos D).
CAMPOS_INDUSTRIAL = ("asignado_anio_anterior", "monto_ejercido_anterior")

REQUERIDO_INCREMENTO = "Requerido para considerar el incremento de capacidad."
CAPACIDAD_ANTERIOR_CERO = "Debe ser mayor que cero."
SIN_ASIGNACION_ANTERIOR = "Este subcupo es para empresas CON asignación en el año anterior."
INDIQUE_ANTERIOR = "Indique el monto de su asignación anterior (mayor que cero)."
INDIQUE_EJERCIDO = "Indique el monto ejercido."
EJERCIDO_MAYOR = "El monto ejercido no puede ser mayor que la asignación anterior."


def _reglas_consumo_auditado(subcupo: Subcupo, datos: dict):
    """Seed 002: asking for a capacity increase requires the three capacity fields
    together, and a capacidad anterior greater than zero."""
    if not datos.get("incremento_capacidad"):
        return
    for campo in CAMPOS_INCREMENTO:
        if datos.get(campo) is None:
            yield campo, REQUERIDO_INCREMENTO
    if datos.get("capacidad_anterior") == 0:
        yield "capacidad_anterior", CAPACIDAD_ANTERIOR_CERO


def _reglas_proporcional(subcupo: Subcupo, datos: dict):
    """Seed 004, B: only for companies WITH an assignment the year before (amount > 0)."""
    if not datos.get("asignado_anio_anterior"):
        yield "asignado_anio_anterior", SIN_ASIGNACION_ANTERIOR


def _reglas_bolsa_residual(subcupo: Subcupo, datos: dict):
    """Seed 004, D: an industrial applicant gives its prior assignment (> 0) and what it
    used of it (not more than the assignment, at least :func:`ejercicio_minimo` of it)."""
    if not datos.get("es_industrial"):
        return
    anterior = datos.get("asignado_anio_anterior")
    ejercido = datos.get("monto_ejercido_anterior")
    if not anterior:
        yield "asignado_anio_anterior", INDIQUE_ANTERIOR
    if ejercido is None:
        yield "monto_ejercido_anterior", INDIQUE_EJERCIDO
    if anterior and ejercido is not None:
        if ejercido > anterior:
            yield "monto_ejercido_anterior", EJERCIDO_MAYOR
        else:
            resultado = mecanismos.cumple_ejercicio_minimo(
                anterior, ejercido, ejercicio_minimo(subcupo)
            )
            if not resultado.cumple:
                yield "monto_ejercido_anterior", resultado.mensaje


_REGLAS_DATOS = {
    Criterio.CONSUMO_AUDITADO: _reglas_consumo_auditado,
    Criterio.PROPORCIONAL: _reglas_proporcional,
    Criterio.BOLSA_RESIDUAL: _reglas_bolsa_residual,
}


def validar_datos(subcupo: Subcupo, datos: dict) -> dict[str, list[str]]:
    """The business rules of the "datos de la solicitud" step for the subcupo's criterio.

    ``datos`` are already typed values (``Decimal``/``bool``/``None``, e.g. a form's
    ``cleaned_data``). Returns ``{campo: [mensaje, ...]}`` in the order the rules ran;
    empty when every rule holds. Does not modify ``datos``."""
    errores: dict[str, list[str]] = {}
    reglas = _REGLAS_DATOS.get(subcupo.criterio)
    if reglas is not None:
        for campo, mensaje in reglas(subcupo, datos):
            errores.setdefault(campo, []).append(mensaje)
    return errores


def normalizar_datos(subcupo: Subcupo, datos: dict) -> dict:
    """A copy of ``datos`` without values that do not apply: the capacity fields when no
    increase is asked for (consumo auditado), the prior-assignment fields of a
    non-industrial applicant (bolsa residual)."""
    limpios = dict(datos)
    if subcupo.criterio == Criterio.CONSUMO_AUDITADO and not datos.get("incremento_capacidad"):
        limpios.update(dict.fromkeys(CAMPOS_INCREMENTO))
    if subcupo.criterio == Criterio.BOLSA_RESIDUAL and not datos.get("es_industrial"):
        limpios.update(dict.fromkeys(CAMPOS_INDUSTRIAL))
    return limpios


# ============================================================================ documents

#: Attachment types (clave → label shown to the applicant and the dictaminador).
TIPOS_ANEXO = {
    "reporte_auditor": "Reporte de auditor externo (consumo auditado)",
    "reporte_incremento": "Reporte de auditor externo del incremento de capacidad",
    "factura": "Factura comercial y conocimiento de embarque, carta de porte o guía aérea",
    "pedimentos": "Pedimentos de importación (ejercicio de la asignación anterior)",
    "otro": "Otro documento",
}
TIPOS_PDF = {"application/pdf", "application/x-pdf"}
MAX_ANEXOS = 20


def documentos_requeridos(sa: SolicitudAsignacion | None) -> list[str]:
    """Claves of the documents the solicitud's criterio requires (seeds 002 and 004)."""
    if sa is None:
        return []
    criterio = sa.subcupo.criterio
    if criterio == Criterio.CONSUMO_AUDITADO:
        req = ["reporte_auditor"]
        if sa.capacidad_actual is not None:
            req.append("reporte_incremento")
        return req
    if criterio == Criterio.PROPORCIONAL:
        return ["reporte_auditor"]
    if criterio == Criterio.PRIMERO_EN_TIEMPO:
        return ["factura"]
    if criterio == Criterio.BOLSA_RESIDUAL:
        return ["factura", "pedimentos"] if sa.es_industrial else ["factura"]
    return []


def documentos_faltantes(solicitud: Solicitud) -> list[str]:
    sa = SolicitudAsignacion.objects.filter(solicitud=solicitud).select_related("subcupo").first()
    presentes = set(solicitud.anexos.values_list("tipo", flat=True))
    return [t for t in documentos_requeridos(sa) if t not in presentes]


PLANTILLA_PDF = "cupos/pdf/cupo.html"


class AnexoInvalido(ReglaError):
    """An attachment that cannot be accepted (not a PDF, too big, …)."""

    def __init__(self, mensaje: str):
        super().__init__(mensaje, "anexo_invalido")


def validar_pdf(archivo) -> bytes:
    """Read an uploaded file and return its bytes if it is an acceptable PDF.

    Checks, each with its own Spanish message: extension ``.pdf``, declared content-type,
    size ≤ ``settings.ANEXO_MAX_BYTES`` (read with a bound, never the whole of a huge file)
    the ``%PDF-`` magic bytes, and that pypdf can actually parse it (a page count)."""
    limite = settings.ANEXO_MAX_BYTES
    nombre = PurePath(getattr(archivo, "name", "") or "").name
    if PurePath(nombre).suffix.lower() != ".pdf":
        raise AnexoInvalido(f"El archivo «{nombre}» no es un PDF: solo se aceptan archivos .pdf.")
    tipo = (getattr(archivo, "content_type", "") or "").split(";")[0].strip().lower()
    if tipo not in TIPOS_PDF:
        raise AnexoInvalido(
            f"El archivo «{nombre}» no se recibió como PDF (tipo «{tipo or 'desconocido'}»)."
        )
    size = getattr(archivo, "size", None)
    if size is not None and size > limite:
        raise AnexoInvalido(_mensaje_tamano(nombre, limite))
    archivo.seek(0)
    contenido = archivo.read(limite + 1)
    if len(contenido) > limite:
        raise AnexoInvalido(_mensaje_tamano(nombre, limite))
    if not contenido:
        raise AnexoInvalido(f"El archivo «{nombre}» está vacío.")
    if not contenido.startswith(b"%PDF-"):
        raise AnexoInvalido(f"El contenido de «{nombre}» no corresponde a un documento PDF válido.")
    if _paginas_pdf(contenido) < 1:
        raise AnexoInvalido(PDF_INVALIDO)
    return contenido


PDF_INVALIDO = "El archivo no es un PDF válido."


def _paginas_pdf(contenido: bytes) -> int:
    """Number of pages pypdf reads in ``contenido``; 0 when it cannot parse it at all (a
    file that only starts with ``%PDF-`` is not a PDF)."""
    try:
        return len(PdfReader(io.BytesIO(contenido)).pages)
    except Exception:  # noqa: BLE001 - any parser failure means "not a valid PDF"
        return 0


def _mensaje_tamano(nombre: str, limite: int) -> str:
    mb = Decimal(limite) / Decimal(1024 * 1024)
    return f"El archivo «{nombre}» excede el tamaño máximo permitido de {formato_monto(mb.quantize(Decimal('0.1')))} MB."


def adjuntar_anexo(solicitud: Solicitud, *, tipo: str, archivo, usuario) -> Anexo:
    """Validate and store one PDF of a draft as a :class:`tramites.models.Anexo` (sha256)."""
    if not solicitud.es_borrador:
        raise AnexoInvalido("La solicitud ya fue firmada y no puede modificarse.")
    if tipo not in TIPOS_ANEXO:
        raise AnexoInvalido("Seleccione el tipo de documento.")
    if solicitud.anexos.count() >= MAX_ANEXOS:
        raise AnexoInvalido(f"Se permiten como máximo {MAX_ANEXOS} documentos por solicitud.")
    contenido = validar_pdf(archivo)
    nombre = PurePath(archivo.name).name[:254]
    anexo = Anexo(
        solicitud=solicitud,
        tipo=tipo,
        nombre_original=nombre,
        tamano=len(contenido),
        sha256=hashlib.sha256(contenido).hexdigest(),
        subido_por=usuario,
    )
    anexo.archivo.save(nombre, ContentFile(contenido), save=False)
    anexo.save()
    return anexo


def eliminar_anexo(solicitud: Solicitud, anexo_id: int) -> bool:
    if not solicitud.es_borrador:
        raise AnexoInvalido("La solicitud ya fue firmada y no puede modificarse.")
    anexo = solicitud.anexos.filter(pk=anexo_id).first()
    if anexo is None:
        return False
    anexo.archivo.delete(save=False)
    anexo.delete()
    return True


# ============================================================================ saldo


def asignado_en(subcupo: Subcupo, **filtros) -> Decimal:
    """Σ monto asignado of the subcupo's live asignaciones (optionally filtered)."""
    total = (
        Asignacion.objects.filter(subcupo=subcupo, estado__in=ESTADOS_ASIGNACION_VIVOS, **filtros)
        .aggregate(t=Sum("monto_asignado"))
        .get("t")
    )
    return total or CERO


def bolsa_de(subcupo: Subcupo) -> mecanismos.ResultadoBolsaResidual:
    """The residual pool of ``subcupo`` (seed 004, D): what its ``residual_de`` subcupos (B and
    C) left unassigned, split by ``parametros["porcentaje_industrial"]`` (a fraction, 0.80 by
    default; ``"proporcion_industrial"`` is accepted too)."""
    fuentes = list(subcupo.residual_de.order_by("orden", "clave"))
    montos = [(f.monto or CERO, asignado_en(f)) for f in fuentes]
    b = montos[0] if montos else (CERO, CERO)
    resto = montos[1:]
    c = (sum((m for m, _ in resto), CERO), sum((a for _, a in resto), CERO))
    parametros = subcupo.parametros or {}
    proporcion = parametros.get(
        "porcentaje_industrial",
        parametros.get("proporcion_industrial", mecanismos.PROPORCION_INDUSTRIAL),
    )
    return mecanismos.bolsa_residual(
        b[0], b[1], c[0], c[1], proporcion_industrial=Decimal(str(proporcion))
    )


def saldo_subcupo(subcupo: Subcupo, *, industrial: bool | None = None) -> Decimal:
    """Saldo of a subcupo at dictamen: its monto − Σ asignaciones already made.

    For the residual pool (D) the monto is the pool; with ``industrial`` True/False the saldo
    is that of the 80 % / 20 % part minus what D already assigned to that category."""
    if subcupo.es_residual:
        bolsa = bolsa_de(subcupo)
        if industrial is None:
            return bolsa.bolsa - asignado_en(subcupo)
        parte = bolsa.industrial if industrial else bolsa.otros
        return parte - asignado_en(subcupo, solicitud__asignacion_detalle__es_industrial=industrial)
    return (subcupo.monto or CERO) - asignado_en(subcupo)


# ============================================================================ proposal


@dataclass(frozen=True)
class Propuesta:
    """The mechanism's proposed amount for one solicitud, with its explanation."""

    criterio: str
    monto: Decimal
    #: The mechanism's cap for this applicant, other than the amount requested and the saldo.
    limite_legal: Decimal
    saldo: Decimal
    explicacion: tuple[str, ...] = ()
    datos: dict = field(default_factory=dict)
    error: str = ""

    def a_json(self) -> dict:
        return {
            "criterio": self.criterio,
            "monto": str(self.monto),
            "limite_legal": str(self.limite_legal),
            "saldo": str(self.saldo),
            "explicacion": list(self.explicacion),
            "datos": self.datos,
            "error": self.error,
            "calculada_en": timezone.now().isoformat(),
        }


def _solicitudes_del_subcupo(subcupo: Subcupo, estados) -> list[SolicitudAsignacion]:
    return list(
        SolicitudAsignacion.objects.filter(
            subcupo=subcupo, solicitud__estado__in=estados, solicitud__folio__isnull=False
        )
        .select_related("solicitud__solicitante", "subcupo__cupo")
        .order_by("solicitud__firmada_en", "solicitud__folio")
    )


def _previo_por_beneficiario(subcupo: Subcupo, **filtros) -> dict[str, Decimal]:
    filas = (
        Asignacion.objects.filter(subcupo=subcupo, estado__in=ESTADOS_ASIGNACION_VIVOS, **filtros)
        .values("beneficiario__rfc")
        .annotate(t=Sum("monto_asignado"))
    )
    return {f["beneficiario__rfc"]: f["t"] for f in filas}


def _maximo(subcupo: Subcupo, defecto: Decimal | None) -> Decimal | None:
    return subcupo.maximo_por_beneficiario if subcupo.maximo_por_beneficiario else defecto


def _error(sa: SolicitudAsignacion, saldo: Decimal, exc: mecanismos.MecanismoError) -> Propuesta:
    return Propuesta(
        criterio=sa.subcupo.criterio,
        monto=CERO,
        limite_legal=CERO,
        saldo=saldo,
        explicacion=(f"No se pudo calcular la propuesta: {exc.mensaje}",),
        error=exc.mensaje,
    )


def _kg(valor, unidad) -> str:
    return formato_monto(valor, unidad)


def _con_saldo(monto: Decimal, saldo: Decimal, lineas: list[str], u: str) -> Decimal:
    if saldo < monto:
        lineas.append(
            f"El saldo del subcupo al momento del dictamen es {_kg(max(saldo, CERO), u)}; la "
            "propuesta se limita a ese saldo."
        )
        return max(saldo, CERO)
    return monto


def _propuestas_consumo(subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
    saldo = saldo_subcupo(subcupo)
    previos = _previo_por_beneficiario(subcupo)
    maximo = _maximo(subcupo, None)
    out = {}
    for sa in filas:
        try:
            r = mecanismos.consumo_auditado(
                sa.monto_solicitado,
                sa.consumo_auditado_12m,
                capacidad_anterior=sa.capacidad_anterior,
                capacidad_actual=sa.capacidad_actual,
                consumo_asignacion_anterior=sa.consumo_asignacion_anterior,
            )
        except mecanismos.MecanismoError as exc:
            out[sa.solicitud_id] = _error(sa, saldo, exc)
            continue
        lineas = [
            f"Monto solicitado: {_kg(r.solicitado, u)}.",
            f"Consumo auditado de los últimos 12 meses: {_kg(r.consumo_auditado_12m, u)}.",
        ]
        if r.aplica_incremento:
            pct = (r.incremento_capacidad * 100).quantize(Decimal("0.01"))
            lineas.append(
                f"Se acreditó un incremento de capacidad del {pct} %; aplicado al consumo auditado "
                f"de la asignación anterior da un límite de {_kg(r.limite_por_capacidad, u)}."
            )
        elif sa.capacidad_actual is not None:
            lineas.append("La capacidad actual no es mayor que la anterior: no aplica incremento.")
        limite = r.limite
        previo = previos.get(sa.solicitud.solicitante.rfc, CERO)
        if previo:
            limite = max(limite - previo, CERO)
            lineas.append(
                f"Ya se le asignaron {_kg(previo, u)} en este cupo durante el año; el límite "
                f"restante es {_kg(limite, u)}."
            )
        if maximo is not None and maximo - previo < limite:
            limite = max(maximo - previo, CERO)
            lineas.append(f"Máximo por beneficiario: {_kg(maximo, u)}.")
        monto = min(r.solicitado, limite)
        lineas.append(
            f"Asignable conforme al Acuerdo (lo menor entre lo solicitado y el límite): {_kg(monto, u)}."
        )
        monto = _con_saldo(monto, saldo, lineas, u)
        out[sa.solicitud_id] = Propuesta(
            criterio=subcupo.criterio,
            monto=monto,
            limite_legal=limite,
            saldo=saldo,
            explicacion=tuple(lineas),
            datos={
                "limitado_por": r.limitado_por,
                "aplica_incremento": r.aplica_incremento,
                "limite": str(r.limite),
            },
        )
    return out


def _propuestas_proporcional(subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
    """θ over ALL the subcupo's signed solicitudes (the year's B applicants), ρ = subcupo.monto."""
    saldo = saldo_subcupo(subcupo)
    todas = [sa for sa in _solicitudes_del_subcupo(subcupo, (E.FIRMADA, E.EN_DICTAMEN, E.RESUELTA))]
    ids = {sa.solicitud_id for sa in todas}
    todas += [sa for sa in filas if sa.solicitud_id not in ids]
    precision = int((subcupo.parametros or {}).get("precision", 3))
    try:
        r = mecanismos.participacion_proporcional(
            subcupo.monto,
            [
                mecanismos.FilaProporcional(
                    empresa=str(sa.solicitud_id),
                    asignado_anio_anterior=sa.asignado_anio_anterior or CERO,
                    consumo_auditado=sa.consumo_total_auditado or CERO,
                    monto_solicitado=sa.monto_solicitado,
                )
                for sa in todas
            ],
            precision=precision,
            precision_monto=subcupo.cupo.decimales,
        )
    except mecanismos.MecanismoError as exc:
        return {sa.solicitud_id: _error(sa, saldo, exc) for sa in filas}
    por_id = {f.empresa: f for f in r.filas}
    out = {}
    for sa in filas:
        f = por_id[str(sa.solicitud_id)]
        etiqueta = {
            "monto_a_asignar": "la participación proporcional",
            "consumo_auditado": "el consumo total auditado",
            "monto_solicitado": "el monto solicitado",
        }[f.limitado_por]
        lineas = [
            f"Participación proporcional entre {len(r.filas)} solicitudes del subcupo: "
            f"asignado el año anterior {_kg(f.asignado_anio_anterior, u)} de un total de "
            f"{_kg(r.total_asignado_anio_anterior, u)}.",
            f"θ = {f.theta} (precisión de {precision} decimales"
            + ("; ajustada para no exceder ρ" if f.theta_ajustada else "")
            + f"); ρ = {_kg(r.rho, u)}; monto a asignar θ·ρ = {_kg(f.monto_a_asignar, u)}.",
            f"Consumo total auditado: {_kg(f.consumo_auditado, u)}; monto solicitado: "
            f"{_kg(f.monto_solicitado, u)}.",
            f"Lo menor de los tres es {_kg(f.monto_asignado, u)} (limitado por {etiqueta}).",
        ]
        monto = _con_saldo(f.monto_asignado, saldo, lineas, u)
        out[sa.solicitud_id] = Propuesta(
            criterio=subcupo.criterio,
            monto=monto,
            limite_legal=min(f.monto_a_asignar, f.consumo_auditado),
            saldo=saldo,
            explicacion=tuple(lineas),
            datos={
                "theta": str(f.theta),
                "theta_exacta": str(f.theta_exacta),
                "rho": str(r.rho),
                "monto_a_asignar": str(f.monto_a_asignar),
                "limitado_por": f.limitado_por,
                "solicitudes": len(r.filas),
            },
        )
    return out


def _fcfs(
    subcupo: Subcupo,
    filas,
    u: str,
    *,
    saldo: Decimal,
    cola: list[SolicitudAsignacion],
    previos: dict[str, Decimal],
    encabezado: list[str],
) -> dict[int, Propuesta]:
    """Primero en tiempo over ``cola`` (pending solicitudes in reception order, ties by folio)."""
    maximo = _maximo(subcupo, mecanismos.MAXIMO_PRIMERO_EN_TIEMPO)
    ids = {sa.solicitud_id for sa in cola}
    cola = cola + [sa for sa in filas if sa.solicitud_id not in ids and sa.solicitud.firmada_en]
    try:
        r = mecanismos.primero_en_tiempo(
            [
                mecanismos.SolicitudPrimeroEnTiempo(
                    folio=sa.solicitud.folio,
                    recibida=sa.solicitud.firmada_en,
                    monto_solicitado=sa.monto_solicitado,
                    monto_documento=sa.monto_factura,
                    beneficiario=sa.solicitud.solicitante.rfc,
                )
                for sa in cola
            ],
            max(saldo, CERO),
            maximo=maximo,
            asignado_previo=previos,
        )
    except mecanismos.MecanismoError as exc:
        return {sa.solicitud_id: _error(sa, saldo, exc) for sa in filas}
    por_folio = {a.folio: a for a in r.asignaciones}
    out = {}
    for sa in filas:
        a = por_folio.get(sa.solicitud.folio)
        if a is None:
            continue
        etiqueta = {
            "monto_solicitado": "el monto solicitado",
            "monto_documento": "el monto de la factura / conocimiento de embarque",
            "saldo": "el saldo del subcupo",
            "maximo": "el máximo por beneficiario",
        }[a.limitado_por]
        lineas = [
            *encabezado,
            f"Lugar {a.orden} de {len(r.asignaciones)} en el orden de recepción (empates por "
            "folio).",
            f"Saldo disponible en su turno: {_kg(a.saldo_antes, u)}; monto solicitado: "
            f"{_kg(a.monto_solicitado, u)}; monto en factura / conocimiento de embarque: "
            f"{_kg(a.monto_documento, u) or 'no indicado'}.",
        ]
        if a.disponible_maximo is not None:
            lineas.append(
                f"Máximo por beneficiario {_kg(maximo, u)}; disponible para este beneficiario: "
                f"{_kg(a.disponible_maximo, u)}."
            )
        lineas.append(f"Propuesta: {_kg(a.monto_asignado, u)} (limitada por {etiqueta}).")
        limites = [v for v in (a.monto_documento, a.disponible_maximo) if v is not None]
        out[sa.solicitud_id] = Propuesta(
            criterio=subcupo.criterio,
            monto=a.monto_asignado,
            limite_legal=min(limites) if limites else a.monto_solicitado,
            saldo=saldo,
            explicacion=tuple(lineas),
            datos={
                "orden": a.orden,
                "en_cola": len(r.asignaciones),
                "saldo_antes": str(a.saldo_antes),
                "limitado_por": a.limitado_por,
            },
        )
    return out


def _propuestas_primero_en_tiempo(subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
    saldo = saldo_subcupo(subcupo)
    return _fcfs(
        subcupo,
        filas,
        u,
        saldo=saldo,
        cola=_solicitudes_del_subcupo(subcupo, ESTADOS_PENDIENTES),
        previos=_previo_por_beneficiario(subcupo),
        encabezado=[
            f"Saldo del subcupo al momento del dictamen: {_kg(saldo, u)} (monto "
            f"{_kg(subcupo.monto, u)} menos lo ya asignado)."
        ],
    )


def ejercicio_minimo(subcupo: Subcupo) -> Decimal:
    """Minimum use of the prior assignment for D industrial applicants (0.70 by default,
    ``parametros["ejercicio_minimo"]``)."""
    valor = (subcupo.parametros or {}).get("ejercicio_minimo", mecanismos.EJERCICIO_MINIMO)
    return Decimal(str(valor))


def _ejercicio(sa: SolicitudAsignacion):
    return mecanismos.cumple_ejercicio_minimo(
        sa.asignado_anio_anterior or CERO,
        sa.monto_ejercido_anterior or CERO,
        ejercicio_minimo(sa.subcupo),
    )


def _propuestas_residual(subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
    bolsa = bolsa_de(subcupo)
    pendientes = _solicitudes_del_subcupo(subcupo, ESTADOS_PENDIENTES)
    out: dict[int, Propuesta] = {}
    for industrial in (True, False):
        grupo = [sa for sa in filas if sa.es_industrial == industrial]
        if not grupo:
            continue
        saldo = saldo_subcupo(subcupo, industrial=industrial)
        parte = bolsa.industrial if industrial else bolsa.otros
        nombre = "empresas industriales (80 %)" if industrial else "otras personas (20 %)"
        encabezado = [
            f"Bolsa residual: no asignado de B {_kg(bolsa.no_asignado_b, u)} + no asignado de C "
            f"{_kg(bolsa.no_asignado_c, u)} = {_kg(bolsa.bolsa, u)}.",
            f"Parte para {nombre}: {_kg(parte, u)}; saldo al momento del dictamen: "
            f"{_kg(saldo, u)}.",
        ]
        rechazadas = {}
        if industrial:
            for sa in grupo + [p for p in pendientes if p.es_industrial]:
                try:
                    ej = _ejercicio(sa)
                except mecanismos.MecanismoError as exc:
                    rechazadas[sa.solicitud_id] = exc.mensaje
                    continue
                if not ej.cumple:
                    rechazadas[sa.solicitud_id] = ej.mensaje
        cola = [
            p
            for p in pendientes
            if p.es_industrial == industrial and p.solicitud_id not in rechazadas
        ]
        validas = [sa for sa in grupo if sa.solicitud_id not in rechazadas]
        out.update(
            _fcfs(
                subcupo,
                validas,
                u,
                saldo=saldo,
                cola=cola,
                previos=_previo_por_beneficiario(subcupo),
                encabezado=encabezado,
            )
        )
        if industrial:
            for sa in validas:
                if sa.solicitud_id in out:
                    p = out[sa.solicitud_id]
                    out[sa.solicitud_id] = replace(
                        p, explicacion=(_ejercicio(sa).mensaje, *p.explicacion)
                    )
        for sa in grupo:
            if sa.solicitud_id in rechazadas:
                out[sa.solicitud_id] = Propuesta(
                    criterio=subcupo.criterio,
                    monto=CERO,
                    limite_legal=CERO,
                    saldo=saldo,
                    explicacion=(
                        *encabezado,
                        rechazadas[sa.solicitud_id],
                        "No procede la asignación como empresa industrial.",
                    ),
                    datos={"cumple_ejercicio_minimo": False},
                )
    return out


def _propuestas_monto_fijo(subcupo: Subcupo, filas, u: str) -> dict[int, Propuesta]:
    saldo = saldo_subcupo(subcupo)
    maximo = _maximo(subcupo, subcupo.monto or mecanismos.MAXIMO_LICONSA)
    previos = _previo_por_beneficiario(subcupo)
    out = {}
    for sa in filas:
        previo = previos.get(sa.solicitud.solicitante.rfc, CERO)
        disponible = max(maximo - previo, CERO)
        try:
            r = mecanismos.monto_fijo(sa.monto_solicitado, disponible)
        except mecanismos.MecanismoError as exc:
            out[sa.solicitud_id] = _error(sa, saldo, exc)
            continue
        lineas = [
            f"Monto fijo hasta {_kg(maximo, u)}"
            + (f" (ya asignado: {_kg(previo, u)})" if previo else "")
            + f"; monto solicitado: {_kg(r.solicitado, u)}.",
            f"Propuesta: {_kg(r.asignado, u)}.",
        ]
        monto = _con_saldo(r.asignado, saldo, lineas, u)
        out[sa.solicitud_id] = Propuesta(
            criterio=subcupo.criterio,
            monto=monto,
            limite_legal=disponible,
            saldo=saldo,
            explicacion=tuple(lineas),
            datos={"maximo": str(maximo), "limitado_por": r.limitado_por},
        )
    return out


_CALCULOS = {
    Criterio.CONSUMO_AUDITADO: _propuestas_consumo,
    Criterio.PROPORCIONAL: _propuestas_proporcional,
    Criterio.PRIMERO_EN_TIEMPO: _propuestas_primero_en_tiempo,
    Criterio.MONTO_FIJO: _propuestas_monto_fijo,
    Criterio.BOLSA_RESIDUAL: _propuestas_residual,
}


def calcular_propuestas(
    subcupo: Subcupo, filas: list[SolicitudAsignacion] | None = None
) -> dict[int, Propuesta]:
    """Proposals (by solicitud id) for ``filas`` (default: the subcupo's pending solicitudes),
    computed together because proportional and FCFS proposals depend on each other."""
    if filas is None:
        filas = _solicitudes_del_subcupo(subcupo, ESTADOS_PENDIENTES)
    calculo = _CALCULOS.get(subcupo.criterio)
    if calculo is None or not filas:
        return {}
    return calculo(subcupo, filas, subcupo.cupo.get_unidad_display())


def propuesta_de(sa: SolicitudAsignacion) -> Propuesta:
    p = calcular_propuestas(sa.subcupo, [sa]).get(sa.solicitud_id)
    if p is None:
        return Propuesta(
            criterio=sa.subcupo.criterio,
            monto=CERO,
            limite_legal=CERO,
            saldo=CERO,
            explicacion=("El criterio de este subcupo no tiene un cálculo automático.",),
        )
    return p


def guardar_propuesta(sa: SolicitudAsignacion, propuesta: Propuesta | None = None) -> Propuesta:
    propuesta = propuesta or propuesta_de(sa)
    sa.monto_propuesto = propuesta.monto
    sa.detalle_propuesta = propuesta.a_json()
    sa.save(update_fields=["monto_propuesto", "detalle_propuesta"])
    return propuesta


# ============================================================================ dictamen


@dataclass(frozen=True)
class Plazo:
    recepcion: dt.date
    transcurridos: int
    vencimiento: dt.date
    plazo: int

    @property
    def vencido(self) -> bool:
        return self.transcurridos > self.plazo


def plazo_de(solicitud: Solicitud, hoy: dt.date | None = None, calendario=None) -> Plazo:
    """Días hábiles transcurridos since reception vs the 7-business-day plazo (seed 004)."""
    cal = calendario or Calendario()
    n = solicitud.tramite.plazo_resolucion_dias_habiles or PLAZO_RESOLUCION_DIAS_HABILES
    recepcion = timezone.localtime(solicitud.firmada_en).date()
    hoy = hoy or timezone.localdate()
    return Plazo(
        recepcion=recepcion,
        transcurridos=cal.dias_habiles_entre(recepcion, hoy),
        vencimiento=cal.vencimiento_plazo(recepcion, n),
        plazo=n,
    )


def pendientes_de_dictamen():
    """SolicitudAsignacion rows en dictamen, FCFS order (reception, then folio)."""
    return (
        SolicitudAsignacion.objects.filter(solicitud__estado=E.EN_DICTAMEN)
        .select_related("solicitud__solicitante", "solicitud__tramite", "subcupo__cupo")
        .order_by("solicitud__firmada_en", "solicitud__folio")
    )


def monto_maximo(sa: SolicitudAsignacion, propuesta: Propuesta) -> Decimal:
    """What may be approved: never above solicitado, the mechanism's legal limit, the saldo."""
    saldo = saldo_subcupo(
        sa.subcupo, industrial=sa.es_industrial if sa.subcupo.es_residual else None
    )
    return max(min(sa.monto_solicitado, propuesta.limite_legal, saldo), CERO)


@dataclass
class ResultadoDictamen:
    solicitud: Solicitud
    asignacion: Asignacion | None = None
    documento: object | None = None
    ya_resuelta: bool = False


def _bloquear(solicitud_id: int) -> Solicitud:
    return (
        Solicitud.objects.select_for_update()
        .select_related("solicitante", "tramite__instrumento__dependencia")
        .get(pk=solicitud_id)
    )


def _numero_oficio(anio: int) -> str:
    while True:
        numero = f"{tramites_services.siguiente_valor(f'oficio_asignacion:{anio}'):06d}"
        if not Asignacion.objects.filter(anio=anio, numero_oficio=numero).exists():
            return numero


def _descripcion_cupo(cupo) -> dict:
    return {
        "descripcion": cupo.nombre,
        "regimen": cupo.get_regimen_display(),
        "producto": cupo.producto,
        "subproducto": cupo.subproducto,
        "fracciones": list(cupo.fracciones_arancelarias or []),
        "tratado": cupo.tratado,
        "unidad": cupo.get_unidad_display(),
        "mecanismo": cupo.get_mecanismo_display(),
        "periodo": str(cupo.anio),
    }


def aprobar(solicitud: Solicitud, *, usuario, monto, justificacion: str = "") -> ResultadoDictamen:
    """Approve a solicitud en dictamen: Asignacion (oficio número + año, vigencia to 31 Dec of
    the cupo year), the opening ledger movement, solicitud → resuelta (audited), the oficio de
    asignación and the notification — one transaction with the solicitud row locked.

    Idempotent: on an already resolved solicitud it returns ``ya_resuelta=True`` and changes
    nothing. Raises :class:`TramiteError` with a Spanish message when a rule is not met."""
    justificacion = (justificacion or "").strip()
    with transaction.atomic():
        s = _bloquear(solicitud.pk)
        if s.estado == E.RESUELTA:
            return ResultadoDictamen(
                solicitud=s,
                asignacion=Asignacion.objects.filter(solicitud=s).first(),
                ya_resuelta=True,
            )
        if s.estado != E.EN_DICTAMEN:
            raise TramiteError("La solicitud no está en dictamen.", "no_en_dictamen")
        sa = SolicitudAsignacion.objects.select_related("subcupo__cupo").get(solicitud=s)
        # Serialize approvals against the same subcupo (saldo read-then-write).
        subcupo = Subcupo.objects.select_for_update().select_related("cupo").get(pk=sa.subcupo_id)
        sa.subcupo = subcupo
        cupo = subcupo.cupo
        try:
            monto = Decimal(str(monto).replace(",", "").strip())
        except (InvalidOperation, ValueError):
            raise TramiteError(
                "El monto a asignar no es un número válido.", "monto_invalido"
            ) from None
        if not monto.is_finite() or monto <= 0:
            raise TramiteError("El monto a asignar debe ser mayor que cero.", "monto_invalido")
        if monto != monto.quantize(Decimal(1).scaleb(-cupo.decimales)):
            raise TramiteError(
                f"El monto admite como máximo {cupo.decimales} decimales.", "monto_decimales"
            )
        propuesta = propuesta_de(sa)
        u = cupo.get_unidad_display()
        maximo = monto_maximo(sa, propuesta)
        if monto > maximo:
            raise TramiteError(
                f"El monto a asignar ({_kg(monto, u)}) excede el máximo permitido "
                f"({_kg(maximo, u)}: lo menor entre lo solicitado, el límite del mecanismo y el "
                "saldo del subcupo).",
                "monto_excede",
            )
        if monto < propuesta.monto and not justificacion:
            raise TramiteError(
                f"Para asignar un monto menor a la propuesta ({_kg(propuesta.monto, u)}) "
                "capture la justificación.",
                "falta_justificacion",
            )
        hoy = _hoy()
        fin = calendario.fin_de_anio(cupo.anio)
        if hoy > fin:
            raise TramiteError(
                f"El periodo del cupo {cupo.anio} terminó; no puede asignarse.", "cupo_vencido"
            )
        anio = hoy.year
        numero = _numero_oficio(anio)
        asignacion = Asignacion.objects.create(
            subcupo=subcupo,
            beneficiario=s.solicitante,
            solicitud=s,
            anio=anio,
            numero_oficio=numero,
            monto_asignado=monto,
            vigencia_inicio=hoy,
            vigencia_fin=fin,
            dictaminador=usuario,
        )
        tramites_services.registrar_auditoria(
            asignacion,
            anterior="",
            nuevo=Asignacion.Estado.VIGENTE,
            usuario=usuario,
            motivo=f"Oficio {numero}/{anio} por {_kg(monto, u)} (solicitud {s.folio})",
        )
        saldos.registrar_asignacion(asignacion, usuario=usuario, solicitud=s)
        guardar_propuesta(sa, propuesta)
        parcial = monto < sa.monto_solicitado
        s.resultado = (
            Solicitud.Resultado.APROBADA_PARCIAL if parcial else Solicitud.Resultado.APROBADA
        )
        s.resuelta_en = timezone.now()
        s.resuelta_por = usuario
        s.justificacion = justificacion
        motivo = f"Aprobada: oficio {numero}/{anio} por {_kg(monto, u)}"
        if justificacion:
            motivo += f". Justificación: {justificacion}"
        tramites_services.cambiar_estado(
            s,
            E.RESUELTA,
            usuario=usuario,
            motivo=motivo,
            campos=["resultado", "resuelta_en", "resuelta_por", "justificacion"],
        )
        p = s.solicitante
        campos = [
            ("tipo", "oficio de asignación"),
            ("numero_oficio", numero),
            ("anio", anio),
            ("folio_solicitud", s.folio),
            ("rfc", p.rfc),
            ("nombre", p.nombre),
            ("cupo", cupo.clave),
            ("subcupo", subcupo.clave),
            ("monto", monto),
            ("unidad", cupo.unidad),
            ("vigencia_inicio", hoy.isoformat()),
            ("vigencia_fin", fin.isoformat()),
            ("fecha", timezone.localtime(s.resuelta_en).strftime("%Y-%m-%dT%H:%M:%S%z")),
        ]
        texto = (
            f"Con fundamento en el Acuerdo aplicable y en atención a su solicitud con folio "
            f"{s.folio}, se le asigna el monto de {_kg(monto, u)} del cupo «{cupo.nombre}», "
            f"subcupo {subcupo.clave}, con vigencia del {hoy:%d/%m/%Y} al {fin:%d/%m/%Y}. Para "
            f"solicitar certificados de cupo indique el año {anio} y el número de oficio {numero}."
        )
        if parcial and justificacion:
            texto += f"\n\nSe asigna un monto menor al solicitado: {justificacion}"
        documento = emitir_sellado(
            solicitud=s,
            tipo=Documento.Tipo.OFICIO,
            titulo=f"Oficio de asignación {numero}/{anio}",
            plantilla=PLANTILLA_PDF,
            encabezado="OFICIO DE ASIGNACIÓN DE CUPO",
            campos_cadena=campos,
            contexto={
                "cupo": _descripcion_cupo(cupo),
                "beneficiario": {"nombre": p.nombre, "rfc": p.rfc, "domicilio": p.domicilio_fiscal},
                "monto": str(monto),
                "unidad": u,
                "vigencia_desde": hoy.isoformat(),
                "vigencia_hasta": fin.isoformat(),
                "numero_oficio": f"{numero}/{anio}",
                # The oficio is sealed by the Ventanilla only: no signer's certificate.
                "numero_certificado": "",
                "fundamento": cupo.fundamento,
                "texto": texto,
                "lineas": [
                    {"etiqueta": "Número de oficio", "valor": numero},
                    {"etiqueta": "Año", "valor": str(anio)},
                    {"etiqueta": "Subcupo", "valor": f"{subcupo.clave} — {subcupo.beneficiario}"},
                    {"etiqueta": "Monto solicitado", "valor": _kg(sa.monto_solicitado, u)},
                    {"etiqueta": "Monto asignado", "valor": _kg(monto, u)},
                ],
            },
        )
        tramites_services.notificar(
            persona=p,
            solicitud=s,
            asunto=f"Oficio de asignación {numero}/{anio} · folio {s.folio}",
            cuerpo=(
                f"Su solicitud de asignación de cupo con folio {s.folio} fue aprobada"
                f"{' parcialmente' if parcial else ''}: se le asignaron {_kg(monto, u)} del cupo "
                f"«{cupo.nombre}» (subcupo {subcupo.clave}), vigentes del {hoy:%d/%m/%Y} al "
                f"{fin:%d/%m/%Y}.\n\nNúmero de oficio: {numero}\nAño: {anio}\n\nCon el año y el "
                "número de oficio puede solicitar la expedición de certificados de cupo. El "
                "oficio está disponible en «Acuses y resoluciones»."
            ),
        )
    return ResultadoDictamen(solicitud=s, asignacion=asignacion, documento=documento)


def rechazar(solicitud: Solicitud, *, usuario, motivo: str) -> ResultadoDictamen:
    """Reject a solicitud en dictamen (motivo required): resuelta/rechazada (audited), a
    resolución document and the notification. Idempotent like :func:`aprobar`."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise TramiteError("Capture el motivo del rechazo.", "falta_motivo")
    with transaction.atomic():
        s = _bloquear(solicitud.pk)
        if s.estado == E.RESUELTA:
            return ResultadoDictamen(solicitud=s, ya_resuelta=True)
        if s.estado != E.EN_DICTAMEN:
            raise TramiteError("La solicitud no está en dictamen.", "no_en_dictamen")
        sa = SolicitudAsignacion.objects.select_related("subcupo__cupo").get(solicitud=s)
        s.resultado = Solicitud.Resultado.RECHAZADA
        s.resuelta_en = timezone.now()
        s.resuelta_por = usuario
        s.justificacion = motivo
        tramites_services.cambiar_estado(
            s,
            E.RESUELTA,
            usuario=usuario,
            motivo=f"Rechazada: {motivo}",
            campos=["resultado", "resuelta_en", "resuelta_por", "justificacion"],
        )
        cupo = sa.subcupo.cupo
        campos = [
            ("tipo", "resolución"),
            ("resultado", "rechazada"),
            ("folio_solicitud", s.folio),
            ("rfc", s.solicitante.rfc),
            ("cupo", cupo.clave),
            ("subcupo", sa.subcupo.clave),
            ("motivo", motivo),
            ("fecha", timezone.localtime(s.resuelta_en).strftime("%Y-%m-%dT%H:%M:%S%z")),
        ]
        documento = emitir_sellado(
            solicitud=s,
            tipo=Documento.Tipo.RESOLUCION,
            titulo="Resolución de la solicitud de asignación de cupo",
            campos_cadena=campos,
            contexto={
                "resultado": "Rechazada",
                "numero_certificado": "",
                "texto": (
                    f"Su solicitud de asignación del cupo «{cupo.nombre}» (subcupo "
                    f"{sa.subcupo.clave}) con folio {s.folio} fue rechazada.\n\nMotivo: {motivo}"
                ),
                "fundamento": cupo.fundamento,
            },
        )
        tramites_services.notificar(
            persona=s.solicitante,
            solicitud=s,
            asunto=f"Resolución de su solicitud de asignación de cupo {s.folio}",
            cuerpo=(
                f"Su solicitud de asignación del cupo «{cupo.nombre}» con folio {s.folio} fue "
                f"rechazada.\n\nMotivo: {motivo}\n\nLa resolución está disponible en «Acuses y "
                "resoluciones»."
            ),
        )
    return ResultadoDictamen(solicitud=s, documento=documento)


__all__ = [
    "TIPOS_ANEXO",
    "AnexoInvalido",
    "Plazo",
    "Propuesta",
    "ResultadoDictamen",
    "Ventana",
    "adjuntar_anexo",
    "aprobar",
    "calcular_propuestas",
    "documentos_faltantes",
    "documentos_requeridos",
    "eliminar_anexo",
    "formato_monto",
    "guardar_propuesta",
    "monto_maximo",
    "pendientes_de_dictamen",
    "plazo_de",
    "propuesta_de",
    "rechazar",
    "saldo_subcupo",
    "validar_pdf",
    "validar_ventana",
    "ventana_subcupo",
]
