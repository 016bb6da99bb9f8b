"""DB-backed multi-step wizard shared by every trámite.

A procedure declares an ``Asistente`` subclass with its capture steps (``Paso``
subclasses) in ``<app>/asistentes.py`` and registers it with ``@registrar``; the
catalog's ``Tramite.clave`` selects it. Every step is saved to the database when the
user presses *Continuar* (never only in the session): the first save creates the draft
with its número temporal. "Paso 2 Firmar solicitud" is generic (``tramites.views``).

Steps store plain JSON in ``Solicitud.datos[slug]`` by default; steps with richer
data (lists of montos, links to other rows) override ``guardar``/``completo`` and keep
their rows in the domain app.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import redirect, render
from django.urls import reverse

from tramites import services
from tramites.models import EstadoSolicitud, Solicitud, Tramite
from tramites.registro import (
    DISPONIBLE,
    Disponibilidad,
    disponibilidad,
    obtener_asistente,
    registrar,
    tiene_asistente,
)
from tramites.reglas import TramiteError


def a_json(data: dict) -> dict:
    """cleaned_data → JSON-safe dict (Decimal and dates as strings; files dropped)."""
    limpio = {k: v for k, v in data.items() if not hasattr(v, "read")}
    return json.loads(json.dumps(limpio, cls=DjangoJSONEncoder))


#: What an action returns: go to the next step, stay on this one (optionally at an
#: anchor: ``"aqui#lineas"``), or ``None`` to show the step again with its errors.
SIGUIENTE = "siguiente"
AQUI = "aqui"


@dataclass
class Requisito:
    """A step that cannot be shown yet: the message and the step to go back to
    (``None``: the catálogo)."""

    mensaje: str
    paso: str | None = None
    nivel: int = messages.INFO


class Envio:
    """One POST to a step, as its action handlers see it.

    ``ligados`` holds the forms an action bound (:meth:`vincular`) or replaced: they are shown
    instead of the step's unbound ones when the action re-renders the step (the unbound ones
    are built only then). ``argumento`` is the part of ``accion`` after the first ``-``
    (``quitar-7`` → ``7``) and ``errores`` extra messages to show.
    """

    def __init__(self, paso: Paso, request, solicitud: Solicitud | None, argumento):
        self.paso = paso
        self.request = request
        self.solicitud = solicitud
        self.ligados: dict = {}
        self.argumento = argumento
        self.errores: list[str] = []

    @property
    def persona(self):
        return self.solicitud.solicitante if self.solicitud else self.request.persona

    def vincular(self, *nombres: str):
        """Bind the named forms (default ``form``) to the POST; the others stay unbound.
        Returns the form, or a tuple of them when several are named."""
        nombres = nombres or ("form",)
        ligados = self.paso.formularios(
            self.request, self.solicitud, data=self.request.POST, files=self.request.FILES
        )
        for nombre in nombres:
            self.ligados[nombre] = ligados.get(nombre)
        elegidos = tuple(self.ligados[n] for n in nombres)
        return elegidos[0] if len(elegidos) == 1 else elegidos

    def borrador(self) -> Solicitud:
        """The draft, created on the first save (número temporal)."""
        self.solicitud = self.paso.asistente.asegurar_borrador(self.request, self.solicitud)
        return self.solicitud

    def existente(self) -> Solicitud:
        """The draft for actions that make no sense before it exists."""
        if self.solicitud is None:
            raise TramiteError(ACCION_NO_VALIDA, "accion_invalida")
        return self.solicitud

    def avisar(self, texto: str, nivel: int = messages.SUCCESS) -> None:
        messages.add_message(self.request, nivel, texto)


ACCION_NO_VALIDA = "Acción no válida."


def _marcar_campo(ligados: dict, exc: TramiteError) -> bool:
    """Show a rule's error on its field (inline, aria-invalid, linked from the summary) when
    a form the action bound has that field; False when no form has it."""
    if not exc.campo:
        return False
    for form in ligados.values():
        if form is not None and form.is_bound and exc.campo in form.fields:
            if exc.mensaje not in form.errors.get(exc.campo, []):
                form.add_error(exc.campo, exc.mensaje)
            return True
    return False


class Paso:
    """One capture tab of a wizard.

    The engine owns the request handling (:meth:`manejar`): a step declares its forms
    (:meth:`formularios`), its ``acciones`` (each an ``accion_<nombre>(envio)`` method
    returning :data:`SIGUIENTE`, :data:`AQUI` / ``"aqui#ancla"`` or ``None``) and,
    optionally, a :meth:`requisito` that sends the user back to an earlier step. The
    engine refuses changes to a signed draft, dispatches ``accion`` (``quitar-7`` calls
    ``accion_quitar`` with argumento ``7``), turns a :class:`TramiteError` into the step's
    error list (marking its ``campo``) and redirects.
    """

    slug: ClassVar[str] = ""
    titulo: ClassVar[str] = ""
    template_name: ClassVar[str] = "tramites/paso_formulario.html"
    form_class: ClassVar[type[forms.Form] | None] = None
    descripcion: ClassVar[str] = ""
    acciones: ClassVar[tuple[str, ...]] = ("continuar",)
    #: The action of a POST without ``accion`` ("" = none: "Acción no válida.").
    accion_por_omision: ClassVar[str] = "continuar"

    def __init__(self, asistente: Asistente):
        self.asistente = asistente

    # -- data
    def initial(self, solicitud: Solicitud | None) -> dict:
        return dict((solicitud.datos or {}).get(self.slug, {})) if solicitud else {}

    def form_kwargs(self, request, solicitud: Solicitud | None) -> dict:
        return {}

    def get_form(self, request, solicitud, data=None, files=None):
        if self.form_class is None:
            return None
        return self.form_class(
            data=data,
            files=files,
            initial=self.initial(solicitud),
            **self.form_kwargs(request, solicitud),
        )

    def formularios(self, request, solicitud, data=None, files=None) -> dict:
        """The step's forms by template name; bound when ``data`` is given."""
        return {"form": self.get_form(request, solicitud, data=data, files=files)}

    def guardar(self, request, solicitud: Solicitud, form) -> None:
        services.guardar_paso(
            solicitud, self.slug, a_json(form.cleaned_data) if form is not None else {}
        )

    def completo(self, solicitud: Solicitud) -> bool:
        return self.slug in (solicitud.datos or {})

    def errores_para_firma(self, solicitud: Solicitud) -> list[str]:
        return [] if self.completo(solicitud) else [f"Falta completar el apartado «{self.titulo}»."]

    def contexto(self, request, solicitud: Solicitud | None) -> dict:
        return {}

    def requisito(self, request, solicitud: Solicitud | None) -> Requisito | None:
        """What must be done in an earlier step before this one can be shown."""
        return None

    # -- actions
    def accion_continuar(self, envio: Envio) -> str | None:
        """Validate the form, save the draft and move on."""
        form = envio.vincular()
        if form is not None and not form.is_valid():
            return None
        self.guardar(envio.request, envio.borrador(), form)
        return SIGUIENTE

    # -- request handling (the engine's; steps do not override it)
    def manejar(self, request, solicitud: Solicitud | None):
        requisito = self.requisito(request, solicitud)
        if requisito is not None:
            messages.add_message(request, requisito.nivel, requisito.mensaje)
            destino = self.asistente.paso(requisito.paso) if requisito.paso else None
            if solicitud is None or destino is None:
                return redirect("tramites:catalogo")
            return redirect(self.asistente.url_paso(solicitud, destino))
        errores: list[str] = []
        campo_error = None
        ligados: dict = {}
        original = solicitud
        if request.method == "POST":
            if solicitud is not None and not solicitud.es_borrador:
                messages.error(request, "La solicitud ya fue firmada y no puede modificarse.")
                return redirect(self.asistente.url_continuar(solicitud))
            nombre, _, argumento = request.POST.get("accion", self.accion_por_omision).partition(
                "-"
            )
            envio = Envio(self, request, solicitud, argumento)
            try:
                if nombre not in self.acciones:
                    raise TramiteError(ACCION_NO_VALIDA, "accion_invalida")
                destino = getattr(self, f"accion_{nombre}")(envio)
            except TramiteError as exc:
                campo_error = exc.campo
                if not _marcar_campo(envio.ligados, exc):
                    errores.append(exc.mensaje)
            else:
                if destino:
                    return redirect(self._url(envio.solicitud, destino))
            solicitud, ligados = envio.solicitud, envio.ligados
            errores = [*envio.errores, *errores]
        # Unbound forms are built only to show the step (as of the request's start).
        formularios = {**self.formularios(request, original), **ligados}
        return self.render(
            request, solicitud, formularios, errores=errores, campo_error=campo_error
        )

    def _url(self, solicitud: Solicitud, destino: str) -> str:
        if destino == SIGUIENTE:
            return self.asistente.url_siguiente(solicitud, self)
        if destino.startswith(AQUI):
            return self.asistente.url_paso(solicitud, self) + destino.removeprefix(AQUI)
        raise ValueError(f"Destino desconocido: {destino!r}")

    def render(self, request, solicitud, formularios: dict, **extra):
        ctx = self.asistente.contexto_base(request, solicitud, self)
        ctx.update(self.contexto(request, solicitud))
        ctx.update(formularios)
        # The error summary lists every bound form's errors (includes/errores_form.html).
        ctx["formularios_con_error"] = [
            f for f in formularios.values() if f is not None and f.is_bound and f.errors
        ]
        ctx.update(extra)
        return render(request, self.template_name, ctx)


