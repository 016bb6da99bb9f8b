"""In whose name the certificates are issued (seed 002, avena, requisito 2).

For a cupo that admits it (``Cupo.admite_comercializadora``) the solicitante may ask that the
certificado de cupo be issued in the name of the beneficiario *and/or a comercializadora*; then
both must present a joint letter (escrito conjunto, "carta conjunta") addressed to the DGIB and
signed by the legal representative of each one, *every time they ask*. It is modelled as a
required PDF attachment (``tramites.models.Anexo`` of tipo :data:`TIPO_CARTA`) of the draft:

- :func:`guardar_titular` — the option, the comercializadora's RFC and name, and the letter
  (replacing a previous one); choosing "only the beneficiario" drops the letter;
- :func:`validar` — EXP009 (no letter) / EXP010 (no comercializadora data) / EXP011 (the cupo
  does not admit it), used by *Continuar*, the pre-signing check and the issuing itself.

The choice lives in ``Solicitud.datos["expedicion"]["titular"]``; the cadena, the signing
summary, the acuse and the certificates print it.
"""

from __future__ import annotations

from django.db import transaction
from stdnum.mx import rfc as stdnum_rfc

from cupos.asignacion.anexos import AnexoInvalido, guardar_pdf, validar_pdf
from cupos.expedicion import reglas
from tramites.models import Anexo
from tramites.reglas import ReglaError
from tramites.services import guardar_paso

PASO = "expedicion"
BENEFICIARIO = "beneficiario"
COMERCIALIZADORA = "comercializadora"
OPCIONES = [
    (BENEFICIARIO, "Del beneficiario de la asignación"),
    (COMERCIALIZADORA, "Del beneficiario y/o una comercializadora (con escrito conjunto)"),
]
TIPO_CARTA = "carta_conjunta"
NOMBRE_CARTA = "Escrito conjunto (carta conjunta) del beneficiario y la comercializadora"


def titular_de(solicitud) -> dict:
    """``{"a_nombre_de", "rfc", "nombre"}`` of the draft (default: the beneficiario)."""
    datos = ((solicitud.datos or {}).get(PASO) or {}).get("titular") or {}
    return {
        "a_nombre_de": datos.get("a_nombre_de") or BENEFICIARIO,
        "rfc": datos.get("rfc") or "",
        "nombre": datos.get("nombre") or "",
    }


def con_comercializadora(solicitud) -> bool:
    return titular_de(solicitud)["a_nombre_de"] == COMERCIALIZADORA


def carta_de(solicitud) -> Anexo | None:
    return solicitud.anexos.filter(tipo=TIPO_CARTA).order_by("-subido", "-pk").first()


def rfc_valido(rfc: str) -> bool:
    try:
        stdnum_rfc.validate(rfc, validate_check_digits=True)
    except Exception:  # noqa: BLE001 - any stdnum error means "not a valid RFC"
        return False
    return True


def validar(solicitud, cupo) -> None:
    """The titular's rules against the draft (raises ReglaError with its ``campo``)."""
    titular = titular_de(solicitud)
    if titular["a_nombre_de"] != COMERCIALIZADORA:
        return
    if cupo is None or not cupo.admite_comercializadora:
        raise reglas.EXP011.falla()
    if not (rfc_valido(titular["rfc"]) and titular["nombre"].strip()):
        raise reglas.EXP010.falla()
    reglas.EXP009().validar(titular, carta_de(solicitud))


def _borrar_cartas(solicitud) -> None:
    for anexo in solicitud.anexos.filter(tipo=TIPO_CARTA):
        anexo.archivo.delete(save=False)
        anexo.delete()


def guardar_titular(
    solicitud, cupo, *, a_nombre_de: str, rfc: str = "", nombre: str = "", archivo=None, usuario
) -> None:
    """Save the option (and the letter when one is uploaded). Nothing is saved when a rule
    fails; the letter is checked as a PDF (type, size, content) before anything is stored."""
    if a_nombre_de not in dict(OPCIONES):
        raise ReglaError(
            "Seleccione a nombre de quién se expiden los certificados.", "EXP011", "a_nombre_de"
        )
    datos_paso = dict((solicitud.datos or {}).get(PASO) or {})
    if a_nombre_de == BENEFICIARIO:
        with transaction.atomic():
            _borrar_cartas(solicitud)
            datos_paso.update(titular={"a_nombre_de": BENEFICIARIO}, listo=False)
            guardar_paso(solicitud, PASO, datos_paso)
        return
    if cupo is None or not cupo.admite_comercializadora:
        raise reglas.EXP011.falla()
    rfc = (rfc or "").strip().upper()
    nombre = " ".join((nombre or "").split())
    if not (rfc_valido(rfc) and nombre):
        raise reglas.EXP010.falla()
    contenido = None
    if archivo is not None:
        try:
            contenido = validar_pdf(archivo)
        except AnexoInvalido as exc:
            raise reglas.EXP009.falla(exc.mensaje) from None
    with transaction.atomic():
        if contenido is not None:
            _borrar_cartas(solicitud)
            guardar_pdf(
                solicitud, tipo=TIPO_CARTA, archivo=archivo, contenido=contenido, usuario=usuario
            )
        datos_paso.update(
            titular={"a_nombre_de": COMERCIALIZADORA, "rfc": rfc, "nombre": nombre}, listo=False
        )
        guardar_paso(solicitud, PASO, datos_paso)


def conservar_al_cambiar(solicitud, cupo) -> dict | None:
    """What survives a new *Buscar*: the titular when the new cupo still admits it (the letter
    too); otherwise the letter is dropped and the option goes back to the beneficiario."""
    titular = ((solicitud.datos or {}).get(PASO) or {}).get("titular")
    if titular and (titular.get("a_nombre_de") != COMERCIALIZADORA or cupo.admite_comercializadora):
        return titular
    _borrar_cartas(solicitud)
    return None


def cadena(solicitud) -> list[tuple[str, object]]:
    """Fields appended to the cadena only when a comercializadora is named: option, its RFC,
    its name and the letter as ``carta_conjunta:sha256``."""
    if not con_comercializadora(solicitud):
        return []
    t = titular_de(solicitud)
    carta = carta_de(solicitud)
    return [
        ("a_nombre_de", COMERCIALIZADORA),
        ("rfc_comercializadora", t["rfc"]),
        ("nombre_comercializadora", t["nombre"]),
        ("carta_conjunta", f"{TIPO_CARTA}:{carta.sha256}" if carta else ""),
    ]


def filas(solicitud) -> list[tuple[str, str]]:
    """Rows of the signing summary, the acuse and the certificates."""
    t = titular_de(solicitud)
    if t["a_nombre_de"] != COMERCIALIZADORA:
        return [("Certificados a nombre de", "El beneficiario de la asignación")]
    carta = carta_de(solicitud)
    return [
        ("Certificados a nombre de", "El beneficiario y/o la comercializadora"),
        ("Comercializadora", f"{t['nombre']} · RFC {t['rfc']}"),
        (
            NOMBRE_CARTA,
            f"{carta.nombre_original} (SHA-256 {carta.sha256[:16]}…)" if carta else "No adjuntado",
        ),
    ]
