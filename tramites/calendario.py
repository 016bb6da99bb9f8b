"""Business-day calendar: the ONLY place where deadlines are computed (DESIGN §5).

A day is *hábil* for a dependencia unless it is

* a Saturday or Sunday,
* a Mexican statutory holiday according to the ``holidays`` package
  (``holidays.country_holidays("MX")``: 1 Jan, first Monday of February, third Monday of March,
  1 May, 16 Sep, third Monday of November, 25 Dec, 1 Oct every six years, ...), or
* a ``tramites.models.DiaInhabil`` declared by that dependencia (DOF acuerdos: Semana Santa,
  vacation periods, ...).

There is one calendar per dependencia; the default is ``"SE"``. ``dependencia`` may be given as a
clave (``"SE"``) or as a ``tramites.models.Dependencia`` instance.

Vocabulary of :class:`Calendario`'s counting methods (all accept ``date`` or ``datetime``; aware
datetimes are converted to the America/Mexico_City date first):

* ``sumar_dias_habiles(fecha, n)``: the n-th business day strictly after ``fecha``
  (n=0: ``fecha`` itself when hábil, else the next business day).
* ``n_dias_habiles_desde(inicio, n)``: "n días hábiles contados a partir de ``inicio``": ``inicio``
  is day 1 when hábil (else the next business day is), the last day is returned.
* ``vencimiento_plazo(recepcion, n)``: "n días hábiles contados a partir del día hábil siguiente a
  la recepción": day 1 is the business day after ``recepcion``.
* ``dias_habiles_entre(inicio, fin)``: business days in ``(inicio, fin]``.

A ``Calendario`` costs one query per calendar year it touches; a page or job that computes many
values builds one (pass ``desde``/``hasta`` to preload the range with a single query) and calls
its methods. Each process also keeps the días inhábiles it read, per dependencia and year, for
the current day (:mod:`tramites.memoria`): saving or deleting a ``DiaInhabil`` or
``Dependencia`` invalidates it, so a day added in the back-office applies to the next request
of every process (a bulk update or raw SQL, which sends no signal, by the next day;
:func:`invalidar_dias_inhabiles` at once). The statutory holidays (which never change) are
cached per year.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

from tramites.memoria import Memoria
from tramites.models import DiaInhabil

ZONA_MEXICO = ZoneInfo("America/Mexico_City")
#: Spanish month names, January first (for dates written in words: "31 de mayo de 2024").
MESES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
DEPENDENCIA_DEFAULT = "SE"

__all__ = [
    "DEPENDENCIA_DEFAULT",
    "MESES",
    "ZONA_MEXICO",
    "Calendario",
    "a_fecha",
    "dia_siguiente",
    "festivos",
    "fin_de_anio",
    "primer_dia_del_mes",
    "sumar_dias_naturales",
]

_SABADO = 5
# Safety net against runaway loops (e.g. a month declared entirely inhábil by mistake).
_MAX_DIAS_BUSQUEDA = 366 * 2


def fecha_simulada(nombre: str) -> dt.date | None:
    """The date of the demo/test setting ``nombre`` (e.g. ``CUPOS_FECHA_SIMULADA``: a date or
    an ISO string; the settings refuse it without DEBUG), or None."""
    valor = getattr(settings, nombre, None)
    if not valor:
        return None
    if isinstance(valor, dt.date):
        return a_fecha(valor)
    return dt.date.fromisoformat(str(valor).strip())


def ahora_simulado(nombre: str) -> dt.datetime:
    """Now, or the current Mexico City time of day on the date of setting ``nombre``."""
    ahora = timezone.now()
    fecha = fecha_simulada(nombre)
    if fecha is None:
        return ahora
    return dt.datetime.combine(fecha, ahora.astimezone(ZONA_MEXICO).time(), tzinfo=ZONA_MEXICO)


def a_fecha(valor: dt.date | dt.datetime) -> dt.date:
    """Return the calendar date of ``valor``. Aware datetimes are read in Mexico City time;
    naive datetimes are taken as already local."""
    if isinstance(valor, dt.datetime):
        if valor.tzinfo is not None and valor.utcoffset() is not None:
            valor = valor.astimezone(ZONA_MEXICO)
        return valor.date()
    if isinstance(valor, dt.date):
        return valor
    raise TypeError(f"Se esperaba una fecha, se recibió {type(valor).__name__}")


@lru_cache(maxsize=64)
def festivos(year: int) -> dict[dt.date, str]:
    """Mexican statutory holidays of ``year`` (Spanish names), cached per year."""
    return dict(holidays.country_holidays("MX", years=year, language="es"))


def _clave_y_pk(dependencia) -> tuple[str, int | None]:
    if dependencia is None:
        return DEPENDENCIA_DEFAULT, None
    if isinstance(dependencia, str):
        return dependencia, None
    # A Dependencia instance (duck-typed to keep this module import-light).
    return dependencia.clave, getattr(dependencia, "pk", None)


#: Días inhábiles read, per (clave, dependencia pk, year): see tramites.memoria.
memoria = Memoria("tramites:calendario:version")
CLAVE_VERSION = memoria.clave_version


def invalidar_dias_inhabiles() -> None:
    """Forget the días inhábiles every process keeps (called when one is saved or deleted)."""
    memoria.invalidar()


def olvidar_memoria() -> None:
    """Reset this process's memory of días inhábiles and the shared version (tests)."""
    memoria.olvidar()


