"""Wizards of cupos, found by tramites' autodiscovery; each procedure package keeps its own.
Also registers what of cupos shows in a solicitud's history page (cupos.historial), and, by
importing :mod:`cupos.verificacion`, what the public verification page shows for the cupos
documents (acuses asks through its registry; it never imports cupos), and connects
:mod:`cupos.receivers` (the caches cupos' model changes invalidate)."""

from cupos import (
    historial,  # noqa: F401
    receivers,  # noqa: F401
    verificacion,  # noqa: F401
)
from cupos.asignacion import asistente as asignacion  # noqa: F401
from cupos.cancelacion import asistente as cancelacion  # noqa: F401
from cupos.expedicion import asistente as expedicion  # noqa: F401
