"""Documents: issue, render once, scope to the acting persona, verify in public.

API used by the engine and the domain apps:

- :func:`emitir_documento` — create the row inside the caller's transaction; the PDF is
  rendered by :func:`acuses.tasks.generar_pdf` after commit (never in the signing request's
  transaction).
- :func:`obtener_pdf` — the stored bytes, rendered and stored on demand if the task has
  not run yet.
- :func:`documentos_visibles` — the acting persona's documents (anything else is 404).
- :func:`verificar_documento` — public check by folio + código.
- :func:`actualizar_estado` — mark a document cancelado / vencido / revocado, audited (shown
  on verification).

The expected ``contexto`` keys per tipo are documented in :mod:`acuses.pdf`.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.dispatch import Signal
from django.utils import timezone

from acuses import pdf
from acuses.models import Documento
from acuses.verificacion import detalle_de
from firma.cadena import construir_cadena
from firma.services import sellar_ventanilla, verificar_firma, verificar_sello_ventanilla
from vucem.acceso import puede_capturar_para, solo_lo_capturado
from vucem.consultas import ENTERO, TEXTO, ConsultaCompilada

logger = logging.getLogger(__name__)


def _datos_solicitud(solicitud) -> dict:
    """Snapshot of the solicitud's data printed on every document (see acuses.pdf)."""
    persona = solicitud.solicitante
    tramite = solicitud.tramite
    dependencia = getattr(getattr(tramite, "instrumento", None), "dependencia", None)
    nombre_dependencia = getattr(dependencia, "nombre", "") or "Secretaría de Economía"
    return {
        "dependencia": nombre_dependencia,
        "nombre": persona.nombre,
        "rfc": persona.rfc,
        "tramite": {"vucem_id": tramite.vucem_id, "nombre": tramite.nombre},
        "numero_temporal": solicitud.numero_temporal,
        "folio_tramite": solicitud.folio or "",
        "fecha_recepcion": solicitud.firmada_en.isoformat() if solicitud.firmada_en else "",
        "numero_certificado": solicitud.numero_certificado or "",
    }


def emitir_sellado(
    *,
    solicitud,
    tipo: str,
    titulo: str,
    campos_cadena: list[tuple[str, object]],
    contexto: dict,
    plantilla: str = "",
    encabezado: str = "",
    folio: str = "",
    con_sello_solicitante: bool = False,
) -> Documento:
    """Issue a document the Ventanilla seals itself: the one way procedures issue their
    certificados, oficios and resoluciones.

    ``campos_cadena`` (name, value) in the procedure's fixed order make the document's own
    cadena, sealed here with the Ventanilla's key. With ``con_sello_solicitante`` the
    document also carries the solicitante's seal over the whole solicitud (its cadena
    original), and the Ventanilla's seal covers the document's cadena
    (``cadena_ventanilla``). ``plantilla`` and ``encabezado`` are the procedure's.
    """
    cadena = construir_cadena(campos_cadena)
    sello = sellar_ventanilla(cadena)
    propia = not (con_sello_solicitante and solicitud.cadena_original)
    return emitir_documento(
        solicitud=solicitud,
        tipo=tipo,
        titulo=titulo,
        folio=folio or solicitud.folio,
        cadena_original=cadena if propia else solicitud.cadena_original,
        sello_solicitante="" if propia else solicitud.sello_solicitante,
        cadena_ventanilla="" if propia else cadena,
        sello_ventanilla=sello,
        plantilla=plantilla,
        contexto={**contexto, **({"encabezado": encabezado} if encabezado else {})},
    )


def emitir_documento(
    *,
    solicitud,
    tipo: str,
    titulo: str,
    folio: str,
    cadena_original: str,
    sello_solicitante: str = "",
    sello_ventanilla: str = "",
    contexto: dict | None = None,
    cadena_ventanilla: str = "",
    plantilla: str = "",
) -> Documento:
    """Create a Documento and schedule its PDF after the current transaction commits.

    ``contexto`` keys per tipo: see :mod:`acuses.pdf`. The solicitud's data (nombre, RFC,
    trámite, número temporal, folio, fecha de recepción, número de certificado) is added
    where the caller did not give it, so the stored contexto describes the document fully.
    ``cadena_ventanilla`` is the exact string the Ventanilla's seal covers when it is not
    ``cadena_original`` (e.g. cadena + folio); leave it empty otherwise.
    """
    if tipo not in Documento.Tipo.values:
        raise ValueError(f"Tipo de documento desconocido: {tipo!r}")
    datos = {**_datos_solicitud(solicitud), **(contexto or {})}
    doc = Documento.objects.create(
        solicitud=solicitud,
        tipo=tipo,
        titulo=titulo,
        folio=folio,
        cadena_original=cadena_original,
        sello_solicitante=sello_solicitante or "",
        sello_ventanilla=sello_ventanilla or "",
        cadena_ventanilla=cadena_ventanilla or "",
        plantilla=plantilla,
        contexto=datos,
    )
    programar_pdf(doc.pk)
    return doc


