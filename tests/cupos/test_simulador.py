"""``manage.py cupos simular-proporcional``: the dictaminador's simulator (seed 004 table)."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

BASE_DIR = Path(__file__).resolve().parents[2]

SEMILLA_004 = """empresa,asignado_anio_anterior,consumo_auditado,monto_solicitado
1,"18,500,000.00","60,815,559.00","30,000,000.00"
2,"1,000,000.00","202,000.00","1,000,000.00"
3,"7,000,000.00","80,783,000.00","5,000,000.00"
4,"50,000.00","18,112,000.00","10,000,000.00"
"""
SIN_ENCABEZADO = """1,18500000,60815559,30000000
2,1000000,202000,1000000
3,7000000,80783000,5000000
4,50000,18112000,10000000
"""


@pytest.fixture
def csv_semilla(tmp_path):
    ruta = tmp_path / "semilla004.csv"
    ruta.write_text(SEMILLA_004, encoding="utf-8")
    return ruta


def simular(*args):
    out = io.StringIO()
    call_command("cupos", "simular-proporcional", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("contenido", [SEMILLA_004, SIN_ENCABEZADO, "\ufeff" + SEMILLA_004])
def test_json_reproduce_la_semilla_004(tmp_path, contenido):
    ruta = tmp_path / "filas.csv"
    ruta.write_text(contenido, encoding="utf-8")
    datos = json.loads(simular("--monto", "21200000", "--json", ruta))
    assert [
        (f["empresa"], f["theta"], f["monto_a_asignar"], f["monto_asignado"])
        for f in datos["filas"]
    ] == [
        ("1", "0.697", "14776400", "14776400"),
        ("2", "0.038", "805600", "202000"),
        ("3", "0.263", "5575600", "5000000"),
        ("4", "0.002", "42400", "42400"),
    ]
    assert [f["theta_ajustada"] for f in datos["filas"]] == [False, False, True, False]
    assert datos["totales"] == {
        "asignado_anio_anterior": "26550000",
        "theta": "1.000",
        "monto_a_asignar": "21200000",
        "consumo_auditado": "159912559",
        "monto_solicitado": "46000000",
        "monto_asignado": "20020800",
        "no_asignado": "1179200",
    }
    assert datos["monto"] == "21200000"
    assert datos["precision"] == 3
    # Every quantity is a string (exact decimal), never a float.
    assert all(isinstance(v, str) for v in datos["totales"].values())


def test_tabla_alineada(csv_semilla):
    salida = simular("--monto", "21,200,000", csv_semilla)
    lineas = salida.splitlines()
    assert "ρ = 21,200,000 kg" in lineas[0]
    encabezado = next(linea for linea in lineas if linea.startswith("Empresa"))
    filas = [linea for linea in lineas if linea[:2] in ("1 ", "2 ", "3 ", "4 ")]
    assert len(filas) == 4
    # Right-aligned numeric columns end at the same position as their header.
    fin_asignado = encabezado.index("Monto asignado") + len("Monto asignado")
    for fila, monto in zip(filas, ["14,776,400", "202,000", "5,000,000", "42,400"], strict=True):
        assert fila[fin_asignado - len(monto) : fin_asignado] == monto
    assert "0.263*" in filas[2]
    totales = next(linea for linea in lineas if linea.startswith("TOTALES"))
    assert "20,020,800" in totales and "21,200,000" in totales and "1.000" in totales
    assert "No asignado (queda en el subcupo): 1,179,200 kg" in salida
    assert "θ reducida en 0.001" in salida


def test_rho_con_decimales_da_kilogramos_con_tres_decimales(csv_semilla):
    salida = simular("--monto", "21200000.5", csv_semilla)
    totales = next(linea for linea in salida.splitlines() if linea.startswith("TOTALES"))
    assert "20,020,800.349" in totales and "20,020,800.3495" not in totales
    assert "14,776,400.348 " in salida and "14,776,400.3485" not in salida
    datos = json.loads(simular("--monto", "21200000.5", "--json", csv_semilla))
    assert datos["decimales"] == 3
    assert datos["totales"]["monto_asignado"] == "20020800.349"
    assert datos["totales"]["monto_a_asignar"] == "21200000.499"
    datos = json.loads(simular("--monto", "21200000.5", "--decimales", "0", "--json", csv_semilla))
    assert [f["monto_a_asignar"] for f in datos["filas"]] == [
        "14776400",
        "805600",
        "5575600",
        "42400",
    ]


def test_precision_2(csv_semilla):
    datos = json.loads(simular("--monto", "21200000", "--precision", "2", "--json", csv_semilla))
    assert [f["theta"] for f in datos["filas"]] == ["0.70", "0.04", "0.26", "0.00"]
    assert datos["totales"]["monto_a_asignar"] == "21200000"


def test_nunca_asigna_mas_que_rho(tmp_path):
    ruta = tmp_path / "tercios.csv"
    ruta.write_text("A,15,1000,1000\nB,15,1000,1000\nC,70,1000,1000\n", encoding="utf-8")
    datos = json.loads(simular("--monto", "1000", "--precision", "1", "--json", ruta))
    assert [f["theta"] for f in datos["filas"]] == ["0.1", "0.2", "0.7"]
    assert datos["totales"]["monto_a_asignar"] == "1000"


@pytest.mark.parametrize(
    ("contenido", "monto", "mensaje"),
    [
        ("A,1,2,x\n", "100", "Fila 1, columna «monto_solicitado»: «x» no es un número válido."),
        ("empresa,a,b,c\nA,1,2\n", "100", "Fila 2: se esperaban 4 columnas"),
        ("A,1,2,3\n", "cien", "--monto: «cien» no es un número válido."),
        ("A,1,2,3\n", "-5", "no puede ser negativo"),
        ("A,0,2,3\nB,0,1,1\n", "100", "La suma de los montos asignados el año anterior es cero"),
        (
            "empresa,asignado_anio_anterior,consumo_auditado,monto_solicitado\n",
            "100",
            "no contiene filas",
        ),
        (",1,2,3\n", "100", "Fila 1: falta el nombre de la empresa."),
        ("A,1,2,1.234.5\n", "100", "no es un número válido"),
    ],
)
def test_errores_claros(tmp_path, contenido, monto, mensaje):
    ruta = tmp_path / "malo.csv"
    ruta.write_text(contenido, encoding="utf-8")
    with pytest.raises(CommandError, match=mensaje.replace("(", r"\(").replace(".", r"\.")):
        simular("--monto", monto, ruta)


def test_archivo_inexistente(tmp_path):
    with pytest.raises(CommandError, match="No se encontró el archivo CSV"):
        simular("--monto", "100", tmp_path / "no-existe.csv")


def test_linea_de_comandos_sale_con_error(tmp_path):
    """From the shell a bad file gives a Spanish message and a non-zero exit."""
    proceso = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "cupos",
            "simular-proporcional",
            "--monto",
            "100",
            str(tmp_path / "no-existe.csv"),
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proceso.returncode != 0
    assert "No se encontró el archivo CSV" in proceso.stderr


def test_precision_invalida(tmp_path):
    ruta = tmp_path / "f.csv"
    ruta.write_text("A,1,1,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no es un número entero"):
        simular("--monto", "100", "--precision", "tres", ruta)
