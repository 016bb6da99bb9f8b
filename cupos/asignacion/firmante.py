"""The official who resolves a solicitud de asignación, as printed on its oficio and sealed
in its cadena (issue 10, item 4): full name and cargo of the staff user."""

from __future__ import annotations

#: Printed when the staff user has no cargo recorded yet.
CARGO_GENERICO = "Servidor público de la Secretaría de Economía"


def firmante_de(usuario) -> dict[str, str]:
    """``{"nombre", "cargo"}`` of the official (upper-case name, as on SE oficios)."""
    if usuario is None:
        return {"nombre": "", "cargo": CARGO_GENERICO}
    nombre = (
        " ".join(p for p in (usuario.first_name.strip(), usuario.last_name.strip()) if p)
        or usuario.get_username()
    )
    return {
        "nombre": nombre.upper(),
        "cargo": (getattr(usuario, "cargo", "") or "").strip() or CARGO_GENERICO,
    }
