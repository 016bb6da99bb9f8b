"""Plant addresses (seed 003): the report is refused while a plant address is not
*localizado* or not of a type allowed for the RAOCE (Local Comercial; Industrias, Fábricas y
Talleres; Bodega; Terrenos Agropecuarios), with the SAT's instructions."""

from __future__ import annotations

from vucem.models import Domicilio


def domicilios_invalidos(persona) -> list[Domicilio]:
    """Plant addresses the SAT would not validate: type not allowed for the RAOCE or not
    *localizado*."""
    return [d for d in persona.domicilios.order_by("pk") if _invalido(d)]


def _invalido(d: Domicilio) -> bool:
    return d.tipo not in Domicilio.TIPOS_PERMITIDOS_RAOCE or not d.localizado


def _tipos_permitidos_texto() -> str:
    orden = [
        Domicilio.Tipo.LOCAL_COMERCIAL,
        Domicilio.Tipo.INDUSTRIAS,
        Domicilio.Tipo.BODEGA,
        Domicilio.Tipo.TERRENOS_AGROPECUARIOS,
    ]
    return "; ".join(str(t.label) for t in orden if t in Domicilio.TIPOS_PERMITIDOS_RAOCE)


def mensaje_domicilios(domicilios: list[Domicilio]) -> str:
    """Spanish refusal text for invalid plant addresses (seed 003). With an empty list it
    explains that the persona has no plant address registered."""
    if domicilios:
        detalle = "; ".join(
            f"{d.calle} {d.numero_exterior}".strip()
            + (f", {d.municipio}" if d.municipio else "")
            + f" (tipo «{d.get_tipo_display()}»"
            + ("" if d.localizado else ", no localizado")
            + ")"
            for d in domicilios
        )
        inicio = (
            "No es posible presentar el reporte anual: el domicilio de planta no fue validado "
            f"({detalle})."
        )
    else:
        inicio = (
            "No es posible presentar el reporte anual: no tiene registrado ningún domicilio de "
            "planta validado."
        )
    return (
        f"{inicio} Acuda o póngase en contacto con el SAT, en la Administración Local que le "
        "corresponda, y solicite la validación del domicilio como «localizado» y la "
        "verificación del «Tipo de domicilio» en el directorio del SAT, que debe ser uno de "
        f"los siguientes: {_tipos_permitidos_texto()}. Una vez realizadas las modificaciones "
        "ante el SAT, registre el cambio en la Ventanilla Digital ante la SE dando de baja y "
        "nuevamente de alta el o los domicilios."
    )


def validar_domicilios(persona) -> str | None:
    """The refusal message when the persona cannot report because of its plant addresses
    (some invalid, or none registered), else ``None``."""
    todos = list(persona.domicilios.order_by("pk"))
    invalidos = [d for d in todos if _invalido(d)]
    if invalidos or not todos:
        return mensaje_domicilios(invalidos)
    return None
