"""``python manage.py cupos <subcomando>``: tools for the cupos back-office.

Subcommands
-----------
``simular-proporcional --monto KG [--precision 3] [--decimales 3] [--json] CSV``
    The dictaminador's simulator of the proportional share (seed 004, beneficiaries B). Reads
    rows ``empresa,asignado_anio_anterior,consumo_auditado,monto_solicitado`` (header optional;
    ``-`` reads standard input) and prints θ, monto a asignar and monto asignado per row plus
    totals, as a table or as JSON (numbers as exact decimal strings). Montos are rounded down
    to ``--decimales`` (the unit's precision; 3 for kilograms).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cupos.mecanismos import FilaProporcional, MecanismoError, participacion_proporcional
from cupos.montos import compacto, formato_monto, leer_decimal

COLUMNAS = ("empresa", "asignado_anio_anterior", "consumo_auditado", "monto_solicitado")
_LIMITADO_POR = {
    "monto_a_asignar": "monto a asignar",
    "consumo_auditado": "consumo auditado",
    "monto_solicitado": "monto solicitado",
}


def leer_numero(texto: str, etiqueta: str) -> Decimal:
    """Parse ``18500000``, ``18500000.00`` or ``18,500,000.00`` (comma = thousands separator)."""
    valor = leer_decimal(texto)
    if valor is None:
        raise CommandError(f"{etiqueta}: «{texto.strip()}» no es un número válido.")
    return valor


def leer_filas(texto: str) -> list[FilaProporcional]:
    """Rows of the simulator's CSV; the first row is skipped when it is a header."""
    filas = []
    for numero, fila in enumerate(csv.reader(io.StringIO(texto)), start=1):
        if not fila or all(not c.strip() for c in fila):
            continue
        if numero == 1 and fila[0].strip().lower() == "empresa":
            continue
        if len(fila) != len(COLUMNAS):
            raise CommandError(
                f"Fila {numero}: se esperaban {len(COLUMNAS)} columnas ({', '.join(COLUMNAS)}) "
                f"y hay {len(fila)}. Si un número lleva comas de miles, escríbalo entre comillas."
            )
        empresa = fila[0].strip()
        if not empresa:
            raise CommandError(f"Fila {numero}: falta el nombre de la empresa.")
        valores = [
            leer_numero(valor, f"Fila {numero}, columna «{columna}»")
            for columna, valor in zip(COLUMNAS[1:], fila[1:], strict=True)
        ]
        filas.append(FilaProporcional(empresa, *valores))
    if not filas:
        raise CommandError("El archivo CSV no contiene filas de empresas.")
    return filas


def _texto(valor: Decimal) -> str:
    return str(compacto(valor))


def _precision(texto: str) -> int:
    try:
        valor = int(texto)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{texto}» no es un número entero") from None
    if not 0 <= valor <= 12:
        raise argparse.ArgumentTypeError("debe estar entre 0 y 12")
    return valor


