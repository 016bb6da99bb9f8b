"""A fifth trámite written on the engine's contract only (the proof of issue 6).

Two capture steps (one with Agregar / Quitar), the engine's signing step and one acuse
line per item. No request handling, no sealing, no draft plumbing: the engine does it.
"""

from django import forms

from tramites.reglas import ReglaError
from tramites.services import guardar_paso
from tramites.wizard import AQUI, SIGUIENTE, Asistente, Paso, PasoSolicitante, registrar


class DatosForm(forms.Form):
    mercancia = forms.CharField(label="Mercancía", max_length=60)


class PartidaForm(forms.Form):
    fraccion = forms.RegexField(label="Fracción arancelaria", regex=r"^\d{4}\.\d{2}\.\d{2}$")


class PasoDatos(Paso):
    slug = "datos"
    titulo = "Datos"
    form_class = DatosForm


class PasoPartidas(Paso):
    slug = "partidas"
    titulo = "Partidas"
    form_class = PartidaForm
    acciones = ("agregar", "quitar", "continuar")

    def partidas(self, solicitud) -> list[str]:
        return list(solicitud.datos.get(self.slug, {}).get("fracciones", []))

    def guardar_partidas(self, solicitud, fracciones, listo=False):
        guardar_paso(solicitud, self.slug, {"fracciones": fracciones, "listo": listo})

    def accion_agregar(self, envio):
        form = envio.vincular()
        if not form.is_valid():
            return None
        fracciones = self.partidas(envio.existente())
        self.guardar_partidas(envio.solicitud, [*fracciones, form.cleaned_data["fraccion"]])
        envio.avisar("Se agregó la partida.")
        return AQUI

    def accion_quitar(self, envio):
        fracciones = self.partidas(envio.existente())
        if envio.argumento not in fracciones:
            raise ReglaError("La partida a quitar no existe.", "EJ001", "fraccion")
        self.guardar_partidas(envio.solicitud, [f for f in fracciones if f != envio.argumento])
        return AQUI

    def accion_continuar(self, envio):
        if not self.partidas(envio.existente()):
            raise ReglaError("Agregue al menos una partida.", "EJ002", "fraccion")
        self.guardar_partidas(envio.solicitud, self.partidas(envio.solicitud), listo=True)
        return SIGUIENTE

    def completo(self, solicitud) -> bool:
        return bool(solicitud.datos.get(self.slug, {}).get("listo"))


@registrar
class AsistenteEjemplo(Asistente):
    clave = "ejemplo-contrato"
    titulo = "Trámite de ejemplo"
    pasos = [PasoSolicitante, PasoDatos, PasoPartidas]

    def cadena_campos(self, solicitud):
        return [("mercancia", solicitud.datos["datos"]["mercancia"])] + [
            ("fraccion", f) for f in solicitud.datos["partidas"]["fracciones"]
        ]

    def al_firmar(self, solicitud, *, usuario):
        return solicitud.datos["partidas"]["fracciones"]

    def lineas_acuse(self, solicitud, fracciones):
        return [{"etiqueta": f"Partida {i}", "valor": f} for i, f in enumerate(fracciones, 1)]
