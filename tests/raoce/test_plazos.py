"""RAOCE deadlines from the business-day calendar (seed 003's 2024 dates) and who reports."""

import datetime as dt

import pytest

from raoce.models import EstatusPrograma, TipoPrograma
from raoce.plazos import (
    Plazos,
    calcular_plazos,
    debe_reportar,
    plazos_programa,
    primera_cancelacion,
    prosec_con_programa_mayor,
)
from tests.raoce.conftest import crear_programa, crear_reporte, firmar
from tramites.calendario import Calendario
from tramites.models import DiaInhabil

D = dt.date
pytestmark = pytest.mark.django_db


def test_immex_2024_como_la_guia():
    assert calcular_plazos(TipoPrograma.IMMEX, 2024) == Plazos(
        inicio=D(2024, 4, 1),
        limite=D(2024, 5, 31),
        suspension=D(2024, 6, 1),
        ultima_fecha=D(2024, 8, 30),
        cancelacion=D(2024, 9, 1),
    )


def test_prosec_2024_sin_y_con_immex():
    solo = calcular_plazos(TipoPrograma.PROSEC, 2024)
    assert solo == Plazos(
        D(2024, 4, 1), D(2024, 4, 30), D(2024, 5, 1), D(2024, 6, 28), D(2024, 7, 1)
    )
    con = calcular_plazos(TipoPrograma.PROSEC, 2024, prosec_con_immex=True)
    assert con.limite == D(2024, 5, 31)
    assert con.suspension == D(2024, 6, 1)
    assert con.ultima_fecha == D(2024, 6, 28)
    assert con.cancelacion == D(2024, 7, 1)


@pytest.mark.parametrize("tipo", [TipoPrograma.ALTEX, TipoPrograma.ECEX])
def test_altex_ecex_2024(tipo):
    p = calcular_plazos(tipo, 2024)
    assert p == Plazos(D(2024, 4, 1), D(2024, 5, 31), None, None, D(2024, 6, 1))
    assert p.fecha_oportuna == D(2024, 5, 31)


def test_fin_de_semana_y_dia_inhabil_mueven_el_limite():
    # 31 May 2025 is a Saturday: the last business day of May 2025 is Friday 30.
    assert calcular_plazos(TipoPrograma.IMMEX, 2025).limite == D(2025, 5, 30)
    # 30 Aug 2025 is a Saturday too.
    assert calcular_plazos(TipoPrograma.IMMEX, 2025).ultima_fecha == D(2025, 8, 29)
    # A día inhábil declared by the SE (back-office) moves the deadline.
    cal = Calendario(dias_inhabiles=[D(2024, 5, 31)])
    assert calcular_plazos(TipoPrograma.IMMEX, 2024, calendario=cal).limite == D(2024, 5, 30)


def test_dia_inhabil_de_la_bd(db):
    from tramites.models import Dependencia

    DiaInhabil.objects.create(
        dependencia=Dependencia.objects.get(clave="SE"),
        fecha=D(2024, 4, 30),
        descripcion="Día inhábil de prueba",
    )
    assert calcular_plazos(TipoPrograma.PROSEC, 2024).limite == D(2024, 4, 29)


def test_tipo_desconocido():
    with pytest.raises(ValueError):
        calcular_plazos("OTRO", 2024)


def test_prosec_ligado_a_immex_tiene_mayo(immex, prosec_ligado, prosec_solo):
    assert prosec_con_programa_mayor(prosec_ligado)
    assert plazos_programa(prosec_ligado, 2024).limite == D(2024, 5, 31)
    assert not prosec_con_programa_mayor(prosec_solo)
    assert plazos_programa(prosec_solo, 2024).limite == D(2024, 4, 30)
    assert not prosec_con_programa_mayor(immex)


def test_prosec_de_empresa_con_altex_sin_liga_tiene_mayo(exportadora, altex):
    prosec = crear_programa(exportadora, TipoPrograma.PROSEC, "2020-0001")
    assert plazos_programa(prosec, 2024).limite == D(2024, 5, 31)
    altex.estatus = EstatusPrograma.CANCELADO
    altex.save()
    assert plazos_programa(prosec, 2024).limite == D(2024, 4, 30)


# -- debe_reportar -------------------------------------------------------------------------


def test_debe_reportar_vigente_y_suspendido(immex):
    assert debe_reportar(immex, 2023) == (True, "")
    immex.estatus = EstatusPrograma.SUSPENDIDO
    assert debe_reportar(immex, 2023) == (True, "")


def test_cancelado_no_reporta(immex):
    immex.estatus = EstatusPrograma.CANCELADO
    ok, motivo = debe_reportar(immex, 2023)
    assert not ok
    assert "cancelado" in motivo


