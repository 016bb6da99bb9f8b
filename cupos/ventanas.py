"""Reception windows of a cupo/subcupo, computed from the business-day calendar.

A window is a small declarative rule (:class:`VentanaRecepcion`) that yields the period
``(inicio, fin)`` of a given year, both dates inclusive. It round-trips through a plain dict
(``to_dict`` / ``from_dict``) so a model can keep it in a JSONField, and describes itself in
Spanish. Dates come from :mod:`tramites.calendario`, the only place deadlines are computed.

Rule types (seed 004, lácteos):

* ``dias_habiles_desde_primer_habil`` (``mes``, ``dias``): "quince días hábiles contados a
  partir del primer día hábil de enero" (B; D with ``mes=9``);
* ``desde_primer_habil_hasta_ultimo_habil`` (``mes_inicio``, ``mes_fin``): from the first
  business day of January to the last business day of July (C);
* ``desde_primer_habil_hasta_fecha`` (``mes_inicio``, ``dia_fin``, ``mes_fin``): from the first
  business day of January until 30 November (A);
* ``entre_fechas`` (``dia_inicio``, ``mes_inicio``, ``dia_fin``, ``mes_fin``): fixed natural dates.

A fixed end date (``dia_fin``/``mes_fin``) is taken literally, even when it falls on an inhábil
day (A: 30 Nov 2024 is a Saturday); an applicant may still file that day. The window is open on
every calendar day between ``inicio`` and ``fin``: filing on an inhábil day inside it is allowed
(its plazo then runs from the next business day, see ``calendario.vencimiento_plazo``).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass, fields

from tramites import calendario
from tramites.calendario import DEPENDENCIA_DEFAULT, MESES, Calendario, a_fecha

__all__ = [
    "TIPOS",
    "Ventana",
    "VentanaCerradaError",
    "VentanaError",
    "VentanaRecepcion",
    "mensaje_cerrada",
    "periodo_recepcion",
    "validar_ventana",
    "ventana_subcupo",
]

_NUMEROS = (
    "cero un dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciséis diecisiete dieciocho diecinueve veinte veintiún veintidós veintitrés veinticuatro "
    "veinticinco veintiséis veintisiete veintiocho veintinueve treinta"
).split()

TIPOS: dict[str, tuple[str, ...]] = {
    "dias_habiles_desde_primer_habil": ("mes", "dias"),
    "desde_primer_habil_hasta_ultimo_habil": ("mes_inicio", "mes_fin"),
    "desde_primer_habil_hasta_fecha": ("mes_inicio", "dia_fin", "mes_fin"),
    "entre_fechas": ("dia_inicio", "mes_inicio", "dia_fin", "mes_fin"),
}


class VentanaError(ValueError):
    """An invalid window rule. ``codigo`` is stable; ``mensaje`` is Spanish."""

    def __init__(self, codigo: str, mensaje: str):
        super().__init__(mensaje)
        self.codigo = codigo
        self.mensaje = mensaje


class VentanaCerradaError(Exception):
    """Raised by :func:`validar_recepcion` outside the window; ``mensaje`` is for the user."""

    codigo = "ventana_cerrada"

    def __init__(self, mensaje: str, inicio: dt.date, fin: dt.date):
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.inicio = inicio
        self.fin = fin


def _fecha_texto(fecha: dt.date) -> str:
    return f"{fecha:%d/%m/%Y}"


def _numero(n: int) -> str:
    return _NUMEROS[n] if 0 <= n < len(_NUMEROS) else str(n)


def _dia_del_mes(year: int, mes: int, dia: int) -> dt.date:
    """``dia`` of ``mes``, clamped to the month's end (29 Feb in a non-leap year → 28 Feb)."""
    return dt.date(year, mes, min(dia, _calendar.monthrange(year, mes)[1]))