class Command(BaseCommand):
    help = "Herramientas de cupos. Subcomandos: simular-proporcional."
    # Pure computation: no database or app state involved.
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcomando", metavar="SUBCOMANDO", required=True)
        sim = sub.add_parser(
            "simular-proporcional",
            help="Simula la asignación por participación proporcional (beneficiarios B).",
            description=(
                "Reparte el monto ρ entre las empresas según su participación en lo asignado el "
                "año anterior; lo asignado a cada una es lo menor entre el monto a asignar, su "
                "consumo auditado y lo solicitado."
            ),
        )
        sim.add_argument(
            "--monto", required=True, help="Monto a repartir (ρ) en kilogramos, p. ej. 21200000."
        )
        sim.add_argument(
            "--precision",
            type=_precision,
            default=3,
            help="Decimales de la participación θ (redondeo half-up). Predeterminado: 3.",
        )
        sim.add_argument(
            "--decimales",
            type=_precision,
            default=3,
            help="Decimales de los montos, la precisión de la unidad (se truncan hacia abajo para "
            "no exceder ρ). Predeterminado: 3, kilogramos.",
        )
        sim.add_argument("--json", action="store_true", help="Imprime el resultado como JSON.")
        sim.add_argument(
            "csv",
            metavar="CSV",
            help="Archivo con empresa,asignado_anio_anterior,consumo_auditado,monto_solicitado "
            "(«-» para la entrada estándar).",
        )

    def handle(self, *args, **options):
        if options["subcomando"] == "simular-proporcional":
            return self.simular_proporcional(options)
        raise CommandError(f"Subcomando desconocido: {options['subcomando']}")  # pragma: no cover

    # -- simular-proporcional ------------------------------------------------------------------

    def simular_proporcional(self, options):
        monto = leer_numero(str(options["monto"]), "--monto")
        texto = self._leer_csv(options["csv"])
        filas = leer_filas(texto)
        try:
            resultado = participacion_proporcional(
                monto,
                filas,
                precision=options["precision"],
                precision_monto=options["decimales"],
            )
        except MecanismoError as e:
            raise CommandError(e.mensaje) from None
        if options["json"]:
            self.stdout.write(json.dumps(self._como_json(resultado), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self._como_tabla(resultado))

    def _leer_csv(self, ruta: str) -> str:
        if ruta == "-":
            return sys.stdin.read()
        archivo = Path(ruta)
        if not archivo.is_file():
            raise CommandError(f"No se encontró el archivo CSV: {ruta}")
        try:
            return archivo.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            return archivo.read_text(encoding="cp1252")  # CSVs saved by Excel on Windows
        except OSError as e:
            raise CommandError(f"No se pudo leer el archivo CSV {ruta}: {e.strerror}") from None

    @staticmethod
    def _como_json(r) -> dict:
        return {
            "monto": _texto(r.rho),
            "precision": r.precision,
            "decimales": r.precision_monto,
            "filas": [
                {
                    "empresa": f.empresa,
                    "asignado_anio_anterior": _texto(f.asignado_anio_anterior),
                    "consumo_auditado": _texto(f.consumo_auditado),
                    "monto_solicitado": _texto(f.monto_solicitado),
                    "theta": str(f.theta),
                    "theta_exacta": str(f.theta_exacta),
                    "theta_ajustada": f.theta_ajustada,
                    "monto_a_asignar": _texto(f.monto_a_asignar),
                    "monto_asignado": _texto(f.monto_asignado),
                    "limitado_por": f.limitado_por,
                }
                for f in r.filas
            ],
            "totales": {
                "asignado_anio_anterior": _texto(r.total_asignado_anio_anterior),
                "theta": str(r.total_theta),
                "monto_a_asignar": _texto(r.total_monto_a_asignar),
                "consumo_auditado": _texto(r.total_consumo_auditado),
                "monto_solicitado": _texto(r.total_monto_solicitado),
                "monto_asignado": _texto(r.total_monto_asignado),
                "no_asignado": _texto(r.no_asignado),
            },
        }

    @staticmethod
    def _como_tabla(r) -> str:
        encabezado = (
            "Empresa",
            "Asignado año anterior",
            "θ",
            "Monto a asignar",
            "Consumo auditado",
            "Monto solicitado",
            "Monto asignado",
            "Limitado por",
        )
        cuerpo = [
            (
                f.empresa,
                formato_monto(f.asignado_anio_anterior),
                f"{f.theta}{'*' if f.theta_ajustada else ' '}",
                formato_monto(f.monto_a_asignar),
                formato_monto(f.consumo_auditado),
                formato_monto(f.monto_solicitado),
                formato_monto(f.monto_asignado),
                _LIMITADO_POR[f.limitado_por],
            )
            for f in r.filas
        ]
        totales = (
            "TOTALES",
            formato_monto(r.total_asignado_anio_anterior),
            f"{r.total_theta} ",
            formato_monto(r.total_monto_a_asignar),
            formato_monto(r.total_consumo_auditado),
            formato_monto(r.total_monto_solicitado),
            formato_monto(r.total_monto_asignado),
            "",
        )
        anchos = [
            max(len(fila[i]) for fila in (encabezado, *cuerpo, totales))
            for i in range(len(encabezado))
        ]

        def linea(celdas):
            partes = []
            for i, (celda, ancho) in enumerate(zip(celdas, anchos, strict=True)):
                # Text columns (first and last) left-aligned, numbers right-aligned.
                partes.append(
                    celda.ljust(ancho) if i in (0, len(anchos) - 1) else celda.rjust(ancho)
                )
            return "  ".join(partes).rstrip()

        separador = "  ".join("-" * a for a in anchos)
        salida = [
            f"Participación proporcional: ρ = {formato_monto(r.rho)} kg, θ con {r.precision} decimales",
            "",
            linea(encabezado),
            separador,
            *(linea(f) for f in cuerpo),
            separador,
            linea(totales),
            "",
            f"No asignado (queda en el subcupo): {formato_monto(r.no_asignado)} kg",
        ]
        if any(f.theta_ajustada for f in r.filas):
            unidad = Decimal(1).scaleb(-r.precision)
            salida.append(
                f"* θ reducida en {unidad} para que la suma de participaciones no exceda 1 "
                "(se ajusta la fila con mayor error de redondeo hacia arriba)."
            )
        return "\n".join(salida)
