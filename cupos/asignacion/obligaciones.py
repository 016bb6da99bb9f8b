"""What the oficio de asignación states about the beneficiary's obligations (seed 004, D):
the declaration, captured in the wizard, that the goods will not be sold in the same physical
state in which they are imported, and the ≥ 70 % use an industrial applicant proved."""

from __future__ import annotations

from dataclasses import dataclass, field

from cupos.models import SolicitudAsignacion


@dataclass(frozen=True)
class Obligaciones:
    parrafos: list[str] = field(default_factory=list)
    lineas: list[dict] = field(default_factory=list)
    #: Extra ``(campo, valor)`` of the oficio's cadena original.
    campos: list[tuple[str, str]] = field(default_factory=list)


def del_oficio(sa: SolicitudAsignacion) -> Obligaciones:
    """Paragraphs, rows and cadena fields of the oficio for ``sa`` (empty outside D)."""
    if not sa.subcupo.es_residual:
        return Obligaciones()
    obligacion = (
        "El beneficiario no podrá comercializar la mercancía asignada al amparo de este oficio "
        "en el mismo estado físico en que se importe."
    )
    if sa.declara_no_comercializar:
        parrafo = (
            f"En su solicitud con folio {sa.solicitud.folio} el beneficiario declaró bajo "
            "protesta de decir verdad que no comercializará la mercancía asignada en el mismo "
            f"estado físico en que se importe. {obligacion}"
        )
    else:
        parrafo = obligacion
    lineas = [
        {
            "etiqueta": "Declaración del beneficiario",
            "valor": "No comercializará la mercancía en el mismo estado físico en que se importe"
            if sa.declara_no_comercializar
            else "No capturada",
        }
    ]
    if sa.es_industrial:
        lineas.append(
            {
                "etiqueta": "Empresa industrial",
                "valor": "Acreditó el ejercicio mínimo de su asignación anterior con pedimentos",
            }
        )
    return Obligaciones(
        parrafos=[parrafo],
        lineas=lineas,
        campos=[("declara_no_comercializar", "SI" if sa.declara_no_comercializar else "NO")],
    )
