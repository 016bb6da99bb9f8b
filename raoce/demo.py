"""Demo data of RAOCE (``manage.py cargar_demo`` calls :func:`cargar`). Idempotent.

For the demo personas of ``firma.demo.PERSONAS_DEMO``:

- LACTEOS DEL BAJIO: IMMEX 83-2019 INDUSTRIAL linked to PROSEC 2019-8664 PRODUCTOR
  DIRECTO (seed 003's example), authorized in 2019;
- EXPORTADORA DEL PACIFICO: ALTEX (exportación directa) and ECEX;
- AVENAS Y CEREALES DEL NORTE: PROSEC only (reports bienes producidos).

Programs are created vigentes (with an "alta" audit row); an existing program keeps its
estatus (the beat job or a signing may have changed it: only audited services change it).
Plant addresses come from ``cargar_demo`` (allowed types, localizado).

TipoCambio rows for the last three years: **demo values**, not Banco de México figures
(2023: 17.7617, 2024: 18.3000, 2025: 19.2000; other years 19.2000). Existing rows are
kept (the back-office may have corrected them).

Deadlines and what a demo user can do (seed 003): the report of period ``Y − 1`` is filed
from 1 April of ``Y``; a program without it is suspended / cancelled once its deadlines pass
(ALTEX/ECEX cancelled on 1 June, PROSEC on 1 July, IMMEX on 1 September). The demo programs
are authorized years ago and have no report, so their deadlines are computed normally —
nothing here fakes a history.

The state is made consistent with "today" of the RAOCE rules (:func:`raoce.plazos.hoy`: the
real date, or ``RAOCE_FECHA_SIMULADA``) every time the demo is loaded:

1. a demo program suspended or cancelled automatically on a date *after* today (e.g. a
   database loaded on 5 December and reloaded with ``RAOCE_FECHA_SIMULADA=2026-05-15``) is
   set back to vigente through the audited status service, citing the date;
2. then the daily job runs for today (:func:`raoce.trabajos.aplicar_plazos`), so the programs
   are exactly what the job leaves: on 15 May the IMMEX 83-2019 + PROSEC 2019-8664 of LACTEOS
   are vigentes and can file (the AVENAS PROSEC alone, due 30 April, is suspended and can
   still file late); on 5 December every demo program is cancelled on its date (1 June /
   1 July / 1 September), as the job would have done.

To demonstrate filing on any date, run ``RAOCE_FECHA_SIMULADA=YYYY-05-15 make run`` (demo
and tests only; ``raoce.plazos.FECHA_SIMULADA``): the demo load, the wizard, the signing and
the beat job then act as if today were that date.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal

from django.db import transaction

from raoce import plazos, trabajos
from raoce.estatus import cambiar_estatus
from raoce.models import EstatusPrograma, Programa, TipoCambio, TipoPrograma
from raoce.reporte.disponibilidad import reporte_anual
from tramites.services import registrar_auditoria
from vucem.models import Persona

LACTEOS, AVENAS, EXPORTADORA = "LBA100315MX4", "ACN080610GT1", "EPA120905R46"

#: (rfc, tipo, numero, modalidad, sector, fecha de autorización); all by exportación directa.
PROGRAMAS = [
    (LACTEOS, TipoPrograma.IMMEX, "83-2019", "INDUSTRIAL", "", dt.date(2019, 4, 8)),
    (
        LACTEOS,
        TipoPrograma.PROSEC,
        "2019-8664",
        "PRODUCTOR DIRECTO",
        "XXII De la industria del café",
        dt.date(2019, 6, 17),
    ),
    (EXPORTADORA, TipoPrograma.ALTEX, "ALTEX-2015-0456", "", "", dt.date(2015, 8, 20)),
    (
        EXPORTADORA,
        TipoPrograma.ECEX,
        "ECEX-2016-0078",
        "CONSOLIDADORA DE EXPORTACIÓN",
        "",
        dt.date(2016, 2, 10),
    ),
    (
        AVENAS,
        TipoPrograma.PROSEC,
        "2018-1234",
        "PRODUCTOR DIRECTO",
        "VII De la industria alimentaria",
        dt.date(2018, 6, 1),
    ),
]

#: (IMMEX, linked program) by número.
LIGAS = [("83-2019", "2019-8664")]

#: Demo values (pesos per dollar); years not listed get the last one.
TIPOS_CAMBIO_DEMO = {
    2023: Decimal("17.7617"),
    2024: Decimal("18.3000"),
    2025: Decimal("19.2000"),
}
FUENTE_DEMO = "Valor de demostración (no es el dato oficial de Banco de México)"


def _escribir(stdout, texto: str) -> None:
    (stdout or sys.stdout).write(texto + "\n")


def tipo_cambio_demo(anio: int) -> Decimal:
    return TIPOS_CAMBIO_DEMO.get(anio, TIPOS_CAMBIO_DEMO[max(TIPOS_CAMBIO_DEMO)])


@transaction.atomic
def cargar(stdout=None) -> dict:
    """Create the demo programs and exchange rates (idempotent). Returns what it touched."""
    personas = {p.rfc: p for p in Persona.objects.filter(rfc__in=[LACTEOS, AVENAS, EXPORTADORA])}
    programas: dict[str, Programa] = {}
    for rfc, tipo, numero, modalidad, sector, autorizado in PROGRAMAS:
        persona = personas.get(rfc)
        if persona is None:
            _escribir(stdout, f"  RAOCE: no existe la persona {rfc}; se omite {tipo} {numero}.")
            continue
        programa, creado = Programa.objects.get_or_create(
            tipo=tipo,
            numero=numero,
            defaults={
                "persona": persona,
                "modalidad": modalidad,
                "sector": sector,
                "fecha_autorizacion": autorizado,
                "exportacion_directa": True,
            },
        )
        if creado:
            registrar_auditoria(
                programa,
                anterior="",
                nuevo=programa.estatus,
                motivo="Alta (datos de demostración)",
            )
        programas[numero] = programa
    for immex, ligado in LIGAS:
        if immex in programas and ligado in programas:
            programas[immex].ligados.add(programas[ligado])

    hoy = plazos.hoy()
    restablecidos = [p for p in programas.values() if _restablecer_si_futuro(p, hoy)]
    trabajo = trabajos.aplicar_plazos(hoy)
    for p in programas.values():
        p.refresh_from_db()

    anio = hoy.year
    tipos = {}
    for a in range(anio - 3, anio):
        tipos[a], _ = TipoCambio.objects.get_or_create(
            anio=a, defaults={"pesos_por_dolar": tipo_cambio_demo(a), "fuente": FUENTE_DEMO}
        )

    simulada = plazos.fecha_simulada()
    _escribir(
        stdout,
        f"  Programas (RAOCE) al {hoy:%d/%m/%Y}"
        + (" (fecha simulada con RAOCE_FECHA_SIMULADA)" if simulada else "")
        + ":",
    )
    for p in programas.values():
        ligados = ", ".join(f"{x.tipo} {x.numero}" for x in p.ligados.all())
        _escribir(
            stdout,
            f"    {p.persona.nombre} ({p.persona.rfc}): {p.tipo} {p.numero}"
            + (f" {p.modalidad}" if p.modalidad else "")
            + f" · {estatus_al_dia(p, hoy)}"
            + (f" · ligado a {ligados}" if ligados else ""),
        )
    for p in restablecidos:
        _escribir(
            stdout,
            f"    {p.tipo} {p.numero} vuelve a vigente: su cambio automático era posterior al "
            f"{hoy:%d/%m/%Y}.",
        )
    if trabajo["suspendidos"] or trabajo["cancelados"]:
        _escribir(
            stdout,
            f"  Trabajo diario del RAOCE al {hoy:%d/%m/%Y}: suspendidos "
            f"{', '.join(trabajo['suspendidos']) or 'ninguno'}; cancelados "
            f"{', '.join(trabajo['cancelados']) or 'ninguno'}.",
        )
    pueden = []
    for rfc in (LACTEOS, EXPORTADORA, AVENAS):
        persona = personas.get(rfc)
        if persona is None:
            continue
        d = reporte_anual(persona, hoy)
        pueden.append(d.disponible)
        puede = "puede" if d.disponible else "no puede"
        _escribir(stdout, f"  RAOCE {hoy.year - 1}: {rfc} {puede} presentarlo hoy.")
    if not all(pueden):
        _escribir(
            stdout,
            "  RAOCE: se presenta del 1 de abril al último día hábil de mayo (IMMEX con su "
            "PROSEC ligado). Para demostrarlo en cualquier fecha, en una base nueva o en esta: "
            f"RAOCE_FECHA_SIMULADA={hoy.year}-05-15 make run",
        )
    _escribir(stdout, "  Tipos de cambio promedio (valores de demostración):")
    for a, tc in sorted(tipos.items()):
        _escribir(stdout, f"    {a}: {tc.pesos_por_dolar} pesos por dólar")
    return {"programas": programas, "tipos_cambio": tipos, "restablecidos": restablecidos}


_AUTOMATICO = re.compile(r"^No presentó el RAOCE (\d{4}) a más tardar")


def cambio_automatico(programa: Programa) -> tuple[int, dt.date] | None:
    """``(periodo, fecha)`` of the automatic suspension/cancellation that gave the program
    its current estatus (the rules' date, not the day the job ran), or None."""
    if programa.estatus == EstatusPrograma.VIGENTE:
        return None
    m = _AUTOMATICO.match(plazos.motivo_del_estatus(programa) or "")
    if m is None:
        return None
    periodo = int(m.group(1))
    p = plazos.plazos_programa(programa, periodo + 1)
    if programa.estatus == EstatusPrograma.CANCELADO:
        return periodo, p.cancelacion
    return periodo, p.suspension or p.cancelacion


def _restablecer_si_futuro(programa: Programa, hoy: dt.date) -> bool:
    """Set back to vigente a demo program whose automatic change is dated after ``hoy``."""
    cambio = cambio_automatico(programa)
    if cambio is None or cambio[1] <= hoy:
        return False
    programa = Programa.objects.select_for_update().get(pk=programa.pk)
    return cambiar_estatus(
        programa,
        EstatusPrograma.VIGENTE,
        motivo=(
            f"Datos de demostración: estatus acorde con la fecha {hoy:%d/%m/%Y} (el cambio "
            f"automático del {cambio[1]:%d/%m/%Y} por el RAOCE {cambio[0]} es posterior)"
        ),
    )


def estatus_al_dia(programa: Programa, hoy: dt.date) -> str:
    """The estatus with the date and reason that matter for the demo (Spanish)."""
    texto = programa.get_estatus_display()
    cambio = cambio_automatico(programa)
    if cambio is not None:
        periodo, fecha = cambio
        texto += f" desde el {fecha:%d/%m/%Y} por no presentar el RAOCE {periodo}"
        if programa.estatus == EstatusPrograma.SUSPENDIDO:
            fin = plazos.plazos_programa(programa, periodo + 1).ultima_fecha
            texto += f"; puede presentarlo hasta el {fin:%d/%m/%Y}"
        return texto
    if programa.estatus == EstatusPrograma.VIGENTE:
        periodo = hoy.year - 1
        debe, _motivo = plazos.debe_reportar(programa, periodo)
        if debe:
            limite = plazos.plazos_programa(programa, hoy.year).limite
            texto += f"; RAOCE {periodo}: fecha límite {limite:%d/%m/%Y}"
    return texto