def test_autorizado_en_el_anio_en_curso_no_reporta(lacteos):
    nuevo = crear_programa(lacteos, TipoPrograma.IMMEX, "99-2024", fecha_autorizacion=D(2024, 2, 1))
    ok, motivo = debe_reportar(nuevo, 2023)
    assert not ok
    assert "autorizado en 2024" in motivo
    # Authorized during the period: it reports.
    antes = crear_programa(
        lacteos, TipoPrograma.IMMEX, "98-2023", fecha_autorizacion=D(2023, 11, 1)
    )
    assert debe_reportar(antes, 2023)[0]


def test_con_reporte_firmado_no_reporta_pero_el_borrador_no_cuenta(lacteos, immex):
    reporte = crear_reporte(lacteos, [immex], periodo=2023, ventas=1000, exportaciones=1000)
    assert debe_reportar(immex, 2023)[0]  # a draft is not a report
    firmar(reporte, en=D(2024, 5, 10))
    ok, motivo = debe_reportar(immex, 2023)
    assert not ok
    assert reporte.solicitud.folio in motivo
    assert debe_reportar(immex, 2024)[0]  # another period


def test_los_reportes_firmados_de_varios_programas_en_una_consulta(
    lacteos, immex, prosec_ligado, django_assert_num_queries
):
    """Issue 8: the programs step and the catálogo read the signed reports of all the
    persona's programs at once; each program gets the folio of its :func:`reporte_firmado`."""
    from raoce.plazos import folios_firmados, reporte_firmado
    from raoce.reporte.programas import programas_a_reportar

    altex = crear_programa(lacteos, TipoPrograma.ALTEX, "1234-2019")
    borrador = crear_reporte(lacteos, [immex, altex], periodo=2023, ventas=1, exportaciones=1)
    assert not folios_firmados([immex, prosec_ligado, altex], 2023)
    tarde = crear_reporte(lacteos, [immex], periodo=2023, ventas=1, exportaciones=1)
    firmar(tarde, en=D(2024, 5, 20))
    firmar(borrador, en=D(2024, 5, 10))
    programas = [immex, prosec_ligado, altex]
    with django_assert_num_queries(1):
        folios = folios_firmados(programas, 2023)
    assert folios == {p.pk: reporte_firmado(p, 2023).solicitud.folio for p in (immex, altex)}
    borrador.solicitud.refresh_from_db()
    assert folios[immex.pk] == borrador.solicitud.folio  # the first one signed
    for p in programas:
        assert debe_reportar(p, 2023, folio_firmado=folios.get(p.pk)) == debe_reportar(p, 2023)
    with django_assert_num_queries(2):  # the programs, their signed reports
        assert programas_a_reportar(lacteos, 2023) == [prosec_ligado]


def test_los_programas_se_leen_con_su_folio_firmado(
    lacteos, immex, prosec_ligado, django_assert_num_queries
):
    """Issue 8: with the period, the persona's programs come with the folio of each one's
    signed report in the same query, and folios_firmados / programas_a_reportar read no more."""
    from raoce.plazos import folios_firmados, reporte_firmado
    from raoce.reporte.programas import programas_a_reportar, todos_los_programas

    altex = crear_programa(lacteos, TipoPrograma.ALTEX, "1234-2019")
    primero = crear_reporte(lacteos, [immex, altex], periodo=2023, ventas=1, exportaciones=1)
    tarde = crear_reporte(lacteos, [immex], periodo=2023, ventas=1, exportaciones=1)
    otro_anio = crear_reporte(lacteos, [prosec_ligado], periodo=2022, ventas=1, exportaciones=1)
    firmar(tarde, en=D(2024, 5, 20))
    firmar(primero, en=D(2024, 5, 10))
    firmar(otro_anio, en=D(2023, 5, 10))
    for periodo in (2022, 2023, 2024):
        with django_assert_num_queries(1):
            todos = todos_los_programas(lacteos, periodo)
            folios = folios_firmados(todos, periodo)
            reportan = programas_a_reportar(lacteos, periodo, todos)
        assert todos == todos_los_programas(lacteos)
        esperados = {p.pk: r.solicitud.folio for p in todos if (r := reporte_firmado(p, periodo))}
        assert folios == esperados == folios_firmados(list(todos_los_programas(lacteos)), periodo)
        assert reportan == programas_a_reportar(lacteos, periodo)
    primero.solicitud.refresh_from_db()
    assert folios_firmados(todos_los_programas(lacteos, 2023), 2023)[immex.pk] == (
        primero.solicitud.folio
    )  # the first one signed
    # read for another period: folios_firmados asks the database
    with django_assert_num_queries(1):
        folios_firmados(todos, 2021)


