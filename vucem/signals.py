"""Events of the portal shell that upper layers record (e.g. tramites' audit trail)."""

from django.dispatch import Signal

#: A solicitante revoked one of its capturistas: ``capturista``, ``por`` (the user).
capturista_revocado = Signal()
