"""Services run by the wizard and at signing: helpers, replication, reactivation, oficios."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from acuses.models import Documento
from acuses.services import obtener_pdf
from raoce import trabajos
from raoce.models import EstatusPrograma, TipoPrograma
from raoce.reporte import compromisos, domicilios, presentacion, programas
from tests.raoce.conftest import crear_programa, crear_reporte, firmar
from tramites.models import Notificacion
from tramites.services import TramiteError, historial
from vucem.models import Domicilio

D = dt.date
V, S, C = EstatusPrograma.VIGENTE, EstatusPrograma.SUSPENDIDO, EstatusPrograma.CANCELADO
pytestmark = pytest.mark.django_db


def texto_pdf(doc) -> str:
    lector = PdfReader(io.BytesIO(obtener_pdf(doc)))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in lector.pages)


# -- wizard helpers ------------------------------------------------------------------------


def test_programas_a_reportar(lacteos, immex, prosec_ligado):
    assert programas.programas_a_reportar(lacteos, 2023) == [immex, prosec_ligado]
    crear_programa(lacteos, TipoPrograma.ECEX, "E-1", estatus=C)
    crear_programa(lacteos, TipoPrograma.ALTEX, "A-1", fecha_autorizacion=D(2024, 1, 10))
    assert programas.programas_a_reportar(lacteos, 2023) == [immex, prosec_ligado]
    reporte = crear_reporte(
        lacteos, [immex, prosec_ligado], periodo=2023, ventas=1, exportaciones=1
    )
    firmar(reporte, en=D(2024, 5, 2))
    assert programas.programas_a_reportar(lacteos, 2023) == []


def test_domicilios(lacteos):
    assert domicilios.domicilios_invalidos(lacteos) == []
    assert domicilios.validar_domicilios(lacteos) is None
    casa = Domicilio.objects.create(
        persona=lacteos,
        tipo=Domicilio.Tipo.CASA_HABITACION,
        calle="PRIVADA LAS ROSAS",
        municipio="CELAYA",
    )
    bodega = Domicilio.objects.create(
        persona=lacteos, tipo=Domicilio.Tipo.BODEGA, calle="BODEGA 4", localizado=False
    )
    assert domicilios.domicilios_invalidos(lacteos) == [casa, bodega]
    mensaje = domicilios.validar_domicilios(lacteos)
    assert mensaje == domicilios.mensaje_domicilios([casa, bodega])
    assert "PRIVADA LAS ROSAS" in mensaje and "Casa Habitación" in mensaje
    assert "no localizado" in mensaje
    assert "SAT" in mensaje and "localizado" in mensaje
    for tipo in (
        "Local Comercial",
        "Industrias, Fábricas y Talleres",
        "Bodega",
        "Terrenos Agropecuarios",
    ):
        assert tipo in mensaje


def test_sin_domicilio_de_planta(db):
    from tests.soporte.personas import crear_persona

    persona = crear_persona("moral")
    assert domicilios.domicilios_invalidos(persona) == []
    assert "ningún domicilio de planta" in domicilios.validar_domicilios(persona)


def test_requiere_importaciones_y_bienes(immex, prosec_ligado, prosec_solo, altex, ecex):
    assert not programas.requiere_importaciones([immex, prosec_ligado])
    assert not programas.requiere_importaciones([immex])  # its PROSEC is linked
    assert programas.requiere_importaciones([prosec_solo])
    assert programas.requiere_importaciones([altex, ecex])
    solo = crear_programa(altex.persona, TipoPrograma.IMMEX, "IMMEX-SOLO")
    assert programas.requiere_importaciones([solo])
    assert programas.requiere_bienes([prosec_solo])
    assert not programas.requiere_bienes([immex, prosec_ligado])
    assert not programas.requiere_bienes([])


# -- al_presentar_reporte --------------------------------------------------------------------


def test_immex_replica_al_prosec_ligado_y_reactiva_ambos(
    lacteos, immex, prosec_ligado, tipos_cambio
):
    for p in (immex, prosec_ligado):
        p.estatus, p.periodo_suspension = S, 2023
        p.save()
    # The wizard may put only the IMMEX: its linked PROSEC is added (replication).
    reporte = crear_reporte(lacteos, [immex], periodo=2023, ventas="1000", exportaciones="1000")
    documentos = firmar(reporte, en=D(2024, 6, 10), efectos=True)
    assert documentos == []
    assert set(reporte.programas.all()) == {immex, prosec_ligado}
    for p in (immex, prosec_ligado):
        p.refresh_from_db()
        assert p.estatus == V
        assert p.periodo_suspension is None
        ultimo = list(historial(p))[-1]
        assert (ultimo.estado_anterior, ultimo.estado_nuevo) == (S, V)
        assert reporte.solicitud.folio in ultimo.motivo
    assert "replicado" in list(historial(prosec_ligado))[-1].motivo
    assert (
        Notificacion.objects.filter(persona=lacteos, asunto__startswith="Reactivación").count() == 2
    )
    # No second report can cover them for 2023.
    assert programas.programas_a_reportar(lacteos, 2023) == []
    reporte.refresh_from_db()
    assert reporte.tipo_cambio == Decimal("17.7617")
    acuse = Documento.objects.get(solicitud=reporte.solicitud, tipo=Documento.Tipo.ACUSE)
    lineas = {linea["etiqueta"]: linea["valor"] for linea in acuse.contexto["lineas"]}
    assert "PROSEC 2019-8664 (replicado del reporte IMMEX)" in lineas["Programas presentados"]
    assert lineas["Compromiso IMMEX 83-2019"].startswith("Cumple")
    assert lineas["Total exportaciones en dólares"] == "USD 56,300.92"
    texto = texto_pdf(acuse)
    assert "Compromiso IMMEX 83-2019" in texto


def test_presentado_despues_de_la_ultima_fecha_no_reactiva(lacteos, immex, prosec_ligado):
    prosec_ligado.estatus, prosec_ligado.periodo_suspension = S, 2023
    prosec_ligado.save()
    reporte = crear_reporte(
        lacteos, [immex, prosec_ligado], periodo=2023, ventas=10, exportaciones=0
    )
    firmar(reporte, en=D(2024, 6, 29), efectos=True)  # PROSEC's última fecha: 28/06/2024
    prosec_ligado.refresh_from_db()
    assert prosec_ligado.estatus == S


def test_suspension_manual_no_se_levanta_al_reportar(lacteos, immex):
    immex.estatus = S  # suspended in the back-office, not for the RAOCE
    immex.save()
    reporte = crear_reporte(lacteos, [immex], periodo=2023, ventas=10, exportaciones=5)
    firmar(reporte, en=D(2024, 5, 10), efectos=True)
    immex.refresh_from_db()
    assert immex.estatus == S


def test_immex_sin_tipo_de_cambio_se_evalua_por_porcentaje(lacteos, immex):
    reporte = crear_reporte(lacteos, [immex], periodo=2023, ventas="1000", exportaciones="50")
    assert firmar(reporte, en=D(2024, 5, 10), efectos=True) == []
    acuse = Documento.objects.get(solicitud=reporte.solicitud, tipo=Documento.Tipo.ACUSE)
    valores = [linea["valor"] for linea in acuse.contexto["lineas"]]
    assert any(v.startswith("No cumple") and "sin tipo de cambio" in v for v in valores)


@pytest.mark.parametrize(
    "ventas, exportaciones, directa, cumple",
    [
        ("100000", "40000", True, True),  # exactly 40 %
        ("100000", "39999", True, False),  # 39.999 %, but USD 2,251,980.38 ≥ 2 M: meets
        ("1000000", "36000", True, True),  # 3.6 % but USD 2,026,833.02 ≥ 2,000,000
        ("100000", "35000", True, False),  # 35 %, USD 1,970,532.10
        ("100000", "50000", False, True),
        ("100000", "49999", False, False),
    ],
)
def test_regla_altex(altex, ventas, exportaciones, directa, cumple):
    altex.exportacion_directa = directa
    tc = Decimal("17.7617")
    ev = compromisos.evaluar_programa(altex, Decimal(ventas), Decimal(exportaciones), tc)
    usd = compromisos.a_dolares(Decimal(exportaciones), tc)
    if directa and usd >= Decimal("2000000"):
        assert ev.cumple
    else:
        assert ev.cumple is cumple


def test_regla_ecex_e_immex(ecex, immex):
    tc = Decimal("20")
    assert compromisos.evaluar_programa(
        ecex, Decimal("1000000"), Decimal("5000"), tc
    ).cumple  # USD 250,000
    assert not compromisos.evaluar_programa(
        ecex, Decimal("1000000"), Decimal("4999.999"), tc
    ).cumple
    assert compromisos.evaluar_programa(immex, Decimal("1000"), Decimal("100"), None).cumple  # 10 %
    assert not compromisos.evaluar_programa(immex, Decimal("100000"), Decimal("9999"), tc).cumple
    # USD 500,000 exactly is not "superior a"; one peso more is.
    assert not compromisos.evaluar_programa(immex, Decimal("1000000"), Decimal("10000"), tc).cumple
    assert compromisos.evaluar_programa(immex, Decimal("1000000"), Decimal("10000.001"), tc).cumple


def test_altex_y_ecex_que_cumplen_reciben_oficio_de_ratificacion(
    exportadora, altex, ecex, tipos_cambio
):
    reporte = crear_reporte(
        exportadora, [altex, ecex], periodo=2023, ventas="120000", exportaciones="60000"
    )
    documentos = firmar(reporte, en=D(2024, 5, 20), efectos=True)
    assert [d.titulo for d in documentos] == [
        "Oficio de ratificación de registro de empresa altamente exportadora",
        "Oficio de ratificación de registro de empresa de comercio exterior",
    ]
    for doc in documentos:
        assert doc.tipo == Documento.Tipo.OFICIO  # RAOCE oficios are oficios (issue 6)
        assert doc.folio == reporte.solicitud.folio
        assert doc.contexto["resultado"] == "Registro ratificado"
    texto = texto_pdf(documentos[0])
    assert "OFICIO DE RATIFICACIÓN DE REGISTRO DE EMPRESA ALTAMENTE EXPORTADORA" in texto
    assert "ALTEX-2015-0456" in texto
    assert "60,000.000" in texto and "50.00 %" in texto
    assert "USD 3,378,055.03" in texto  # 60,000 miles de pesos / 17.7617
    assert "17.7617" in texto
    for p in (altex, ecex):
        p.refresh_from_db()
        assert p.estatus == V
    from firma.services import verificar_sello_ventanilla

    assert verificar_sello_ventanilla(
        documentos[0].cadena_ventanilla, documentos[0].sello_ventanilla
    )


def test_altex_por_debajo_recibe_oficio_de_cancelacion(exportadora, altex, ecex, tipos_cambio):
    # 30 % and USD 1,689,027.51: below both ALTEX directa thresholds; ECEX meets USD 250,000.
    reporte = crear_reporte(
        exportadora, [altex, ecex], periodo=2023, ventas="100000", exportaciones="30000"
    )
    documentos = firmar(reporte, en=D(2024, 5, 20), efectos=True)
    cancelacion, ratificacion = documentos
    assert (
        cancelacion.titulo == "Oficio de cancelación de registro de empresa altamente exportadora"
    )
    assert cancelacion.contexto["resultado"] == "Registro cancelado"
    assert (
        ratificacion.titulo == "Oficio de ratificación de registro de empresa de comercio exterior"
    )
    texto = texto_pdf(cancelacion)
    assert "no cumple con el compromiso de exportación" in texto
    assert "cancela el registro ALTEX-2015-0456" in texto
    altex.refresh_from_db()
    assert altex.estatus == C
    registro = list(historial(altex))[-1]
    assert (registro.estado_anterior, registro.estado_nuevo) == (V, C)
    assert reporte.solicitud.folio in registro.motivo
    assert Notificacion.objects.filter(persona=exportadora, asunto__contains="cancelación").exists()


def test_ecex_por_debajo_no_recibe_oficio_ni_cambia(exportadora, ecex, tipos_cambio):
    reporte = crear_reporte(exportadora, [ecex], periodo=2023, ventas="10000", exportaciones="1000")
    assert firmar(reporte, en=D(2024, 5, 20), efectos=True) == []
    ecex.refresh_from_db()
    assert ecex.estatus == V
    acuse = Documento.objects.get(solicitud=reporte.solicitud, tipo=Documento.Tipo.ACUSE)
    assert any("No se emite oficio" in linea["valor"] for linea in acuse.contexto["lineas"])


def test_sin_tipo_de_cambio_aborta_la_firma(exportadora, altex):
    reporte = crear_reporte(exportadora, [altex], periodo=2023, ventas="100", exportaciones="90")
    with pytest.raises(TramiteError) as error:
        firmar(reporte, en=D(2024, 5, 20), efectos=True)
    assert "No está registrado el tipo de cambio promedio de 2023" in error.value.mensaje
    reporte.solicitud.refresh_from_db()
    assert reporte.solicitud.folio is None  # rolled back
    assert not Documento.objects.filter(solicitud=reporte.solicitud).exists()


def test_programa_cancelado_o_ya_reportado_aborta(lacteos, immex, prosec_ligado, tipos_cambio):
    primero = crear_reporte(
        lacteos, [immex, prosec_ligado], periodo=2023, ventas=10, exportaciones=5
    )
    segundo = crear_reporte(lacteos, [immex], periodo=2023, ventas=10, exportaciones=5)
    firmar(primero, en=D(2024, 5, 2), efectos=True)
    with pytest.raises(TramiteError, match="ya presentó el reporte anual de 2023"):
        firmar(segundo, en=D(2024, 5, 3), efectos=True)
    immex.estatus = C
    immex.save()
    tercero = crear_reporte(lacteos, [immex], periodo=2024, ventas=10, exportaciones=5)
    with pytest.raises(TramiteError, match="está cancelado"):
        firmar(tercero, en=D(2025, 5, 3), efectos=True)


def test_programa_de_otra_persona_aborta(lacteos, immex, altex):
    reporte = crear_reporte(lacteos, [immex, altex], periodo=2023, ventas=10, exportaciones=5)
    with pytest.raises(TramiteError, match="no pertenece al solicitante"):
        firmar(reporte, en=D(2024, 5, 3), efectos=True)


def test_sin_firma_es_un_error_de_programacion(lacteos, immex):
    reporte = crear_reporte(lacteos, [immex], periodo=2023, ventas=10, exportaciones=5)
    with pytest.raises(ValueError):
        presentacion.al_presentar_reporte(reporte, usuario=None)


def test_evaluar_compromisos_para_mostrar(exportadora, altex, lacteos, immex):
    reporte = crear_reporte(exportadora, [altex], periodo=2023, ventas="100", exportaciones="90")
    assert compromisos.evaluar_compromisos(reporte, exigir_tipo_cambio=False) == (None, [])
    with pytest.raises(TramiteError):
        compromisos.evaluar_compromisos(reporte)


# -- filing after the cancellation date (the beat job has not run) -------------------------


def test_vencido(lacteos, immex, altex):
    from raoce.plazos import vencido

    assert not vencido(immex, 2023, D(2024, 8, 31))
    assert vencido(immex, 2023, D(2024, 9, 1))
    assert not vencido(altex, 2023, D(2024, 5, 31))
    assert vencido(altex, 2023, D(2024, 6, 1))
    reporte = crear_reporte(lacteos, [immex], periodo=2023, ventas=10, exportaciones=5)
    firmar(reporte, en=D(2024, 8, 31))  # after the 30/08 última fecha: not timely
    assert vencido(immex, 2023, D(2024, 9, 1))
    nuevo = crear_programa(lacteos, TipoPrograma.IMMEX, "N-2024", fecha_autorizacion=D(2024, 2, 1))
    assert not vencido(nuevo, 2023, D(2024, 12, 1))


def test_a_tiempo_no_vence(lacteos, immex):
    from raoce.plazos import vencido

    reporte = crear_reporte(lacteos, [immex], periodo=2023, ventas=10, exportaciones=5)
    firmar(reporte, en=D(2024, 8, 30))
    assert not vencido(immex, 2023, D(2025, 1, 1))


@pytest.mark.parametrize(
    ("fixture", "en", "cancelacion"),
    [("altex", D(2024, 6, 3), "01/06/2024"), ("immex", D(2024, 9, 2), "01/09/2024")],
)
def test_reporte_despues_de_la_cancelacion_se_rechaza_sin_oficio(
    request, lacteos, exportadora, tipos_cambio, fixture, en, cancelacion
):
    programa = request.getfixturevalue(fixture)
    reporte = crear_reporte(
        programa.persona, [programa], periodo=2023, ventas="100", exportaciones="90"
    )
    with pytest.raises(TramiteError) as error:
        firmar(reporte, en=en, efectos=True)
    assert f"Cancelado automáticamente el {cancelacion}" in error.value.mensaje
    reporte.solicitud.refresh_from_db()
    assert reporte.solicitud.folio is None  # rolled back
    assert not Documento.objects.filter(solicitud=reporte.solicitud).exists()


def test_aplicar_vencimientos_cancela_auditado(exportadora, altex, ecex, lacteos, immex):
    assert trabajos.aplicar_vencimientos(exportadora, 2023, D(2024, 5, 31)) == []
    assert trabajos.aplicar_vencimientos(exportadora, 2023, D(2024, 6, 1)) == [altex, ecex]
    altex.refresh_from_db()
    assert altex.estatus == C
    assert [(h.estado_anterior, h.estado_nuevo, h.motivo) for h in historial(altex)] == [
        (V, C, "No presentó el RAOCE 2023 a más tardar el 31/05/2024")
    ]
    immex.refresh_from_db()
    assert immex.estatus == V  # another persona: untouched
    assert trabajos.aplicar_vencimientos(exportadora, 2023, D(2024, 6, 2)) == []  # idempotent


def test_altex_fuera_del_limite_antes_de_cancelarse_no_recibe_ratificacion(
    exportadora, altex, tipos_cambio
):
    # 2025: límite Friday 30/05, cancelación Sunday 01/06; filed Saturday 31/05 (late)
    reporte = crear_reporte(exportadora, [altex], periodo=2024, ventas="100", exportaciones="90")
    assert firmar(reporte, en=D(2025, 5, 31), efectos=True) == []
    acuse = Documento.objects.get(solicitud=reporte.solicitud, tipo="acuse")
    assert "no se emite oficio de ratificación" in str(acuse.contexto)
