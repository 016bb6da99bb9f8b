"""Rules of the "datos de la solicitud" step (cupos.asignacion.validar_datos /
normalizar_datos), tested directly: no HTTP, no database (unsaved subcupos)."""

from decimal import Decimal as D

import pytest

from cupos.asignacion import estrategias, registro
from cupos.asignacion.forms import DatosSolicitudForm
from cupos.models import Criterio, Cupo, Subcupo


def subcupo(criterio, **parametros):
    return Subcupo(
        cupo=Cupo(unidad="kg"), criterio=criterio, parametros=parametros or {}, ventana={}
    )


CONSUMO = subcupo(Criterio.CONSUMO_AUDITADO)
PROPORCIONAL = subcupo(Criterio.PROPORCIONAL)
RESIDUAL = subcupo(Criterio.BOLSA_RESIDUAL, ejercicio_minimo="0.70")

CAPACIDAD_COMPLETA = {
    "monto_solicitado": D("100"),
    "consumo_auditado_12m": D("80"),
    "incremento_capacidad": True,
    "capacidad_anterior": D("10"),
    "capacidad_actual": D("20"),
    "consumo_asignacion_anterior": D("70"),
}
INDUSTRIAL = {
    "declara_no_comercializar": True,  # issue 9: every D applicant declares it
    "monto_solicitado": D("1000"),
    "monto_factura": D("1000"),
    "es_industrial": True,
    "asignado_anio_anterior": D("1000"),
    "monto_ejercido_anterior": D("700"),
}


# ------------------------------------------------------------------ consumo auditado (avena)


def test_consumo_sin_incremento_no_exige_capacidades():
    datos = {"monto_solicitado": D("100"), "consumo_auditado_12m": D("80")}
    assert registro.validar_datos(CONSUMO, {**datos, "incremento_capacidad": False}) == {}


def test_consumo_incremento_completo_es_valido():
    assert registro.validar_datos(CONSUMO, CAPACIDAD_COMPLETA) == {}


def test_consumo_incremento_exige_las_tres_capacidades_juntas():
    datos = {**CAPACIDAD_COMPLETA, **dict.fromkeys(estrategias.CAMPOS_INCREMENTO)}
    assert registro.validar_datos(CONSUMO, datos) == {
        "capacidad_anterior": ["Requerido para considerar el incremento de capacidad."],
        "capacidad_actual": ["Requerido para considerar el incremento de capacidad."],
        "consumo_asignacion_anterior": ["Requerido para considerar el incremento de capacidad."],
    }


@pytest.mark.parametrize("campo", estrategias.CAMPOS_INCREMENTO)
def test_consumo_incremento_falta_una_capacidad(campo):
    datos = {**CAPACIDAD_COMPLETA, campo: None}
    assert registro.validar_datos(CONSUMO, datos) == {
        campo: ["Requerido para considerar el incremento de capacidad."]
    }


def test_consumo_capacidad_anterior_cero_rechazada():
    datos = {**CAPACIDAD_COMPLETA, "capacidad_anterior": D("0")}
    assert registro.validar_datos(CONSUMO, datos) == {
        "capacidad_anterior": ["Debe ser mayor que cero."]
    }


def test_consumo_normalizar_descarta_capacidades_sin_incremento():
    datos = {**CAPACIDAD_COMPLETA, "incremento_capacidad": False}
    limpios = registro.normalizar_datos(CONSUMO, datos)
    assert all(limpios[c] is None for c in estrategias.CAMPOS_INCREMENTO)
    assert limpios["consumo_auditado_12m"] == D("80")
    assert datos["capacidad_anterior"] == D("10")  # the input is not modified


def test_consumo_normalizar_conserva_capacidades_con_incremento():
    assert registro.normalizar_datos(CONSUMO, CAPACIDAD_COMPLETA) == CAPACIDAD_COMPLETA


# ------------------------------------------------------------------ proporcional (lácteos B)


def test_proporcional_no_pide_ni_usa_el_monto_del_anio_anterior_declarado():
    """Issue 9: θ comes from our records; the "datos" step neither asks for the previous-year
    amount nor keeps one sent anyway (eligibility is decided at the Cupo step)."""
    datos = {"asignado_anio_anterior": D("5000"), "consumo_total_auditado": D("9000")}
    assert registro.validar_datos(PROPORCIONAL, datos) == {}
    assert registro.normalizar_datos(PROPORCIONAL, datos)["asignado_anio_anterior"] is None
    form = DatosSolicitudForm(subcupo=PROPORCIONAL)
    assert "asignado_anio_anterior" not in form.fields
    assert "consumo_total_auditado" in form.fields


