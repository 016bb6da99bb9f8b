"""Read-side helpers: what the acting persona may see."""

from django.db.models import Prefetch, Q
from django.http import Http404

from tramites.memoria import Memoria
from tramites.models import Dependencia, Solicitud, Tramite
from vucem.acceso import puede_capturar_para, solo_lo_capturado
from vucem.consultas import ENTERO, TEXTO, ConsultaCompilada


def tramites_para(qs, persona):
    """Trámites of the catalog that apply to the persona's tipo (física / moral)."""
    if persona is None:
        return qs
    return qs.filter(Q(tipo_persona=Tramite.TipoPersona.AMBAS) | Q(tipo_persona=persona.tipo))


#: The catalog as every persona of a tipo sees it (tramites.memoria), forgotten when a
#: Dependencia, Instrumento or Tramite is saved or deleted (tramites.receivers).
memoria_catalogo = Memoria("tramites:catalogo:version")


def dependencias() -> list[Dependencia]:
    """Every dependencia of the catalog, in its order."""
    return memoria_catalogo.recordar("dependencias", lambda: list(Dependencia.objects.all()))


def instrumentos_con_tramites(dependencia, persona) -> list[tuple]:
    """``(instrumento, [trámites])`` of ``dependencia``: its instrumentos in order, each with
    its active trámites that apply to the persona's tipo (all of them without a persona)."""

    def leer():
        # Every instrumento's trámites in one query, not one per instrumento.
        activos = Prefetch(
            "tramites", queryset=tramites_para(Tramite.objects.filter(activo=True), persona)
        )
        return [
            (instrumento, list(instrumento.tramites.all()))
            for instrumento in dependencia.instrumentos.prefetch_related(activos)
        ]

    clave = ("instrumentos", dependencia.pk, persona.tipo if persona is not None else None)
    return memoria_catalogo.recordar(clave, leer)


def solicitudes_de_sesion(request):
    """The acting persona's solicitudes; for a capturista only those it captured itself
    (vucem.acceso: the same rule as its bandeja and its notices)."""
    persona = request.persona
    if persona is None or not puede_capturar_para(request.user, request.rol, persona):
        return Solicitud.objects.none()
    qs = Solicitud.objects.filter(solicitante=persona)
    if solo_lo_capturado(request.rol):
        qs = qs.filter(capturada_por=request.user)
    return qs.select_related("tramite", "solicitante")


#: Reverse one-to-one relations of :class:`Solicitud` read with every draft of
#: :func:`solicitud_de_sesion_o_404` (a LEFT JOIN on a unique key), so a wizard step gets its
#: draft and that row in one query. Apps add theirs in their ``asistentes`` module (imported
#: at start-up; raoce: the annual report); read when the query is first compiled.
RELACIONADOS_BORRADOR: list[str] = []


def _de_sesion(capturista: bool) -> ConsultaCompilada:
    """:func:`solicitudes_de_sesion` filtered by número temporal, compiled once (every step
    of every wizard reads its draft this way)."""

    def construir(persona, numero, usuario=None):
        qs = Solicitud.objects.filter(solicitante=persona, numero_temporal=numero)
        if capturista:
            qs = qs.filter(capturada_por=usuario)
        return qs.select_related("tramite", "solicitante", *RELACIONADOS_BORRADOR)[:1]

    tipos = {"persona": ENTERO, "numero": TEXTO, **({"usuario": ENTERO} if capturista else {})}
    return ConsultaCompilada(construir, **tipos)


_DE_SESION = {False: _de_sesion(False), True: _de_sesion(True)}


def solicitud_de_sesion_o_404(request, numero_temporal) -> Solicitud:
    """The solicitud of :func:`solicitudes_de_sesion` with that número temporal, or 404."""
    persona = request.persona
    if persona is None or not puede_capturar_para(request.user, request.rol, persona):
        raise Http404("No se encontró la solicitud.")
    capturista = solo_lo_capturado(request.rol)
    valores = {"persona": persona.pk, "numero": str(numero_temporal)}
    if capturista:
        valores["usuario"] = request.user.pk
    encontradas = _DE_SESION[capturista].objetos(**valores)
    if not encontradas:
        raise Http404("No se encontró la solicitud.")
    return encontradas[0]