@dataclass(frozen=True)
class VentanaRecepcion:
    """A declarative reception-window rule; see the module docstring for the types."""

    tipo: str
    mes: int | None = None
    dias: int | None = None
    mes_inicio: int | None = None
    dia_inicio: int | None = None
    mes_fin: int | None = None
    dia_fin: int | None = None

    def __post_init__(self):
        if self.tipo not in TIPOS:
            raise VentanaError(
                "tipo_desconocido", f"Tipo de ventana de recepción desconocido: «{self.tipo}»."
            )
        requeridos = TIPOS[self.tipo]
        for f in fields(self):
            if f.name == "tipo":
                continue
            valor = getattr(self, f.name)
            if f.name in requeridos:
                if not isinstance(valor, int) or isinstance(valor, bool):
                    raise VentanaError(
                        "dato_requerido",
                        f"La ventana «{self.tipo}» requiere el campo «{f.name}» (entero).",
                    )
            elif valor is not None:
                raise VentanaError(
                    "campo_no_aplica",
                    f"El campo «{f.name}» no aplica a la ventana «{self.tipo}».",
                )
        for nombre in ("mes", "mes_inicio", "mes_fin"):
            valor = getattr(self, nombre)
            if valor is not None and not 1 <= valor <= 12:
                raise VentanaError("mes_invalido", f"El campo «{nombre}» debe estar entre 1 y 12.")
        if self.dias is not None and not 1 <= self.dias <= 366:
            raise VentanaError(
                "dias_invalidos", "El número de días hábiles debe estar entre 1 y 366."
            )
        for dia, mes in ((self.dia_inicio, self.mes_inicio), (self.dia_fin, self.mes_fin)):
            # 2000 is a leap year, so 29 Feb is accepted (and clamped in other years).
            if dia is not None and not 1 <= dia <= _calendar.monthrange(2000, mes)[1]:
                raise VentanaError("dia_invalido", f"El día {dia} no existe en {MESES[mes - 1]}.")
        if self.mes_inicio is not None and self.mes_fin is not None:
            inicio = (self.mes_inicio, self.dia_inicio or 1)
            fin = (self.mes_fin, self.dia_fin or 31)
            if fin < inicio:
                raise VentanaError(
                    "periodo_invertido",
                    "El fin de la ventana de recepción no puede ser anterior a su inicio.",
                )

    # -- serialization -----------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Plain dict for a JSONField: ``tipo`` plus the fields of that type."""
        datos = {"tipo": self.tipo}
        datos.update({k: getattr(self, k) for k in TIPOS[self.tipo]})
        return datos

    @classmethod
    def from_dict(cls, datos) -> VentanaRecepcion:
        if isinstance(datos, VentanaRecepcion):
            return datos
        if not isinstance(datos, dict) or "tipo" not in datos:
            raise VentanaError(
                "formato_invalido", "La ventana de recepción debe ser un objeto con «tipo»."
            )
        conocidos = {f.name for f in fields(cls)}
        desconocidos = sorted(set(datos) - conocidos)
        if desconocidos:
            raise VentanaError(
                "campo_desconocido",
                f"Campos desconocidos en la ventana de recepción: {', '.join(desconocidos)}.",
            )
        return cls(**datos)

    # -- meaning -----------------------------------------------------------------------------

    def periodo(
        self, year: int, *, dependencia=DEPENDENCIA_DEFAULT, calendario: Calendario | None = None
    ) -> tuple[dt.date, dt.date]:
        """``(inicio, fin)`` of this window in ``year``, both inclusive."""
        cal = calendario or Calendario(dependencia)
        if self.tipo == "dias_habiles_desde_primer_habil":
            inicio = cal.primer_dia_habil(year, self.mes)
            return inicio, cal.n_dias_habiles_desde(inicio, self.dias)
        if self.tipo == "desde_primer_habil_hasta_ultimo_habil":
            return cal.primer_dia_habil(year, self.mes_inicio), cal.ultimo_dia_habil(
                year, self.mes_fin
            )
        if self.tipo == "desde_primer_habil_hasta_fecha":
            return cal.primer_dia_habil(year, self.mes_inicio), _dia_del_mes(
                year, self.mes_fin, self.dia_fin
            )
        # entre_fechas
        return _dia_del_mes(year, self.mes_inicio, self.dia_inicio), _dia_del_mes(
            year, self.mes_fin, self.dia_fin
        )

    def descripcion(self) -> str:
        """The rule in Spanish, as an Acuerdo would state it."""
        if self.tipo == "dias_habiles_desde_primer_habil":
            dias = _numero(self.dias)
            plural = "día hábil contado" if self.dias == 1 else "días hábiles contados"
            return (
                f"{dias.capitalize()} {plural} a partir del primer día hábil de "
                f"{MESES[self.mes - 1]} de cada año."
            )
        if self.tipo == "desde_primer_habil_hasta_ultimo_habil":
            return (
                f"Del primer día hábil de {MESES[self.mes_inicio - 1]} al último día hábil de "
                f"{MESES[self.mes_fin - 1]} de cada año."
            )
        if self.tipo == "desde_primer_habil_hasta_fecha":
            return (
                f"A partir del primer día hábil de {MESES[self.mes_inicio - 1]}, hasta el "
                f"{self.dia_fin} de {MESES[self.mes_fin - 1]} de cada año."
            )
        return (
            f"Del {self.dia_inicio} de {MESES[self.mes_inicio - 1]} al {self.dia_fin} de "
            f"{MESES[self.mes_fin - 1]} de cada año."
        )

    def __str__(self) -> str:
        return self.descripcion()