class Calendario:
    """The business-day calendar of one dependencia.

    Días inhábiles are loaded from the database per calendar year, on first use, and kept for the
    life of the instance. ``desde``/``hasta`` preload a range of years with one query.
    ``dias_inhabiles`` (a mapping or iterable of dates) replaces the database entirely, which is
    handy for pure tests and simulations.
    """

    def __init__(
        self,
        dependencia=DEPENDENCIA_DEFAULT,
        *,
        desde: dt.date | dt.datetime | None = None,
        hasta: dt.date | dt.datetime | None = None,
        dias_inhabiles=None,
    ):
        self.clave, self._dependencia_pk = _clave_y_pk(dependencia)
        self._inhabiles: dict[dt.date, str] = {}
        self._anios_cargados: set[int] = set()
        self._sin_bd = dias_inhabiles is not None
        if dias_inhabiles is not None:
            if isinstance(dias_inhabiles, dict):
                self._inhabiles.update({a_fecha(k): v for k, v in dias_inhabiles.items()})
            else:
                self._inhabiles.update({a_fecha(d): "Día inhábil" for d in dias_inhabiles})
        if desde is not None or hasta is not None:
            inicio = a_fecha(desde if desde is not None else hasta)
            fin = a_fecha(hasta if hasta is not None else desde)
            if fin < inicio:
                inicio, fin = fin, inicio
            self.cargar(inicio.year, fin.year)

    def __repr__(self) -> str:
        return f"<Calendario {self.clave}>"

    # -- loading ---------------------------------------------------------------------------

    def cargar(self, anio_inicio: int, anio_fin: int | None = None) -> None:
        """Load the días inhábiles of the years ``anio_inicio..anio_fin`` in one query."""
        anio_fin = anio_inicio if anio_fin is None else anio_fin
        faltan = [y for y in range(anio_inicio, anio_fin + 1) if y not in self._anios_cargados]
        if not faltan:
            return
        self._anios_cargados.update(faltan)
        if self._sin_bd:
            return
        version = memoria.version()
        for anio in list(faltan):
            guardado = memoria.obtener((self.clave, self._dependencia_pk, anio), version)
            if guardado is not None:
                self._inhabiles.update(guardado)
                faltan.remove(anio)
        if not faltan:
            return
        qs = DiaInhabil.objects.filter(
            fecha__gte=dt.date(min(faltan), 1, 1), fecha__lte=dt.date(max(faltan), 12, 31)
        )
        if self._dependencia_pk is not None:
            qs = qs.filter(dependencia_id=self._dependencia_pk)
        else:
            qs = qs.filter(dependencia__clave=self.clave)
        leidos: dict[int, dict[dt.date, str]] = {anio: {} for anio in faltan}
        for fecha, descripcion in qs.values_list("fecha", "descripcion"):
            self._inhabiles[fecha] = descripcion
            if fecha.year in leidos:
                leidos[fecha.year][fecha] = descripcion
        for anio, dias in leidos.items():
            memoria.guardar((self.clave, self._dependencia_pk, anio), version, dias)

    def _inhabiles_de(self, anio: int) -> dict[dt.date, str]:
        if anio not in self._anios_cargados:
            self.cargar(anio)
        return self._inhabiles

    # -- single days -----------------------------------------------------------------------

    def motivo_inhabil(self, fecha: dt.date | dt.datetime) -> str | None:
        """Why ``fecha`` is not a business day (Spanish), or ``None`` when it is hábil."""
        fecha = a_fecha(fecha)
        if fecha.weekday() >= _SABADO:
            return "Sábado" if fecha.weekday() == _SABADO else "Domingo"
        nombre = festivos(fecha.year).get(fecha)
        if nombre:
            return nombre
        return self._inhabiles_de(fecha.year).get(fecha)

    def es_dia_habil(self, fecha: dt.date | dt.datetime) -> bool:
        return self.motivo_inhabil(fecha) is None

    def siguiente_dia_habil(self, fecha: dt.date | dt.datetime) -> dt.date:
        """The first business day strictly after ``fecha``."""
        dia = a_fecha(fecha)
        for _ in range(_MAX_DIAS_BUSQUEDA):
            dia += dt.timedelta(days=1)
            if self.es_dia_habil(dia):
                return dia
        raise ValueError(f"No hay días hábiles después del {a_fecha(fecha):%d/%m/%Y}")

    def dia_habil_o_siguiente(self, fecha: dt.date | dt.datetime) -> dt.date:
        """``fecha`` itself when hábil, else the next business day."""
        fecha = a_fecha(fecha)
        return fecha if self.es_dia_habil(fecha) else self.siguiente_dia_habil(fecha)

    def dia_habil_anterior(self, fecha: dt.date | dt.datetime) -> dt.date:
        """The last business day strictly before ``fecha``."""
        dia = a_fecha(fecha)
        for _ in range(_MAX_DIAS_BUSQUEDA):
            dia -= dt.timedelta(days=1)
            if self.es_dia_habil(dia):
                return dia
        raise ValueError(f"No hay días hábiles antes del {a_fecha(fecha):%d/%m/%Y}")

    # -- months ----------------------------------------------------------------------------

    def primer_dia_habil(self, year: int, month: int) -> dt.date:
        return self.dia_habil_o_siguiente(dt.date(year, month, 1))

    def ultimo_dia_habil(self, year: int, month: int) -> dt.date:
        ultimo = dt.date(year, month, _calendar.monthrange(year, month)[1])
        if self.es_dia_habil(ultimo):
            return ultimo
        return self.dia_habil_anterior(ultimo)

    # -- counting --------------------------------------------------------------------------

    def sumar_dias_habiles(self, fecha: dt.date | dt.datetime, n: int) -> dt.date:
        """The n-th business day after ``fecha`` (n=0: ``fecha`` if hábil, else the next)."""
        if n < 0:
            raise ValueError("El número de días hábiles no puede ser negativo")
        dia = a_fecha(fecha)
        if n == 0:
            return self.dia_habil_o_siguiente(dia)
        for _ in range(n):
            dia = self.siguiente_dia_habil(dia)
        return dia

    def dias_habiles_entre(self, inicio: dt.date | dt.datetime, fin: dt.date | dt.datetime) -> int:
        """Business days after ``inicio`` up to and including ``fin`` (0 if ``fin <= inicio``)."""
        inicio, fin = a_fecha(inicio), a_fecha(fin)
        if fin <= inicio:
            return 0
        self.cargar(inicio.year, fin.year)
        total = 0
        dia = inicio
        while dia < fin:
            dia += dt.timedelta(days=1)
            if self.es_dia_habil(dia):
                total += 1
        return total

    def n_dias_habiles_desde(self, inicio: dt.date | dt.datetime, n: int) -> dt.date:
        """Last day of "n días hábiles contados a partir de ``inicio``" (``inicio`` is day 1 when
        hábil; otherwise the next business day is)."""
        if n < 1:
            raise ValueError("El plazo debe ser de al menos un día hábil")
        return self.sumar_dias_habiles(self.dia_habil_o_siguiente(inicio), n - 1)

    def vencimiento_plazo(self, recepcion: dt.date | dt.datetime, n: int) -> dt.date:
        """Last day of "n días hábiles contados a partir del día hábil siguiente a la fecha de
        recepción" (seed 004: resolution within 7 business days)."""
        if n < 1:
            raise ValueError("El plazo debe ser de al menos un día hábil")
        return self.sumar_dias_habiles(recepcion, n)

    def dias_inhabiles(self, year: int) -> list[tuple[dt.date, str]]:
        """Holidays and declared días inhábiles of ``year`` falling on weekdays, sorted."""
        self.cargar(year)
        dias = {d: n for d, n in festivos(year).items() if d.weekday() < _SABADO}
        for d, n in self._inhabiles.items():
            if d.year == year and d.weekday() < _SABADO:
                dias.setdefault(d, n)
        return sorted(dias.items())


# --- natural-day deadlines (no calendar of inhábiles applies) ------------------------------


def sumar_dias_naturales(momento: dt.datetime, dias: int) -> dt.datetime:
    """``momento`` plus ``dias`` natural days (e.g. the 15-day life of a draft, seed 003)."""
    if dias < 0:
        raise ValueError("dias must be >= 0")
    return momento + dt.timedelta(days=dias)


def dia_siguiente(fecha: dt.date | dt.datetime) -> dt.date:
    """The natural day after ``fecha`` (hábil or not): e.g. the RAOCE suspension, "el día
    siguiente al último día hábil de mayo" (seed 003)."""
    return a_fecha(fecha) + dt.timedelta(days=1)


def primer_dia_del_mes(year: int, month: int) -> dt.date:
    """The 1st (a natural day, hábil or not) of ``month``: e.g. the RAOCE opens on 1 April
    and cancels on 1 June / 1 July / 1 September (seed 003)."""
    return dt.date(year, month, 1)


def fin_de_anio(year: int) -> dt.date:
    """31 December of ``year``: the latest vigencia of asignaciones and certificados de cupo
    ("hasta el 31 de diciembre de cada año", seeds 002 and 004)."""
    return dt.date(year, 12, 31)
