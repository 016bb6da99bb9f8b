"""Errors and named rules shared by every procedure.

``TramiteError`` is what the engine shows to the user. ``ReglaError`` is the one rule-error
type of every procedure: a stable ``codigo``, the Spanish ``mensaje`` and the form ``campo``
it belongs to (so the wizard can mark that field). Rules are small named classes in the
style of uktrade/tamato: the docstring IS the message.
"""

from __future__ import annotations


class TramiteError(Exception):
    """A rule of the engine was not met; ``mensaje`` is shown to the user (Spanish)."""

    def __init__(self, mensaje: str, codigo: str = "tramite_error", campo: str | None = None):
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.codigo = codigo
        self.campo = campo


class ReglaError(TramiteError):
    """A broken business rule of a procedure: ``codigo``, ``mensaje`` and ``campo``."""

    def __init__(self, mensaje: str, codigo: str = "regla", campo: str | None = None):
        super().__init__(mensaje, codigo, campo)

    def __str__(self) -> str:
        return f"{self.codigo}: {self.mensaje}"


class Regla:
    """Base rule. Subclasses set ``codigo`` (defaults to the class name) and a docstring."""

    codigo: str = ""
    campo: str | None = None

    @classmethod
    def mensaje(cls, **datos) -> str:
        texto = " ".join((cls.__doc__ or cls.__name__).split())
        return texto.format(**datos) if datos else texto

    @classmethod
    def falla(cls, detalle: str = "", *, campo: str | None = None, **datos) -> ReglaError:
        mensaje = cls.mensaje(**datos)
        if detalle:
            mensaje = f"{mensaje} {detalle}"
        return ReglaError(mensaje, cls.codigo or cls.__name__, campo or cls.campo)

    def validar(self, obj, **contexto) -> None:  # pragma: no cover - interface
        raise NotImplementedError