#: Sent after commit for each document whose PDF must be rendered; ``acuses.tasks`` queues
#: the rendering task (a signal keeps the services free of the task module).
pdf_por_generar = Signal()


def programar_pdf(documento_id: int) -> None:
    """Queue the rendering after commit. ``robust``: with Celery in eager mode a rendering
    failure is logged (the download renders on demand) instead of breaking the request."""
    transaction.on_commit(
        lambda: pdf_por_generar.send(sender=Documento, documento_id=documento_id), robust=True
    )


def _nombre_archivo(doc: Documento) -> str:
    return f"{doc.folio}-{doc.tipo}-{doc.codigo_verificacion}.pdf"


def generar_y_guardar(documento_id: int) -> Documento:
    """Render and store the PDF once. Idempotent and safe under concurrent calls.

    The row is locked (``select_for_update`` where the database supports it) while rendering,
    and the final write is conditional on no PDF being recorded yet; a loser of a race (e.g.
    on SQLite, which ignores the lock) deletes the file it wrote and keeps the winner's.
    """
    with transaction.atomic():
        doc = Documento.objects.select_for_update().get(pk=documento_id)
        if doc.pdf_generado:
            return doc
        contenido = pdf.renderizar_pdf(doc)
        digest = hashlib.sha256(contenido).hexdigest()
        storage = doc.archivo.storage
        nombre = storage.save(
            doc.archivo.field.generate_filename(doc, _nombre_archivo(doc)), ContentFile(contenido)
        )
        ahora = timezone.now()
        try:
            actualizados = Documento.objects.filter(pk=doc.pk, sha256="").update(
                archivo=nombre, sha256=digest, generado=ahora
            )
        except Exception:
            storage.delete(nombre)
            raise
        if not actualizados:
            storage.delete(nombre)
            logger.info("PDF del documento %s ya generado por otro proceso", doc.pk)
    doc.refresh_from_db()
    return doc


def obtener_pdf(documento: Documento, *, refrescar: bool = True) -> bytes:
    """The document's PDF bytes: the stored file, or rendered and stored now."""
    if refrescar:
        documento.refresh_from_db()
    if documento.pdf_generado:
        try:
            with documento.archivo.open("rb") as f:
                contenido = f.read()
            if hashlib.sha256(contenido).hexdigest() != documento.sha256:
                logger.error(
                    "El archivo del documento %s no coincide con su sha256 registrado",
                    documento.pk,
                )
            return contenido
        except FileNotFoundError:
            logger.error(
                "Falta el archivo %s del documento %s; se vuelve a generar",
                documento.archivo.name,
                documento.pk,
            )
            Documento.objects.filter(pk=documento.pk).update(archivo="", sha256="", generado=None)
    documento = generar_y_guardar(documento.pk)
    with documento.archivo.open("rb") as f:
        return f.read()


#: Sent when a document's estado changes: ``documento``, ``anterior``, ``nuevo``,
#: ``usuario``, ``motivo``. ``tramites`` records it in the audit trail.
estado_documento_cambiado = Signal()


def actualizar_estado(
    documento: Documento, estado: str, *, motivo: str = "", usuario=None, desde=None
) -> Documento:
    """Set a document's estado (vigente, cancelado, vencido, revocado) with its date and
    motivo, audited (signal). Called only by the service of the procedure that owns the
    document (cancelación, vencimiento, revocación), inside its transaction. The stored PDF
    is not re-rendered: the public verification page is where the current estado shows."""
    if estado not in Documento.Estado.values:
        raise ValueError(f"Estado de documento desconocido: {estado!r}")
    anterior = Documento.objects.filter(pk=documento.pk).values_list("estado", flat=True).first()
    if anterior is None or anterior == estado:
        return documento
    desde = desde or timezone.now()
    Documento.objects.filter(pk=documento.pk).cambiar_estado(estado, desde=desde, motivo=motivo)
    documento.estado, documento.estado_desde, documento.estado_motivo = estado, desde, motivo
    estado_documento_cambiado.send(
        sender=Documento,
        documento=documento,
        anterior=anterior,
        nuevo=estado,
        usuario=usuario,
        motivo=motivo,
    )
    return documento