# -- every date from the calendar module (DESIGN §5) ----------------------------------------


def test_calendario_dia_siguiente_y_primer_dia_del_mes():
    from tramites.calendario import dia_siguiente, primer_dia_del_mes

    assert dia_siguiente(D(2024, 5, 31)) == D(2024, 6, 1)  # a Saturday: natural days
    assert dia_siguiente(D(2024, 12, 31)) == D(2025, 1, 1)
    assert primer_dia_del_mes(2024, 9) == D(2024, 9, 1)  # a Sunday: natural days


def test_plazos_toman_los_dias_naturales_del_calendario(monkeypatch):
    import raoce.plazos as plazos

    llamadas = []

    def primer_dia(anio, mes):
        llamadas.append(("primer_dia_del_mes", anio, mes))
        return D(anio, mes, 1)

    def siguiente(fecha):
        llamadas.append(("dia_siguiente", fecha))
        return fecha + dt.timedelta(days=1)

    monkeypatch.setattr(plazos, "primer_dia_del_mes", primer_dia)
    monkeypatch.setattr(plazos, "dia_siguiente", siguiente)
    immex = calcular_plazos(TipoPrograma.IMMEX, 2024)
    assert immex.inicio == D(2024, 4, 1) and immex.cancelacion == D(2024, 9, 1)
    assert ("primer_dia_del_mes", 2024, 4) in llamadas
    assert ("primer_dia_del_mes", 2024, 9) in llamadas
    assert ("dia_siguiente", D(2024, 5, 31)) in llamadas
    calcular_plazos(TipoPrograma.PROSEC, 2024)
    calcular_plazos(TipoPrograma.ALTEX, 2024)
    assert ("primer_dia_del_mes", 2024, 7) in llamadas
    assert ("primer_dia_del_mes", 2024, 6) in llamadas
    assert ("dia_siguiente", D(2024, 4, 30)) in llamadas


def test_el_trabajo_y_el_asistente_abren_en_plazos_inicio(lacteos, immex, monkeypatch):
    """aplicar_plazos and the wizard's window use Plazos.inicio (no second 1 April)."""
    import raoce.plazos as plazos
    from raoce import trabajos
    from raoce.reporte import ventana

    monkeypatch.setattr(plazos, "inicio_ciclo", lambda anio: D(anio, 12, 1))
    assert calcular_plazos(TipoPrograma.IMMEX, 2024).inicio == D(2024, 12, 1)
    assert ventana.inicio_presentacion(2024) == D(2024, 12, 1)
    assert trabajos.aplicar_plazos(D(2024, 9, 10))["cancelados"] == []
    immex.refresh_from_db()
    assert immex.estatus == EstatusPrograma.VIGENTE


def test_plazos_recordados_hasta_que_cambia_un_dia_inhabil(
    db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Issue 8: the SE's deadlines of a kind of program are computed once per process (a
    year's calendar) and forgotten when a día inhábil is saved."""
    from tramites.models import Dependencia

    calcular_plazos(TipoPrograma.PROSEC, 2024)
    with django_assert_num_queries(0):
        assert calcular_plazos(TipoPrograma.PROSEC, 2024).limite == D(2024, 4, 30)
        # a PROSEC with an IMMEX has May's límite: kept apart
        assert calcular_plazos(TipoPrograma.PROSEC, 2024, prosec_con_immex=True).limite == D(
            2024, 5, 31
        )
    with django_capture_on_commit_callbacks(execute=True):
        DiaInhabil.objects.create(
            dependencia=Dependencia.objects.get(clave="SE"),
            fecha=D(2024, 4, 30),
            descripcion="Día inhábil de prueba",
        )
    assert calcular_plazos(TipoPrograma.PROSEC, 2024).limite == D(2024, 4, 29)
    # an explicit calendar is never mixed with the SE's
    sin_inhabiles = Calendario(dias_inhabiles=[])
    assert calcular_plazos(TipoPrograma.PROSEC, 2024, calendario=sin_inhabiles).limite == D(
        2024, 4, 30
    )


def test_primera_cancelacion_es_la_mas_temprana_de_todos_los_programas():
    for anio in (2024, 2025, 2026):
        todas = [calcular_plazos(t, anio).cancelacion for t in TipoPrograma.values]
        todas.append(calcular_plazos(TipoPrograma.PROSEC, anio, prosec_con_immex=True).cancelacion)
        assert primera_cancelacion(anio) == min(todas)