class PasoSolicitante(Paso):
    """Datos generales and domicilio fiscal of the solicitante, read-only (seeds 000, 001, 003)."""

    slug = "solicitante"
    titulo = "Solicitante"
    template_name = "tramites/paso_solicitante.html"

    def guardar(self, request, solicitud, form) -> None:
        p = solicitud.solicitante
        services.guardar_paso(
            solicitud,
            self.slug,
            {"rfc": p.rfc, "nombre": p.nombre, "domicilio_fiscal": p.domicilio_fiscal},
        )


class Asistente:
    """A procedure's wizard: capture steps + the rules and effects of signing it."""

    clave: ClassVar[str] = ""
    titulo: ClassVar[str] = ""
    pasos: ClassVar[list[type[Paso]]] = [PasoSolicitante]
    #: Estados in which the procedure is finished for the solicitante (the bandeja lists them
    #: under "Concluidas"). A procedure that signing completes (certificates issued, report
    #: filed) adds ``FIRMADA``.
    estados_concluidos: ClassVar[frozenset[str]] = frozenset({EstadoSolicitud.RESUELTA})

    def __init__(self, tramite: Tramite):
        self.tramite = tramite
        self._pasos = [cls(self) for cls in self.pasos]

    # -- availability
    def disponibilidad(self, persona, hoy=None) -> Disponibilidad:
        """Whether ``persona`` can start this trámite today (``hoy``: None = the procedure's
        own today). Procedures override it (reception windows, something to expedite…);
        the catálogo shows the motivo and ``abre_el`` and no draft is created."""
        return DISPONIBLE

    # -- steps
    @property
    def lista_pasos(self) -> list[Paso]:
        return self._pasos

    def paso(self, slug: str) -> Paso | None:
        return next((p for p in self._pasos if p.slug == slug), None)

    def asegurar_borrador(self, request, solicitud: Solicitud | None) -> Solicitud:
        """The first save creates the draft (número temporal) for the acting persona."""
        if solicitud is not None:
            return solicitud
        return services.crear_borrador(
            tramite=self.tramite, solicitante=request.persona, usuario=request.user
        )

    def url_paso(self, solicitud: Solicitud, paso: Paso) -> str:
        return reverse("tramites:paso", args=[solicitud.numero_temporal, paso.slug])

    def url_firmar(self, solicitud: Solicitud) -> str:
        return reverse("tramites:firmar", args=[solicitud.numero_temporal])

    def url_continuar(self, solicitud: Solicitud) -> str:
        return reverse("tramites:continuar", args=[solicitud.numero_temporal])

    def url_siguiente(self, solicitud: Solicitud, actual: Paso) -> str:
        i = self._pasos.index(actual)
        if i + 1 < len(self._pasos):
            return self.url_paso(solicitud, self._pasos[i + 1])
        return self.url_firmar(solicitud)

    def primer_paso_pendiente(self, solicitud: Solicitud) -> Paso | None:
        return next((p for p in self._pasos if not p.completo(solicitud)), None)

    def contexto_base(self, request, solicitud: Solicitud | None, actual: Paso | None) -> dict:
        pasos = []
        for p in self._pasos:
            pasos.append(
                {
                    "slug": p.slug,
                    "titulo": p.titulo,
                    "actual": p is actual,
                    "completo": bool(solicitud) and p.completo(solicitud),
                    "url": self.url_paso(solicitud, p) if solicitud else "",
                }
            )
        return {
            "asistente": self,
            "tramite": self.tramite,
            "solicitud": solicitud,
            "persona": solicitud.solicitante if solicitud else request.persona,
            "pasos": pasos,
            "paso": actual,
            "etapa": "firmar" if actual is None else "capturar",
        }

    # -- signing
    def validar_para_firma(self, solicitud: Solicitud) -> list[str]:
        errores: list[str] = []
        for p in self._pasos:
            errores.extend(p.errores_para_firma(solicitud))
        return errores

    def cadena_campos(self, solicitud: Solicitud) -> list[tuple[str, object]]:
        """Procedure fields appended to the cadena original, in a fixed order.

        Default: each step's saved values in step order and key order. Procedures
        override it with an explicit, documented list.
        """
        campos: list[tuple[str, object]] = []
        for p in self._pasos:
            if p.slug == PasoSolicitante.slug:
                continue
            datos = (solicitud.datos or {}).get(p.slug, {})
            for k in sorted(datos):
                campos.append((f"{p.slug}.{k}", datos[k]))
        return campos

    def resumen(self, solicitud: Solicitud) -> list[tuple[str, object]]:
        """Label/value pairs shown on the signing page: each step's saved values under
        its form's field labels. Procedures with richer data override it."""
        filas: list[tuple[str, object]] = []
        for p in self._pasos:
            datos = (solicitud.datos or {}).get(p.slug, {})
            if p.slug == PasoSolicitante.slug or not datos:
                continue
            campos = p.form_class.base_fields if p.form_class else {}
            for nombre, valor in datos.items():
                campo = campos.get(nombre)
                etiqueta = (
                    str(campo.label)
                    if campo is not None and campo.label
                    else nombre.replace("_", " ").capitalize()
                )
                filas.append((etiqueta, valor))
        return filas

    def estado_para_usuario(self, solicitud: Solicitud) -> str:
        """The state the solicitante cares about, shown in the bandeja (e.g. "Certificados
        expedidos" instead of "Firmada"). Reads only the solicitud's own fields (it runs once
        per row). Default: the engine's estado."""
        return solicitud.get_estado_display()

    def url_oficina(self, solicitud: Solicitud) -> str | None:
        """Where staff work on a signed solicitud of this procedure (e.g. its dictamen
        page); None means the back-office admin page."""
        return None

    def bloquear_para_firma(self, solicitud: Solicitud) -> None:
        """Inside the signing transaction, with the draft locked and before the engine runs
        :meth:`validar_para_firma`: lock the rows the rules and :meth:`al_firmar` read, so
        the rules run once, on rows no other signing can change meanwhile. Default: none."""

    def al_firmar(self, solicitud: Solicitud, *, usuario):
        """Domain effects inside the signing transaction (issue certificates, …). What it
        returns is handed to :meth:`lineas_acuse`."""
        return None

    def lineas_acuse(self, solicitud: Solicitud, resultado) -> list[dict]:
        """Rows ``{"etiqueta", "valor"}`` the procedure adds to its acuse de recepción,
        read once, after :meth:`al_firmar`, when the engine issues the acuse."""
        return []


__all__ = [
    "AQUI",
    "DISPONIBLE",
    "Disponibilidad",
    "SIGUIENTE",
    "Asistente",
    "Envio",
    "Paso",
    "PasoSolicitante",
    "Requisito",
    "a_json",
    "disponibilidad",
    "obtener_asistente",
    "registrar",
    "tiene_asistente",
]