#: Sent by :func:`actualizar_estados_en_lote` with ``cambios``: ``(pk, anterior, nuevo, motivo)``
#: rows (tramites audits them with one INSERT).
estados_documentos_cambiados = Signal()


def actualizar_estados_en_lote(motivos: dict[int, str], estado: str, *, desde=None) -> int:
    """:func:`actualizar_estado` for many documents at once (the set-based jobs): ``motivos``
    maps each document pk to its motivo; one UPDATE per distinct motivo and one audit INSERT.
    Documents already in ``estado`` are left alone. Returns how many changed."""
    if estado not in Documento.Estado.values:
        raise ValueError(f"Estado de documento desconocido: {estado!r}")
    filas = list(
        Documento.objects.filter(pk__in=list(motivos))
        .exclude(estado=estado)
        .values_list("pk", "estado")
    )
    if not filas:
        return 0
    desde = desde or timezone.now()
    por_motivo: dict[str, list[int]] = {}
    for pk, _anterior in filas:
        por_motivo.setdefault(motivos[pk], []).append(pk)
    for motivo, pks in por_motivo.items():
        Documento.objects.filter(pk__in=pks).cambiar_estado(estado, desde=desde, motivo=motivo)
    estados_documentos_cambiados.send(
        sender=Documento,
        cambios=[(pk, anterior, estado, motivos[pk]) for pk, anterior in filas],
    )
    return len(filas)


def _estado_publico(doc: Documento, detalle) -> str:
    """The procedure's reading of the estado (e.g. "Vigente, cancelado parcialmente") unless the
    document itself was cancelled, revoked or expired and the procedure says otherwise: the
    document's own estado is then what the public must read."""
    propio = doc.get_estado_display()
    if not (detalle and detalle.estado):
        return propio
    if doc.estado == Documento.Estado.VIGENTE or detalle.estado.startswith(propio):
        return detalle.estado
    return propio


def _alcance(request) -> tuple[int, int | None] | None:
    """(persona pk, capturista pk or ``None``) whose documents the session sees (per
    vucem.acceso; a capturista: of the solicitudes it captured), or ``None``: nothing."""
    persona = getattr(request, "persona", None)
    # request.persona is a SimpleLazyObject: test truthiness, never ``is None``.
    if not request.user.is_authenticated or not persona:
        return None
    rol = getattr(request, "rol", None)
    if not puede_capturar_para(request.user, rol, persona):
        return None
    return persona.pk, request.user.pk if solo_lo_capturado(rol) else None


def _documentos_de(persona_id, capturista_id=None):
    qs = Documento.objects.filter(solicitud__solicitante_id=persona_id)
    if capturista_id is not None:  # a capturista: only the solicitudes it captured
        qs = qs.filter(solicitud__capturada_por_id=capturista_id)
    return qs


def _valores(alcance: tuple[int, int | None]) -> dict[str, int]:
    """The compiled queries' values for :func:`_alcance`'s answer (``usuario``: only a
    capturista's shape has it)."""
    persona_id, capturista_id = alcance
    if capturista_id is None:
        return {"persona": persona_id}
    return {"persona": persona_id, "usuario": capturista_id}


def documentos_visibles(request):
    """Documents of the persona the session acts for (see :func:`_alcance`). Empty otherwise."""
    alcance = _alcance(request)
    if alcance is None:
        return Documento.objects.none()
    return _documentos_de(*alcance).select_related("solicitud__tramite", "solicitud__solicitante")


def _cuenta_de_documentos(capturista: bool) -> ConsultaCompilada:
    def construir(persona, usuario=None):
        qs = _documentos_de(persona, usuario if capturista else None)
        return qs.values("solicitud__solicitante").annotate(n=Count("pk"))

    return ConsultaCompilada(
        construir, persona=ENTERO, **({"usuario": ENTERO} if capturista else {})
    )


_CUENTAS = {False: _cuenta_de_documentos(False), True: _cuenta_de_documentos(True)}


def contar_documentos_visibles(request) -> int:
    """``documentos_visibles(request).count()``, in SQL compiled once per process (the
    unfiltered «Acuses y resoluciones» page counts them on every visit)."""
    alcance = _alcance(request)
    if alcance is None:
        return 0
    valores = _valores(alcance)
    filas = _CUENTAS["usuario" in valores].filas(**valores)
    return filas[0]["n"] if filas else 0


def _primeros_documentos(capturista: bool, cuantos: int) -> ConsultaCompilada:
    def construir(persona, usuario=None):
        qs = _documentos_de(persona, usuario if capturista else None)
        return qs.select_related("solicitud__tramite", "solicitud__solicitante")[:cuantos]

    return ConsultaCompilada(
        construir, persona=ENTERO, **({"usuario": ENTERO} if capturista else {})
    )


