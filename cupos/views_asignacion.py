"""Solicitante-side entry to the solicitud de asignación de cupo.

The wizard itself runs on the engine's views (``tramites:iniciar`` / ``tramites:paso``);
this only picks the VUCEM trámite for the acting persona (120401 física / 120402 moral)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from vucem.acceso import persona_activa_o_404

TRAMITE_FISICA = 120401
TRAMITE_MORAL = 120402


@login_required
def nueva(request):
    persona = persona_activa_o_404(request)
    vucem_id = TRAMITE_MORAL if persona.es_moral else TRAMITE_FISICA
    return redirect("tramites:iniciar", vucem_id=vucem_id)
