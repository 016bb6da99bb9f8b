"""Allocation mechanisms are strategy classes registered by criterio."""

from cupos.asignacion import registro
from cupos.asignacion.asistente import CAMPOS_DATOS
from cupos.asignacion.mecanismo import Mecanismo
from cupos.models import Criterio


def test_cada_criterio_con_calculo_tiene_su_estrategia():
    assert set(registro.MECANISMOS) == set(Criterio.values) - {Criterio.LICITACION}
    for criterio, mecanismo in registro.MECANISMOS.items():
        assert isinstance(mecanismo, Mecanismo) and mecanismo.criterio == criterio
    # licitación: no data fields, no rules, no documents, no proposal
    ninguno = registro.mecanismo_de(Criterio.LICITACION)
    assert type(ninguno) is Mecanismo and ninguno.campos_datos("kilogramos", 3) == {}


def test_los_campos_de_cada_estrategia_son_datos_de_la_solicitud():
    for mecanismo in registro.MECANISMOS.values():
        campos = set(mecanismo.campos_datos("kilogramos", 3)) - {"incremento_capacidad"}
        assert campos <= set(CAMPOS_DATOS), mecanismo