#: (capturista, page size) -> its compiled first page (the size is the SQL's LIMIT).
_PRIMEROS: dict[tuple[bool, int], ConsultaCompilada] = {}


def primeros_documentos_visibles(request, cuantos: int) -> list[Documento]:
    """``list(documentos_visibles(request)[:cuantos])`` (the first page of «Acuses y
    resoluciones» as it opens), in SQL compiled once per process and page size."""
    alcance = _alcance(request)
    if alcance is None:
        return []
    valores = _valores(alcance)
    capturista = "usuario" in valores
    consulta = _PRIMEROS.get((capturista, cuantos))
    if consulta is None:
        consulta = _PRIMEROS[capturista, cuantos] = _primeros_documentos(capturista, cuantos)
    return consulta.objetos(**valores)


def buscar_documentos(qs, *, folio: str = "", fecha_inicial=None, fecha_final=None):
    """Filter ``qs`` by folio (of the document or of its solicitud, partial match) and by
    issue date range (inclusive, dates in the Mexico City time zone)."""
    if folio:
        qs = qs.filter(Q(folio__icontains=folio) | Q(solicitud__folio__icontains=folio))
    if fecha_inicial:
        qs = qs.filter(creado__date__gte=fecha_inicial)
    if fecha_final:
        qs = qs.filter(creado__date__lte=fecha_final)
    return qs


def enmascarar_rfc(rfc: str) -> str:
    """``EKU9003173C9`` → ``EKU*****73C9``: first 3 and last 4 characters shown."""
    rfc = (rfc or "").strip()
    if len(rfc) <= 7:
        return "*" * len(rfc)
    return rfc[:3] + "*" * (len(rfc) - 7) + rfc[-4:]


def _sello_valido(verificador, *args) -> bool:
    try:
        return bool(verificador(*args))
    except Exception:  # malformed base64, bad certificate...: simply not valid
        logger.warning("Error al verificar un sello", exc_info=True)
        return False


#: The public lookup (compiled once: anyone may check documents at any rate the limit allows).
_POR_FOLIO_Y_CODIGO = ConsultaCompilada(
    lambda folio, codigo: Documento.objects.select_related("solicitud__solicitante").filter(
        folio=folio, codigo_verificacion=codigo
    )[:1],
    folio=TEXTO,
    codigo=TEXTO,
)


def verificar_documento(folio: str, codigo: str) -> dict | None:
    """Public check of a document by folio + código de verificación.

    Returns ``None`` when no document matches; otherwise a dict with ``tipo`` (display),
    ``tipo_clave``, ``titulo``, ``folio``, ``fecha`` (aware datetime of issue),
    ``rfc`` (masked), ``estado`` (display), ``estado_clave``, ``estado_desde`` (aware datetime
    or ``None``), ``estado_motivo``, and ``sello_solicitante`` /
    ``sello_ventanilla``: ``True`` (verifies), ``False`` (does not) or ``None`` (the
    document carries no such seal). ``lineas`` are the issuing procedure's extra rows and
    ``estado`` its reading of the document's state (:mod:`acuses.verificacion`).
    """
    folio = (folio or "").strip()
    codigo = (codigo or "").strip().upper().replace("-", "").replace(" ", "")
    if not folio or not codigo:
        return None
    encontrados = _POR_FOLIO_Y_CODIGO.objetos(folio=folio, codigo=codigo)
    if not encontrados:
        return None
    doc = encontrados[0]
    solicitud = doc.solicitud
    sello_solicitante = None
    if doc.sello_solicitante:
        sello_solicitante = bool(solicitud.certificado_firmante) and _sello_valido(
            verificar_firma,
            solicitud.certificado_firmante,
            doc.cadena_original,
            doc.sello_solicitante,
        )
    sello_ventanilla = None
    if doc.sello_ventanilla:
        sello_ventanilla = _sello_valido(
            verificar_sello_ventanilla, doc.cadena_sellada_ventanilla, doc.sello_ventanilla
        )
    detalle = detalle_de(doc)
    return {
        "tipo": doc.get_tipo_display(),
        "tipo_clave": doc.tipo,
        "titulo": doc.titulo,
        "folio": doc.folio,
        "fecha": doc.creado,
        "rfc": enmascarar_rfc(solicitud.solicitante.rfc),
        "estado": _estado_publico(doc, detalle),
        "estado_clave": doc.estado,
        "estado_desde": doc.estado_desde,
        "estado_motivo": doc.estado_motivo,
        "lineas": list(detalle.lineas) if detalle else [],
        "sello_solicitante": sello_solicitante,
        "sello_ventanilla": sello_ventanilla,
    }