# -- functions -------------------------------------------------------------------------------


def periodo_recepcion(
    ventana, year: int, *, dependencia=DEPENDENCIA_DEFAULT, calendario: Calendario | None = None
) -> tuple[dt.date, dt.date]:
    """``(inicio, fin)`` of ``ventana`` (a :class:`VentanaRecepcion` or its dict) in ``year``."""
    regla = VentanaRecepcion.from_dict(ventana)
    return regla.periodo(year, dependencia=dependencia, calendario=calendario)


def mensaje_cerrada(inicio: dt.date, fin: dt.date) -> str:
    """The Spanish message shown when a window is closed."""
    return (
        "La recepción de solicitudes para este cupo está cerrada. "
        f"Periodo: del {_fecha_texto(inicio)} al {_fecha_texto(fin)}."
    )


# -- the window of a subcupo, as the asignación shows and checks it -------------------------


@dataclass(frozen=True)
class Ventana:
    """The reception window of a subcupo in its cupo's year, as shown to the applicant."""

    inicio: dt.date | None
    fin: dt.date | None
    descripcion: str
    abierta: bool

    @property
    def mensaje(self) -> str:
        if self.abierta or self.inicio is None:
            return ""
        return mensaje_cerrada(self.inicio, self.fin)

    @property
    def periodo_texto(self) -> str:
        if self.inicio is None:
            return "Sin periodo de recepción restringido."
        return f"Del {self.inicio:%d/%m/%Y} al {self.fin:%d/%m/%Y}"


#: Setting (environment variable) that moves the window checks to another date (demo only).
FECHA_SIMULADA = "CUPOS_FECHA_SIMULADA"


def ahora() -> dt.datetime:
    """Current moment for the window checks (tests monkeypatch this, not timezone.now); on
    the date of ``CUPOS_FECHA_SIMULADA`` when it is set."""
    return calendario.ahora_simulado(FECHA_SIMULADA)


def hoy(momento=None) -> dt.date:
    """The Mexico City date of ``momento`` (default :func:`ahora`)."""
    return a_fecha(momento or ahora())


def ventana_subcupo(subcupo, momento=None) -> Ventana:
    """The subcupo's window for the year of its cupo, open or not at ``momento`` (default now).

    A subcupo without a declared window is open while its cupo is vigente."""
    hoy_ = hoy(momento)
    cupo = subcupo.cupo
    if not subcupo.ventana:
        abierta = cupo.vigencia_inicio <= hoy_ <= cupo.vigencia_fin
        return Ventana(None, None, "Durante la vigencia del cupo.", abierta)
    regla = VentanaRecepcion.from_dict(subcupo.ventana)
    inicio, fin = periodo_recepcion(regla, cupo.anio)
    return Ventana(inicio, fin, regla.descripcion(), inicio <= hoy_ <= fin)


def validar_ventana(subcupo, momento=None) -> Ventana:
    """Raise :class:`VentanaCerradaError` outside the subcupo's window."""
    v = ventana_subcupo(subcupo, momento)
    if not v.abierta:
        if v.inicio is None:
            c = subcupo.cupo
            raise VentanaCerradaError(
                mensaje_cerrada(c.vigencia_inicio, c.vigencia_fin),
                c.vigencia_inicio,
                c.vigencia_fin,
            )
        raise VentanaCerradaError(v.mensaje, v.inicio, v.fin)
    return v


# ============================================================================ datos de la solicitud