# ------------------------------------------------------------------ bolsa residual (lácteos D)


def test_residual_no_industrial_no_exige_asignacion_anterior():
    datos = {
        "monto_solicitado": D("10"),
        "monto_factura": D("10"),
        "es_industrial": False,
        "declara_no_comercializar": True,
    }
    assert registro.validar_datos(RESIDUAL, datos) == {}


def test_residual_industrial_que_acredita_el_minimo_es_valido():
    assert registro.validar_datos(RESIDUAL, INDUSTRIAL) == {}


def test_residual_industrial_exige_anterior_y_ejercido():
    datos = {**INDUSTRIAL, "asignado_anio_anterior": None, "monto_ejercido_anterior": None}
    assert registro.validar_datos(RESIDUAL, datos) == {
        "asignado_anio_anterior": ["Indique el monto de su asignación anterior (mayor que cero)."],
        "monto_ejercido_anterior": ["Indique el monto ejercido."],
    }


def test_residual_industrial_anterior_cero_rechazado():
    datos = {**INDUSTRIAL, "asignado_anio_anterior": D("0")}
    assert registro.validar_datos(RESIDUAL, datos) == {
        "asignado_anio_anterior": ["Indique el monto de su asignación anterior (mayor que cero)."]
    }


def test_residual_ejercido_mayor_que_anterior_rechazado():
    datos = {**INDUSTRIAL, "monto_ejercido_anterior": D("1000.001")}
    assert registro.validar_datos(RESIDUAL, datos) == {
        "monto_ejercido_anterior": [
            "El monto ejercido no puede ser mayor que la asignación anterior."
        ]
    }


def test_residual_ejercido_menor_al_minimo_rechazado():
    datos = {**INDUSTRIAL, "monto_ejercido_anterior": D("699")}
    assert registro.validar_datos(RESIDUAL, datos) == {
        "monto_ejercido_anterior": [
            "Los pedimentos acreditan el ejercicio del 69.90 % de la asignación anterior; "
            "se requiere al menos el 70 %."
        ]
    }


def test_residual_minimo_de_ejercicio_viene_del_subcupo():
    estricto = subcupo(Criterio.BOLSA_RESIDUAL, ejercicio_minimo="0.90")
    errores = registro.validar_datos(estricto, INDUSTRIAL)
    assert "se requiere al menos el 90 %" in errores["monto_ejercido_anterior"][0]


def test_residual_normalizar_descarta_anterior_de_no_industrial():
    limpios = registro.normalizar_datos(RESIDUAL, {**INDUSTRIAL, "es_industrial": False})
    assert limpios["asignado_anio_anterior"] is None
    assert limpios["monto_ejercido_anterior"] is None
    assert limpios["monto_factura"] == D("1000")
    assert registro.normalizar_datos(RESIDUAL, INDUSTRIAL) == INDUSTRIAL


# ------------------------------------------------------------------ other criterios


@pytest.mark.parametrize("criterio", [Criterio.MONTO_FIJO, Criterio.PRIMERO_EN_TIEMPO])
def test_criterios_sin_reglas_de_datos(criterio):
    datos = {"monto_solicitado": D("1"), "asignado_anio_anterior": D("0")}
    assert registro.validar_datos(subcupo(criterio), datos) == {}
    assert registro.normalizar_datos(subcupo(criterio), datos) == datos


# ------------------------------------------------------------------ the form calls the service


def test_el_formulario_adjunta_los_errores_del_servicio_a_cada_campo():
    form = DatosSolicitudForm(
        data={
            "monto_solicitado": "1000",
            "monto_factura": "1000",
            "es_industrial": "on",
            "asignado_anio_anterior": "1000",
            "monto_ejercido_anterior": "1200",
            "declara_no_comercializar": "on",
        },
        subcupo=RESIDUAL,
    )
    assert not form.is_valid()
    assert form.errors == {
        "monto_ejercido_anterior": [
            "El monto ejercido no puede ser mayor que la asignación anterior."
        ]
    }


def test_el_formulario_normaliza_con_el_servicio():
    form = DatosSolicitudForm(
        data={
            "monto_solicitado": "100",
            "consumo_auditado_12m": "80",
            "capacidad_anterior": "10",
            "capacidad_actual": "20",
        },
        subcupo=CONSUMO,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["capacidad_anterior"] is None
    assert form.cleaned_data["capacidad_actual"] is None
