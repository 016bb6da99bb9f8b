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
nothing here fakes a history. Consequently:

* from 1 April to 31 May every demo persona can file (IMMEX-PROSEC of LACTEOS, ALTEX and
  ECEX of EXPORTADORA, PROSEC of AVENAS; after the límite the IMMEX/PROSEC are suspended and
  filing by the última fecha reactivates them);
* from 1 September to 31 March (e.g. November) the cycle is closed: opening the wizard
  cancels the programs past their cancellation date (audited, as the beat job would) and
  lists them as "Cancelado automáticamente el DD/MM/AAAA por no presentar el reporte …";
  nothing can be filed;
* to demonstrate filing on any date, run the server with the environment variable
  ``RAOCE_FECHA_SIMULADA=YYYY-05-15`` (``raoce.plazos.FECHA_SIMULADA``; demo and tests
  only): the wizard, the signing and the beat job then act as if today were that date.
  Programs already cancelled stay cancelled (only audited services change an estatus):
  reload a fresh database (or, in the back-office, reactivate them) before demonstrating.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from raoce.models import Programa, TipoCambio, TipoPrograma
from tramites.services import registrar_auditoria
from vucem.models import Persona

LACTEOS, AVENAS, EXPORTADORA = "LBA100315MX4", "ACN080610GT1", "EPA120905R46"

#: (rfc, tipo, numero, modalidad, sector, fecha de autorización, exportación directa)
PROGRAMAS = [
    (LACTEOS, TipoPrograma.IMMEX, "83-2019", "INDUSTRIAL", "", dt.date(2019, 4, 8), True),
    (
        LACTEOS,
        TipoPrograma.PROSEC,
        "2019-8664",
        "PRODUCTOR DIRECTO",
        "XXII De la industria del café",
        dt.date(2019, 6, 17),
        True,
    ),
    (EXPORTADORA, TipoPrograma.ALTEX, "ALTEX-2015-0456", "", "", dt.date(2015, 8, 20), True),
    (
        EXPORTADORA,
        TipoPrograma.ECEX,
        "ECEX-2016-0078",
        "CONSOLIDADORA DE EXPORTACIÓN",
        "",
        dt.date(2016, 2, 10),
        True,
    ),
    (
        AVENAS,
        TipoPrograma.PROSEC,
        "2018-1234",
        "PRODUCTOR DIRECTO",
        "VII De la industria alimentaria",
        dt.date(2018, 6, 1),
        True,
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
    if anio in TIPOS_CAMBIO_DEMO:
        return TIPOS_CAMBIO_DEMO[anio]
    return TIPOS_CAMBIO_DEMO[max(TIPOS_CAMBIO_DEMO)]


@transaction.atomic
def cargar(stdout=None) -> dict:
    """Create the demo programs and exchange rates (idempotent). Returns what it touched."""
    personas = {p.rfc: p for p in Persona.objects.filter(rfc__in=[LACTEOS, AVENAS, EXPORTADORA])}
    programas: dict[str, Programa] = {}
    for rfc, tipo, numero, modalidad, sector, autorizado, directa in PROGRAMAS:
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
                "exportacion_directa": directa,
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

    anio = timezone.localdate().year
    tipos = {}
    for a in range(anio - 3, anio):
        tipos[a], _ = TipoCambio.objects.get_or_create(
            anio=a, defaults={"pesos_por_dolar": tipo_cambio_demo(a), "fuente": FUENTE_DEMO}
        )

    _escribir(stdout, "  Programas (RAOCE):")
    for p in programas.values():
        ligados = ", ".join(f"{x.tipo} {x.numero}" for x in p.ligados.all())
        _escribir(
            stdout,
            f"    {p.persona.nombre} ({p.persona.rfc}): {p.tipo} {p.numero}"
            + (f" {p.modalidad}" if p.modalidad else "")
            + f" · {p.get_estatus_display()}"
            + (f" · ligado a {ligados}" if ligados else ""),
        )
    _escribir(
        stdout,
        "  RAOCE: se presenta del 1 de abril al último día hábil de mayo; fuera del ciclo, "
        "inicie el servidor con RAOCE_FECHA_SIMULADA=AAAA-05-15 para demostrar la firma.",
    )
    _escribir(stdout, "  Tipos de cambio promedio (valores de demostración):")
    for a, tc in sorted(tipos.items()):
        _escribir(stdout, f"    {a}: {tc.pesos_por_dolar} pesos por dólar")
    return {"programas": programas, "tipos_cambio": tipos}
