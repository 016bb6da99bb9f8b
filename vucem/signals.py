"""Events of the portal shell that upper layers record (e.g. tramites' audit trail)."""

from django.dispatch import Signal

#: A solicitante revoked one of its capturistas: ``capturista``, ``por`` (the user).
capturista_revocado = Signal()

#: The first FIEL login of an RFC was refused because that RFC is the username of an account
#: not bound to its persona: ``usuario`` (that account), ``rfc``, ``ip``.
ingreso_fiel_rechazado = Signal()
