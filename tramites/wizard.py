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
from typing import ClassVar

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import redirect, render
from django.urls import reverse

from tramites import services
from tramites.models import Solicitud, Tramite
from tramites.services import TramiteError

_registro: dict[str, type[Asistente]] = {}


def registrar(cls: type[Asistente]) -> type[Asistente]:
    """Class decorator: make a wizard available for the trámites whose clave matches."""
    if not cls.clave:
        raise ValueError(f"{cls.__name__} has no clave")
    _registro[cls.clave] = cls
    return cls


def tiene_asistente(tramite: Tramite) -> bool:
    return tramite.clave in _registro


def obtener_asistente(tramite: Tramite) -> Asistente:
    try:
        return _registro[tramite.clave](tramite)
    except KeyError:
        raise TramiteError(
            f"El trámite {tramite.vucem_id} aún no está disponible en línea.", "sin_asistente"
        ) from None


def a_json(data: dict) -> dict:
    """cleaned_data → JSON-safe dict (Decimal and dates as strings; files dropped)."""
    limpio = {k: v for k, v in data.items() if not hasattr(v, "read")}
    return json.loads(json.dumps(limpio, cls=DjangoJSONEncoder))


class Paso:
    """One capture tab of a wizard."""

    slug: ClassVar[str] = ""
    titulo: ClassVar[str] = ""
    template_name: ClassVar[str] = "tramites/paso_formulario.html"
    form_class: ClassVar[type[forms.Form] | None] = None
    descripcion: ClassVar[str] = ""

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

    # -- request handling
    def manejar(self, request, solicitud: Solicitud | None):
        """GET shows the step; POST validates, saves the draft and moves on."""
        form = None
        if request.method == "POST":
            if solicitud is not None and not solicitud.es_borrador:
                messages.error(request, "La solicitud ya fue firmada y no puede modificarse.")
                return redirect(self.asistente.url_continuar(solicitud))
            form = self.get_form(request, solicitud, data=request.POST, files=request.FILES)
            if form is None or form.is_valid():
                try:
                    solicitud = self.asistente.asegurar_borrador(request, solicitud)
                    self.guardar(request, solicitud, form)
                except TramiteError as exc:
                    messages.error(request, exc.mensaje)
                else:
                    return redirect(self.asistente.url_siguiente(solicitud, self))
        if form is None:
            form = self.get_form(request, solicitud)
        return self.render(request, solicitud, form)

    def render(self, request, solicitud, form, **extra):
        ctx = self.asistente.contexto_base(request, solicitud, self)
        ctx.update(self.contexto(request, solicitud))
        ctx.update(form=form, **extra)
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

    def __init__(self, tramite: Tramite):
        self.tramite = tramite
        self._pasos = [cls(self) for cls in self.pasos]

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

    def url_oficina(self, solicitud: Solicitud) -> str | None:
        """Where staff work on a signed solicitud of this procedure (e.g. its dictamen
        page); None means the back-office admin page."""
        return None

    def al_firmar(self, solicitud: Solicitud, *, usuario) -> None:
        """Domain effects inside the signing transaction (issue certificates, …)."""
