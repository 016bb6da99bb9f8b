"""Reporte anual de programa de la SE (seed 003) through the test client: Solicitante →
Programas presentados por reporte anual → Datos de reporte anual → Firmar; the folio, the
acuse PDF, the cadena original and the effects of presenting the report."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from raoce.models import BienProducido, EstatusPrograma, Programa, ReporteAnual
from raoce.reporte import borrador, importes, ventana
from raoce.reporte.programas import GrupoProgramas, agrupar
from raoce.reporte.reglas import FraccionArancelaria
from tests.firmas import firmar_en
from tests.soporte.personas import (
    crear_capturista,
    crear_domicilio_planta,
    crear_solicitante,
    entrar_como_capturista,
    entrar_como_solicitante,
)
from tramites.models import Solicitud
from tramites.reglas import ReglaError
from tramites.services import historial
from vucem.models import Domicilio

pytestmark = pytest.mark.django_db

PM, PF = 150102, 150101


# ------------------------------------------------------------------ helpers


def anio() -> int:
    return timezone.localdate().year


def periodo() -> int:
    return anio() - 1


def texto_pdf(contenido: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(contenido)).pages)


def crear_programa(
    persona, tipo, numero, *, estatus=EstatusPrograma.VIGENTE, autorizado=None, **kw
):
    kw.setdefault("modalidad", {"IMMEX": "INDUSTRIAL", "PROSEC": "PRODUCTOR DIRECTO"}.get(tipo, ""))
    return Programa.objects.create(
        persona=persona,
        tipo=tipo,
        numero=numero,
        estatus=estatus,
        fecha_autorizacion=autorizado or dt.date(2019, 3, 15),
        **kw,
    )


def url_paso(s, slug):
    return reverse("tramites:paso", args=[s.numero_temporal, slug])


def url_firmar(s):
    return reverse("tramites:firmar", args=[s.numero_temporal])


def iniciar(client, vucem_id=PM) -> Solicitud:
    r = client.post(reverse("tramites:iniciar", args=[vucem_id]))
    assert r.status_code == 302, r.content.decode()[:2000]
    return Solicitud.objects.order_by("-pk").first()


def rechazado(client, vucem_id=PM) -> str:
    """Starting the trámite is refused (issue 9 item 7): back to the catálogo with the
    reason, and no draft is created. Returns the page shown."""
    antes = Solicitud.objects.count()
    r = client.post(reverse("tramites:iniciar", args=[vucem_id]), follow=True)
    assert r.redirect_chain and Solicitud.objects.count() == antes
    return r.content.decode()


def elegir(client, s, programa):
    return client.post(url_paso(s, "programas"), {"grupo": str(programa.pk)})


def datos(client, s, accion="continuar", **valores):
    return client.post(url_paso(s, "datos"), {"accion": accion, **valores})


def bien(
    fraccion="0901.12.01",
    volumen="30000",
    unidad="Kilogramo",
    sector="XXII De la industria del café",
):
    return {
        "bien-clave_sector": sector,
        "bien-fraccion_arancelaria": fraccion,
        "bien-unidad_medida": unidad,
        "bien-volumen": volumen,
    }


def html(r) -> str:
    return r.content.decode()


def principal(r) -> str:
    """The <main> of a response (for assertion messages)."""
    t = html(r)
    return t[t.find("<main") : t.find("</main>")][:4000]


@pytest.fixture
def empresa(db):
    """A persona moral with an allowed plant address: (persona, user)."""
    persona, user = crear_solicitante("moral", actividad_economica="Fabricación de café")
    crear_domicilio_planta(persona)
    return persona, user


@pytest.fixture
def cliente(client, empresa):
    return entrar_como_solicitante(client, empresa[1])


@pytest.fixture
def firmar(fiel, django_capture_on_commit_callbacks):
    """firmar(client, s) → the response of Paso 2 (PDFs rendered after commit)."""

    def _firmar(client, s, persona=None):
        persona = persona or s.solicitante
        with django_capture_on_commit_callbacks(execute=True):
            return firmar_en(client, url_firmar(s), fiel(persona))

    return _firmar


@pytest.fixture
def immex_prosec(empresa):
    persona = empresa[0]
    immex = crear_programa(persona, "IMMEX", "83-2019")
    prosec = crear_programa(
        persona,
        "PROSEC",
        "2019-8664",
        modalidad="PROGRAMA NUEVO PRODUCTOR DIRECTO",
        sector="XXII De la industria del café",
    )
    immex.ligados.add(prosec)
    return immex, prosec


@pytest.fixture
def tipo_cambio(tipos_cambio):
    return tipos_cambio[periodo()]


@pytest.fixture(autouse=True)
def dentro_del_plazo(settings):
    """The wizard and the services act as if today were 15 May of this year
    (``RAOCE_FECHA_SIMULADA``, raoce.plazos.hoy): the window is open and no program is past
    its cancellation date, whatever the real date of the run."""
    settings.RAOCE_FECHA_SIMULADA = dt.date(anio(), 5, 15)


@pytest.fixture
def presentado_a_tiempo(settings):
    """Filed on 15 June of this year (after the IMMEX/PROSEC límite, before their última
    fecha), when a suspended program is reactivated."""
    settings.RAOCE_FECHA_SIMULADA = dt.date(anio(), 6, 15)


# ------------------------------------------------------------------ IMMEX + PROSEC


def test_immex_prosec_flujo_completo(
    cliente, empresa, immex_prosec, tipo_cambio, presentado_a_tiempo, firmar
):
    persona = empresa[0]
    immex, prosec = immex_prosec
    # Late: the PROSEC was suspended automatically for this period; presenting the IMMEX
    # report (replicated to the PROSEC) reactivates it.
    Programa.objects.filter(pk=prosec.pk).update(
        estatus=EstatusPrograma.SUSPENDIDO, periodo_suspension=periodo()
    )

    # Solicitante: read-only datos generales, domicilio fiscal and plant addresses
    r = cliente.get(reverse("tramites:iniciar", args=[PM]))
    assert r.status_code == 200
    t = html(r)
    for texto in (
        persona.rfc,
        persona.nombre,
        "Domicilio fiscal del solicitante",
        "Industrias, Fábricas y Talleres",
        "Fabricación de café",
    ):
        assert texto in t
    s = iniciar(cliente)
    assert s.tramite.vucem_id == PM and s.solicitante == persona and s.es_borrador

    # Programas presentados: period = previous year, IMMEX brings its PROSEC
    t = html(cliente.get(url_paso(s, "programas")))
    assert f"01-{periodo()}" in t and f"12-{periodo()}" in t
    assert "83-2019" in t and "2019-8664" in t and 'data-tipo="IMMEX-PROSEC"' in t
    assert 'data-folio="83-2019,2019-8664"' in t
    assert "Suspendido" in t and "Vigente - Activo" in t
    r = elegir(cliente, s, immex)
    assert r.status_code == 302 and r.url == url_paso(s, "datos")
    reporte = ReporteAnual.objects.get(solicitud=s)
    assert reporte.periodo == periodo()
    assert set(reporte.programas.all()) == {immex, prosec}

    # Datos: importaciones not enabled, no bienes; a and b in miles de pesos
    t = html(cliente.get(url_paso(s, "datos")))
    assert "Ventas totales (a)" in t and "Total exportaciones (b)" in t
    assert 'name="total_importaciones"' not in t and "No se captura" in t
    assert "Relación de bienes producidos" not in t
    assert "miles de pesos" in t and 'id="saldo"' in t and 'id="porcentaje"' in t
    r = datos(cliente, s, ventas_totales="12,500.5", total_exportaciones="10000")
    assert r.status_code == 302 and r.url == url_firmar(s), principal(r)
    reporte.refresh_from_db()
    assert reporte.ventas_totales == Decimal("12500.500")
    assert reporte.total_exportaciones == Decimal("10000.000")
    assert reporte.total_importaciones is None
    assert reporte.saldo == Decimal("10000.000")
    assert reporte.porcentaje_exportacion == Decimal("80.00")
    # computed on the server too (the page shows them without JavaScript)
    t = html(cliente.get(url_paso(s, "datos")))
    assert ">10,000.000</output>" in t and ">80.00</output>" in t

    # Paso 2: resumen with Spanish labels and amounts in miles de pesos
    t = html(cliente.get(url_firmar(s)))
    assert 'id="form-firma"' in t
    for texto in (
        f"01-{periodo()} a 12-{periodo()}",
        "IMMEX-PROSEC",
        "83-2019,2019-8664",
        "12,500.500 miles de pesos",
        "10,000.000 miles de pesos",
        "80.00 %",
        "No se captura (IMMEX con programas ligados)",
    ):
        assert texto in t, texto

    r = firmar(cliente, s)
    assert r.status_code == 302, principal(r)
    s.refresh_from_db()
    assert s.estado == "firmada" and len(s.folio) == 25 and s.folio[2:11] == "015001002"
    assert s.folio.startswith(f"02015001002{anio()}")
    assert s.cadena_original.endswith(
        f"|{periodo()}|IMMEX 83-2019|PROSEC 2019-8664|12500.500|10000.000||10000.000|80.00||"
    )
    # effects of presenting (raoce.reporte.presentacion.al_presentar_reporte)
    prosec.refresh_from_db()
    immex.refresh_from_db()
    assert prosec.estatus == EstatusPrograma.VIGENTE
    assert immex.estatus == EstatusPrograma.VIGENTE

    # acuse PDF
    acuse = s.documentos.get(tipo="acuse")
    r = cliente.get(reverse("acuses:descargar", args=[acuse.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    texto = texto_pdf(r.getvalue())
    assert s.folio in texto.replace(" ", "").replace("\n", "") and persona.rfc in texto
    for cifra in ("12,500.500 miles de pesos", "10,000.000 miles de pesos", "80.00 %"):
        assert cifra in texto, texto

    # the programs reported are no longer listed: a new report cannot be started and the
    # catálogo says why (issue 9 item 7; before, a new draft showed an empty table)
    t = rechazado(cliente)
    assert (
        f"Ninguno de sus programas debe presentar hoy el reporte anual del periodo {periodo()}" in t
    )
    assert "ya presentó el reporte anual" in t


# ------------------------------------------------------------------ PROSEC only


def test_prosec_solo_con_bienes_agregar_y_quitar(cliente, empresa, firmar):
    persona = empresa[0]
    prosec = crear_programa(persona, "PROSEC", "2019-8664", sector="XXII De la industria del café")
    s = iniciar(cliente)
    assert elegir(cliente, s, prosec).status_code == 302
    t = html(cliente.get(url_paso(s, "datos")))
    assert 'name="total_importaciones"' in t and "Relación de bienes producidos" in t
    assert "XXII De la industria del café" in t  # sectors offered from the program

    # Agregar keeps the amounts typed so far and adds the bien
    r = datos(
        cliente,
        s,
        "agregar",
        ventas_totales="1000",
        total_exportaciones="400",
        total_importaciones="100",
        **bien(),
    )
    assert r.status_code == 302
    r = datos(cliente, s, "agregar", **bien("09011202", "1500.25", "Tonelada"))
    assert r.status_code == 302
    r = datos(cliente, s, "agregar", **bien("0901211099", "7", "Pieza"))
    assert r.status_code == 302
    reporte = ReporteAnual.objects.get(solicitud=s)
    bienes = list(reporte.bienes.all())
    assert [b.fraccion_arancelaria for b in bienes] == ["0901.12.01", "0901.12.02", "0901211099"]
    assert [b.orden for b in bienes] == [1, 2, 3]
    assert bienes[1].volumen == Decimal("1500.250") and bienes[1].unidad_medida == "Tonelada"
    assert reporte.ventas_totales == Decimal("1000") and reporte.total_importaciones == Decimal(
        "100"
    )
    t = html(cliente.get(url_paso(s, "datos")))
    assert "0901.12.02" in t and "1,500.250" in t
    # Quitar
    r = datos(cliente, s, f"quitar-{bienes[2].pk}")
    assert r.status_code == 302
    assert reporte.bienes.count() == 2
    # Quitar something that is not there (or not a number): a message, no 500
    for accion in (f"quitar-{bienes[2].pk}", "quitar-xyz"):
        r = datos(cliente, s, accion)
        assert r.status_code == 200 and "no existe" in html(r)

    r = datos(
        cliente, s, ventas_totales="1000", total_exportaciones="400", total_importaciones="100"
    )
    assert r.status_code == 302 and r.url == url_firmar(s)
    t = html(cliente.get(url_firmar(s)))
    assert "Bien producido 2" in t and "1,500.250 Tonelada" in t
    assert "300.000 miles de pesos" in t and "40.00 %" in t

    r = firmar(cliente, s)
    assert r.status_code == 302, principal(r)
    s.refresh_from_db()
    assert s.estado == "firmada"
    assert s.cadena_original.endswith(
        f"|{periodo()}|PROSEC 2019-8664|1000.000|400.000|100.000|300.000|40.00"
        "|XXII De la industria del café|0901.12.01|Kilogramo|30000.000"
        "|XXII De la industria del café|0901.12.02|Tonelada|1500.250||"
    )


def _escrituras(consultas) -> list[str]:
    """The INSERT/UPDATE/DELETE statements among captured queries, as their first words."""
    return [
        " ".join(q["sql"].split()[:3])
        for q in consultas
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_elegir_de_nuevo_lo_mismo_solo_guarda_el_paso(cliente, empresa, immex_prosec):
    """«Continuar» again on the same choice (issue 8): the report, its programs, amounts and
    bienes stay as they are and only the draft's step is written; a different choice, or
    importaciones the choice no longer captures, still go through the full update."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    immex, prosec_ligado = immex_prosec
    prosec = crear_programa(
        empresa[0], "PROSEC", "2020-1000", sector="XXII De la industria del café"
    )
    s = iniciar(cliente)
    assert elegir(cliente, s, prosec).status_code == 302
    datos(
        cliente,
        s,
        "agregar",
        ventas_totales="10",
        total_exportaciones="5",
        total_importaciones="3",
        **bien(),
    )
    reporte = ReporteAnual.objects.get(solicitud=s)
    assert reporte.total_importaciones == Decimal("3") and reporte.bienes.count() == 1

    with CaptureQueriesContext(connection) as q:
        r = elegir(cliente, s, prosec)
    assert r.status_code == 302 and r.url == url_paso(s, "datos")
    escrituras = _escrituras(q.captured_queries)
    assert escrituras == ['UPDATE "tramites_solicitud" SET'], escrituras
    reporte.refresh_from_db()
    assert list(reporte.programas.all()) == [prosec]
    assert reporte.total_importaciones == Decimal("3") and reporte.bienes.count() == 1
    s.refresh_from_db()
    assert s.paso_actual == "programas" and s.datos["programas"]["programas"] == [prosec.pk]
    # once more, with the step already saved as it is: nothing is written at all
    actualizada = s.actualizada
    with CaptureQueriesContext(connection) as q:
        r = elegir(cliente, s, prosec)
    assert r.status_code == 302 and _escrituras(q.captured_queries) == []
    s.refresh_from_db()
    assert s.actualizada == actualizada

    # another choice: the programs are replaced, the bienes (PROSEC only) go
    assert elegir(cliente, s, immex).status_code == 302
    reporte.refresh_from_db()
    assert set(reporte.programas.all()) == {immex, prosec_ligado}
    assert reporte.total_importaciones is None and not reporte.bienes.exists()
    assert s.__class__.objects.get(pk=s.pk).datos["programas"]["programas"] == [
        immex.pk,
        prosec_ligado.pk,
    ]
    # importaciones an IMMEX with a linked PROSEC does not capture: cleared even when the
    # same group is chosen again
    ReporteAnual.objects.filter(pk=reporte.pk).update(total_importaciones=Decimal("7"))
    assert elegir(cliente, s, immex).status_code == 302
    reporte.refresh_from_db()
    assert reporte.total_importaciones is None


def test_prosec_sin_bienes_no_continua_ni_firma(cliente, empresa, fiel):
    prosec = crear_programa(empresa[0], "PROSEC", "2020-1000")
    s = iniciar(cliente)
    elegir(cliente, s, prosec)
    valores = {"ventas_totales": "10", "total_exportaciones": "5", "total_importaciones": "1"}
    r = datos(cliente, s, **valores)
    assert r.status_code == 200 and "Agregue al menos un bien producido" in html(r)
    # a bien typed but not added is not silently lost
    r = datos(cliente, s, **valores, **bien())
    assert r.status_code == 200 and "sin agregarlo" in html(r)
    t = html(cliente.get(url_firmar(s)))
    assert "Agregue al menos un bien producido" in t and 'id="form-firma"' not in t
    r = firmar_en(cliente, url_firmar(s), fiel(empresa[0]))
    s.refresh_from_db()
    assert s.es_borrador and not s.folio


# ------------------------------------------------------------------ ALTEX / suspended


def test_altex_ratificado_con_oficio(cliente, empresa, tipo_cambio, firmar):
    altex = crear_programa(empresa[0], "ALTEX", "ALTEX-2018-001", exportacion_directa=True)
    s = iniciar(cliente)
    elegir(cliente, s, altex)
    r = datos(
        cliente, s, ventas_totales="100000", total_exportaciones="60000", total_importaciones="1000"
    )
    assert r.status_code == 302, principal(r)
    t = html(cliente.get(url_firmar(s)))
    assert "Compromiso ALTEX ALTEX-2018-001" in t
    assert "Cumple: exportador directo" in t
    assert "al firmar se emitirá el oficio de ratificación" in t
    assert "oficio de cancelación" not in t
    r = firmar(cliente, s)
    assert r.status_code == 302, principal(r)
    s.refresh_from_db()
    assert s.estado != "borrador" and s.folio
    altex.refresh_from_db()
    assert altex.estatus == EstatusPrograma.VIGENTE
    oficio = s.documentos.get(tipo="oficio")  # RAOCE oficios are oficios (issue 6)
    assert "atificaci" in oficio.titulo
    r = cliente.get(reverse("acuses:descargar", args=[oficio.pk]))
    assert r.status_code == 200
    texto = texto_pdf(r.getvalue())
    assert "RATIFICACI" in texto.upper() and empresa[0].rfc in texto
    # the registrada page lists the acuse and the oficio
    t = html(cliente.get(reverse("tramites:registrada", args=[s.numero_temporal])))
    assert s.folio in t and oficio.titulo in t


@pytest.mark.parametrize("valor", ["0", "-1"])
def test_tipo_de_cambio_no_positivo_aborta_la_firma_sin_error_500(
    cliente, empresa, tipo_cambio, firmar, valor
):
    from raoce.models import TipoCambio

    TipoCambio.objects.filter(pk=tipo_cambio.pk).update(pesos_por_dolar=Decimal(valor))
    altex = crear_programa(empresa[0], "ALTEX", "ALTEX-2018-003", exportacion_directa=True)
    s = iniciar(cliente)
    elegir(cliente, s, altex)
    r = datos(
        cliente, s, ventas_totales="100000", total_exportaciones="60000", total_importaciones="0"
    )
    assert r.status_code == 302, principal(r)
    r = firmar(cliente, s)
    assert r.status_code in (200, 302)
    t = html(cliente.get(url_firmar(s))) if r.status_code == 302 else html(r)
    assert f"El tipo de cambio promedio de {periodo()} registrado" in t
    assert "debe ser mayor que cero" in t
    s.refresh_from_db()
    altex.refresh_from_db()
    assert s.es_borrador and not s.folio  # the signing rolled back
    assert altex.estatus == EstatusPrograma.VIGENTE
    assert not s.documentos.exists()


def test_firma_avisa_que_sin_tipo_de_cambio_no_se_evalua_el_ecex(cliente, empresa):
    persona = empresa[0]
    ecex = crear_programa(persona, "ECEX", "ECEX-2016-0078")
    s = iniciar(cliente)
    elegir(cliente, s, ecex)
    datos(cliente, s, ventas_totales="100", total_exportaciones="50", total_importaciones="0")
    t = html(cliente.get(url_firmar(s)))  # no TipoCambio registered
    assert "Compromiso ECEX ECEX-2016-0078" in t
    assert "No se puede evaluar: no está registrado un tipo de cambio promedio" in t


def test_tipo_de_cambio_debe_ser_mayor_que_cero():
    from django.core.exceptions import ValidationError

    from raoce.models import TipoCambio

    with pytest.raises(ValidationError) as exc:
        TipoCambio(anio=2030, pesos_por_dolar=Decimal("0")).full_clean()
    assert "pesos_por_dolar" in exc.value.message_dict
    TipoCambio(anio=2030, pesos_por_dolar=Decimal("0.0001")).full_clean()


def test_altex_bajo_porcentaje_oficio_de_cancelacion(cliente, empresa, tipo_cambio, firmar):
    altex = crear_programa(empresa[0], "ALTEX", "ALTEX-2018-002", exportacion_directa=False)
    s = iniciar(cliente)
    elegir(cliente, s, altex)
    datos(cliente, s, ventas_totales="100000", total_exportaciones="10000", total_importaciones="0")
    # the signing page warns before the ALTEX is cancelled
    t = html(cliente.get(url_firmar(s)))
    assert "Compromiso ALTEX ALTEX-2018-002" in t
    assert "No cumple: exportaciones iguales o mayores al 50 % de las ventas totales" in t
    assert "al firmar se emitirá el oficio de cancelación del programa" in t
    r = firmar(cliente, s)
    assert r.status_code == 302, principal(r)
    altex.refresh_from_db()
    assert altex.estatus == EstatusPrograma.CANCELADO
    oficio = s.documentos.get(tipo="oficio")  # RAOCE oficios are oficios (issue 6)
    assert "ancelaci" in oficio.titulo


def test_immex_suspendido_se_reactiva_al_firmar(
    cliente, empresa, tipo_cambio, presentado_a_tiempo, firmar
):
    immex = crear_programa(
        empresa[0],
        "IMMEX",
        "152-2015",
        estatus=EstatusPrograma.SUSPENDIDO,
        periodo_suspension=periodo(),
    )
    s = iniciar(cliente)
    t = html(cliente.get(url_paso(s, "programas")))
    assert "152-2015" in t and "Suspendido" in t
    elegir(cliente, s, immex)
    # IMMEX alone (no linked programs) also captures importaciones
    t = html(cliente.get(url_paso(s, "datos")))
    assert 'name="total_importaciones"' in t
    r = datos(
        cliente, s, ventas_totales="50000", total_exportaciones="45000", total_importaciones="30000"
    )
    assert r.status_code == 302, principal(r)
    r = firmar(cliente, s)
    assert r.status_code == 302, principal(r)
    immex.refresh_from_db()
    assert immex.estatus == EstatusPrograma.VIGENTE


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("valores", "mensaje"),
    [
        ({"ventas_totales": "-5", "total_exportaciones": "1"}, "no puede ser negativo"),
        ({"ventas_totales": "abc", "total_exportaciones": "1"}, "debe ser un número"),
        ({"ventas_totales": "1e3", "total_exportaciones": "1"}, "debe ser un número"),
        ({"ventas_totales": "１２", "total_exportaciones": "1"}, "debe ser un número"),
        ({"ventas_totales": "10.1234", "total_exportaciones": "1"}, "como máximo 3 decimales"),
        ({"ventas_totales": "", "total_exportaciones": "1"}, "Capture las ventas totales (a)."),
        (
            {"ventas_totales": "100", "total_exportaciones": "100.001"},
            "no puede ser mayor que las ventas totales",
        ),
        ({"ventas_totales": "9" * 16, "total_exportaciones": "1"}, "demasiado grande"),
        ({"ventas_totales": "1" * 41, "total_exportaciones": "1"}, "demasiados dígitos"),
    ],
)
def test_importes_invalidos(cliente, immex_prosec, valores, mensaje):
    s = iniciar(cliente)
    elegir(cliente, s, immex_prosec[0])
    r = datos(cliente, s, **valores)
    assert r.status_code == 200
    t = html(r)
    assert mensaje in t and "Revise lo siguiente" in t and "is-invalid" in t
    reporte = ReporteAnual.objects.get(solicitud=s)
    assert reporte.ventas_totales is None and reporte.total_exportaciones is None
    assert "datos" not in Solicitud.objects.get(pk=s.pk).datos


def test_importaciones_obligatorias_cuando_aplican(cliente, empresa):
    prosec = crear_programa(empresa[0], "PROSEC", "2020-1000")
    s = iniciar(cliente)
    elegir(cliente, s, prosec)
    r = datos(cliente, s, ventas_totales="10", total_exportaciones="5")
    assert r.status_code == 200 and "Capture el total de importaciones (c)." in html(r)
    # IMMEX with linked PROSEC: importaciones posted anyway are ignored
    immex = crear_programa(empresa[0], "IMMEX", "83-2020")
    immex.ligados.add(prosec)
    s2 = iniciar(cliente)
    elegir(cliente, s2, immex)
    r = datos(cliente, s2, ventas_totales="10", total_exportaciones="5", total_importaciones="999")
    assert r.status_code == 302
    assert ReporteAnual.objects.get(solicitud=s2).total_importaciones is None


@pytest.mark.parametrize(
    ("campos", "mensaje"),
    [
        (bien(fraccion="0901.12"), "La fracción arancelaria debe tener el formato"),
        (bien(fraccion="090112011"), "La fracción arancelaria debe tener el formato"),
        (bien(fraccion="ABCD.EF.GH"), "La fracción arancelaria debe tener el formato"),
        (bien(fraccion=""), "Capture la fracción arancelaria"),
        (bien(volumen="0"), "debe ser mayor que cero"),
        (bien(volumen="-1"), "no puede ser negativo"),
        (bien(volumen="1.0001"), "como máximo 3 decimales"),
        (bien(unidad="Costal"), "Seleccione una unidad de medida de la lista."),
        (bien(sector="I Industria eléctrica"), "Seleccione un sector autorizado de la lista."),
    ],
)
def test_bienes_invalidos(cliente, empresa, campos, mensaje):
    prosec = crear_programa(
        empresa[0], "PROSEC", "2020-1000", sector="XXII De la industria del café"
    )
    s = iniciar(cliente)
    elegir(cliente, s, prosec)
    r = datos(cliente, s, "agregar", **campos)
    assert r.status_code == 200
    assert mensaje in html(r)
    assert not BienProducido.objects.exists()


def test_sin_programas_mensaje_claro(cliente, empresa):
    # issue 9 item 7: no draft is opened without a program that must report
    t = rechazado(cliente)
    assert "No hay programas de la Secretaría de Economía registrados para su RFC" in t
    assert not ReporteAnual.objects.exists()


def test_programas_autorizados_este_anio_o_cancelados_no_se_listan(cliente, empresa):
    persona = empresa[0]
    nuevo = crear_programa(persona, "IMMEX", "200-NUEVO", autorizado=dt.date(anio(), 1, 10))
    cancelado = crear_programa(persona, "PROSEC", "2015-0001", estatus=EstatusPrograma.CANCELADO)
    # issue 9 item 7: with none that must report, no draft; the catálogo says why
    t = rechazado(cliente)
    assert f"autorizado en {anio()}" in t and "cancelado" in t
    assert not ReporteAnual.objects.exists()
    # with one that must report, only that one is offered; the others cannot be posted
    vigente = crear_programa(persona, "ECEX", "ECEX-2010-5")
    s = iniciar(cliente)
    for p in (nuevo, cancelado):
        assert elegir(cliente, s, p).status_code == 200
    t = html(cliente.get(url_paso(s, "programas")))
    assert "ECEX-2010-5" in t and "200-NUEVO" not in t and "2015-0001" not in t
    assert elegir(cliente, s, nuevo).status_code == 200
    assert elegir(cliente, s, vigente).status_code == 302


def test_pasada_la_cancelacion_el_programa_se_cancela_y_no_se_lista(cliente, empresa, settings):
    """Today past 1 June, an ALTEX without report is cancelled at first use of the wizard
    (audited) even if the beat job has not run; the IMMEX still reports."""
    from tramites.services import historial

    persona = empresa[0]
    settings.RAOCE_FECHA_SIMULADA = dt.date(anio(), 6, 3)
    altex = crear_programa(persona, "ALTEX", "ALTEX-2018-010")
    immex = crear_programa(persona, "IMMEX", "83-2019")
    s = iniciar(cliente)
    t = html(cliente.get(url_paso(s, "programas")))
    assert f'value="{immex.pk}"' in t and f'value="{altex.pk}"' not in t
    assert "Programas que no pueden presentar el reporte anual" in t
    assert (
        f"El programa ALTEX ALTEX-2018-010: Cancelado automáticamente el 01/06/{anio()} por "
        f"no presentar el reporte anual de {periodo()}"
    ) in t
    altex.refresh_from_db()
    assert altex.estatus == EstatusPrograma.CANCELADO
    assert [h.estado_nuevo for h in historial(altex)] == [EstatusPrograma.CANCELADO]
    assert elegir(cliente, s, altex).status_code == 200
    assert not ReporteAnual.objects.filter(programas=altex).exists()


def test_borrador_que_se_firma_despues_de_la_cancelacion_se_rechaza(
    cliente, empresa, tipo_cambio, firmar, settings
):
    """Captured on time (15 May), signed on 2 June: the ALTEX is cancelled, the signing
    refused with the reason, and no oficio de ratificación is issued."""
    altex = crear_programa(empresa[0], "ALTEX", "ALTEX-2018-011", exportacion_directa=True)
    s = iniciar(cliente)
    elegir(cliente, s, altex)
    r = datos(
        cliente, s, ventas_totales="100000", total_exportaciones="60000", total_importaciones="0"
    )
    assert r.status_code == 302, principal(r)
    settings.RAOCE_FECHA_SIMULADA = dt.date(anio(), 6, 2)
    motivo = f"Cancelado automáticamente el 01/06/{anio()} por no presentar el reporte"
    assert motivo in html(cliente.get(url_firmar(s)))
    r = firmar(cliente, s)
    t = html(cliente.get(url_firmar(s))) if r.status_code == 302 else html(r)
    assert motivo in t
    s.refresh_from_db()
    altex.refresh_from_db()
    assert s.es_borrador and not s.folio
    assert altex.estatus == EstatusPrograma.CANCELADO
    assert not s.documentos.exists()


def test_grupo_no_elegido(cliente, immex_prosec):
    s = iniciar(cliente)
    r = cliente.post(url_paso(s, "programas"), {})
    assert r.status_code == 200 and "Seleccione el programa" in html(r)
    r = cliente.post(url_paso(s, "programas"), {"grupo": "abc"})
    assert r.status_code == 200 and "Seleccione uno de los programas" in html(r)
    # Datos before choosing a program goes back to Programas
    r = cliente.get(url_paso(s, "datos"))
    assert r.status_code == 302 and r.url == url_paso(s, "programas")


def test_antes_del_1_de_abril(cliente, immex_prosec, monkeypatch):
    # a draft opened earlier (e.g. in the previous cycle) still refuses the programs
    s = iniciar(cliente)
    monkeypatch.setattr(ventana, "hoy", lambda: dt.date(anio(), 3, 15))
    t = html(cliente.get(url_paso(s, "programas")))
    assert f"a partir del 01/04/{anio()}" in t
    r = elegir(cliente, s, immex_prosec[0])
    assert r.status_code == 200 and f"a partir del 01/04/{anio()}" in html(r)
    assert not ReporteAnual.objects.exists()
    # and no new draft is opened before 1 April (issue 9 item 7)
    t = rechazado(cliente)
    assert f"Disponible a partir del 01/04/{anio()}" in t


@pytest.mark.parametrize("tipo", [Domicilio.Tipo.CASA_HABITACION, "no_localizado"])
def test_domicilio_de_planta_no_valido(client, tipo):
    persona, user = crear_solicitante("moral")
    d = crear_domicilio_planta(
        persona, Domicilio.Tipo.INDUSTRIAS if tipo == "no_localizado" else tipo
    )
    if tipo == "no_localizado":
        Domicilio.objects.filter(pk=d.pk).update(localizado=False)
    crear_programa(persona, "IMMEX", "83-2019")
    entrar_como_solicitante(client, user)
    r = client.get(reverse("tramites:iniciar", args=[PM]))
    t = html(r)
    assert "No es posible presentar el reporte anual" in t
    r = client.post(reverse("tramites:iniciar", args=[PM]))
    assert r.status_code == 200
    assert "No es posible presentar el reporte anual" in html(r)
    assert not Solicitud.objects.exists()


def test_domicilio_invalidado_despues_impide_firmar(cliente, empresa, immex_prosec, fiel):
    s = iniciar(cliente)
    elegir(cliente, s, immex_prosec[0])
    datos(cliente, s, ventas_totales="10", total_exportaciones="5")
    Domicilio.objects.filter(persona=empresa[0]).update(tipo=Domicilio.Tipo.CASA_HABITACION)
    r = firmar_en(cliente, url_firmar(s), fiel(empresa[0]))
    assert r.status_code == 200
    s.refresh_from_db()
    assert s.es_borrador and not s.folio


# ------------------------------------------------------------------ roles and scope


def test_capturista_captura_pero_no_firma(client, empresa, immex_prosec, fiel):
    persona, user = empresa
    capturista = crear_capturista(persona)
    entrar_como_capturista(client, capturista, persona)
    s = iniciar(client)
    assert s.solicitante == persona and s.capturada_por == capturista
    elegir(client, s, immex_prosec[0])
    r = datos(client, s, ventas_totales="10", total_exportaciones="5")
    assert r.status_code == 302
    t = html(client.get(url_firmar(s)))
    assert 'id="form-firma"' not in t and "bandeja de tareas pendientes" in t
    r = firmar_en(client, url_firmar(s), fiel(persona))
    s.refresh_from_db()
    assert s.es_borrador and not s.folio
    # the solicitante signs it from its bandeja
    client.logout()
    entrar_como_solicitante(client, user)
    assert s.numero_temporal in html(client.get(reverse("vucem:bandeja")))
    r = firmar_en(client, url_firmar(s), fiel(persona))
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.estado == "firmada"


def test_solicitud_de_otra_persona_404(client, cliente, immex_prosec):
    s = iniciar(cliente)
    elegir(cliente, s, immex_prosec[0])
    otra, otro_user = crear_solicitante("moral")
    crear_domicilio_planta(otra)
    client.logout()
    entrar_como_solicitante(client, otro_user)
    for url in (url_paso(s, "programas"), url_paso(s, "datos"), url_firmar(s)):
        assert client.get(url).status_code == 404
    assert datos(client, s, ventas_totales="1", total_exportaciones="1").status_code == 404


def test_programa_de_otra_persona_no_se_puede_elegir(cliente, empresa):
    otra, _ = crear_solicitante("moral")
    ajeno = crear_programa(otra, "IMMEX", "99-2010")
    crear_programa(empresa[0], "ECEX", "ECEX-1")
    s = iniciar(cliente)
    r = elegir(cliente, s, ajeno)
    assert r.status_code == 200 and "Seleccione uno de los programas" in html(r)
    assert not ReporteAnual.objects.exists()


# ------------------------------------------------------------------ immutability


def test_reporte_firmado_no_se_modifica(cliente, empresa, immex_prosec, firmar):
    s = iniciar(cliente)
    elegir(cliente, s, immex_prosec[0])
    datos(cliente, s, ventas_totales="100", total_exportaciones="50")
    assert firmar(cliente, s).status_code == 302
    s.refresh_from_db()
    cadena = s.cadena_original
    # the wizard's pages answer with the acuse; posts change nothing
    r = datos(cliente, s, ventas_totales="999", total_exportaciones="1")
    assert r.status_code == 302 and r.url == reverse(
        "tramites:registrada", args=[s.numero_temporal]
    )
    r = cliente.post(url_paso(s, "programas"), {"grupo": str(immex_prosec[0].pk)})
    assert r.status_code == 302
    reporte = ReporteAnual.objects.get(solicitud=s)
    assert reporte.ventas_totales == Decimal("100") and reporte.total_exportaciones == Decimal("50")
    # nor through the services
    with pytest.raises(ReglaError, match="no puede modificarse"):
        borrador.guardar_importes(s, reporte, {"ventas_totales": Decimal("1")}, listo=True)
    with pytest.raises(ReglaError, match="no puede modificarse"):
        borrador.seleccionar_programas(s, GrupoProgramas([immex_prosec[0]]), periodo())
    # signing again is idempotent
    assert firmar(cliente, s).status_code == 302
    s.refresh_from_db()
    assert s.cadena_original == cadena


def test_no_se_reporta_dos_veces_el_mismo_programa(cliente, empresa, immex_prosec, firmar):
    """Two drafts for the same program: once one is signed, the other cannot be."""
    immex = immex_prosec[0]
    s1, s2 = iniciar(cliente), iniciar(cliente)
    for s in (s1, s2):
        elegir(cliente, s, immex)
        datos(cliente, s, ventas_totales="100", total_exportaciones="50")
    assert firmar(cliente, s1).status_code == 302
    r = firmar(cliente, s2)
    assert r.status_code == 200
    assert "no debe presentar el reporte anual" in html(r) or "Ya se presentó" in html(r)
    s2.refresh_from_db()
    assert s2.es_borrador


def test_persona_fisica_150101(client, fiel, tipo_cambio, firmar):
    persona, user = crear_solicitante("fisica")
    crear_domicilio_planta(persona, Domicilio.Tipo.BODEGA)
    ecex = crear_programa(persona, "ECEX", "ECEX-2012-7")
    entrar_como_solicitante(client, user)
    s = iniciar(client, PF)
    assert s.tramite.vucem_id == PF
    elegir(client, s, ecex)
    r = datos(client, s, ventas_totales="0", total_exportaciones="0", total_importaciones="0")
    assert r.status_code == 302
    t = html(client.get(url_firmar(s)))
    assert "0.000 miles de pesos" in t
    r = firmar(client, s, persona)
    assert r.status_code == 302, principal(r)
    s.refresh_from_db()
    assert s.folio[2:11] == "015001001"


# ------------------------------------------------------------------ rules (units)


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("1000", Decimal("1000")),
        ("1,234.5", Decimal("1234.5")),
        (" 0 ", Decimal("0")),
        (".5", Decimal("0.5")),
        ("1.2300", Decimal("1.23")),
        ("999,999,999,999.999", Decimal("999999999999.999")),
    ],
)
def test_parsear_miles(texto, esperado):
    assert importes.parsear_miles(texto, "Ventas totales (a)") == esperado


@pytest.mark.parametrize(
    "texto", ["999999999999999.999", "123456789012345.678", "1000000000000", "1000000000000.0"]
)
@pytest.mark.parametrize(
    "parsear", [lambda t: importes.parsear_miles(t, "Ventas"), importes.parsear_volumen]
)
def test_mas_de_15_digitos_se_rechaza(texto, parsear):
    """SQLite keeps decimals as floats (15 significant digits): a bigger amount or volumen
    would be saved altered or make every later page of the draft fail."""
    with pytest.raises(ReglaError, match="La cantidad es demasiado grande"):
        parsear(texto)


@pytest.mark.parametrize("valor", ["999999999999999.999", "123456789012345.678"])
def test_importes_de_mas_de_15_digitos_no_se_guardan(cliente, immex_prosec, valor):
    s = iniciar(cliente)
    elegir(cliente, s, immex_prosec[0])
    r = datos(cliente, s, ventas_totales=valor, total_exportaciones="1")
    assert r.status_code == 200
    assert "La cantidad es demasiado grande" in html(r)
    reporte = ReporteAnual.objects.get(solicitud=s)
    assert reporte.ventas_totales is None and reporte.total_exportaciones is None
    # Agregar/Quitar save the amounts that parse: the big one is not among them
    r = datos(cliente, s, accion="quitar-999", ventas_totales=valor, total_exportaciones="1")
    reporte.refresh_from_db()
    assert reporte.ventas_totales is None
    for slug in ("programas", "datos"):
        assert cliente.get(url_paso(s, slug)).status_code == 200
    assert cliente.get(url_firmar(s)).status_code in (200, 302)


def test_importes_de_15_digitos_se_conservan_exactos(cliente, immex_prosec):
    s = iniciar(cliente)
    elegir(cliente, s, immex_prosec[0])
    r = datos(
        cliente, s, ventas_totales="999,999,999,999.999", total_exportaciones="123456789012.345"
    )
    assert r.status_code == 302, principal(r)
    reporte = ReporteAnual.objects.get(solicitud=s)
    assert reporte.ventas_totales == Decimal("999999999999.999")
    assert reporte.total_exportaciones == Decimal("123456789012.345")
    t = html(cliente.get(url_firmar(s)))
    assert "999,999,999,999.999 miles de pesos" in t
    assert "123,456,789,012.345 miles de pesos" in t


def test_volumen_de_mas_de_15_digitos_no_se_guarda_y_el_de_15_es_exacto(cliente, empresa):
    prosec = crear_programa(
        empresa[0], "PROSEC", "2019-8664", sector="XXII De la industria del café"
    )
    s = iniciar(cliente)
    elegir(cliente, s, prosec)
    importes = {"ventas_totales": "10", "total_exportaciones": "5", "total_importaciones": "1"}
    r = datos(cliente, s, accion="agregar", **importes, **bien(volumen="123456789012345.678"))
    assert r.status_code == 200 and "La cantidad es demasiado grande" in html(r)
    assert not BienProducido.objects.filter(reporte__solicitud=s).exists()
    r = datos(cliente, s, accion="agregar", **importes, **bien(volumen="999999999999.999"))
    assert r.status_code == 302
    b = BienProducido.objects.get(reporte__solicitud=s)
    b.refresh_from_db()
    assert b.volumen == Decimal("999999999999.999")
    assert cliente.get(url_paso(s, "datos")).status_code == 200


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("0901.12.01", "0901.12.01"),
        ("09011201", "0901.12.01"),
        ("0901120101", "0901120101"),
        ("0901.12.01.01", "0901120101"),
        (" 8471.30.01 ", "8471.30.01"),
    ],
)
def test_normalizar_fraccion(texto, esperado):
    assert FraccionArancelaria.normalizar(texto) == esperado


def test_agrupar_immex_con_ligados(empresa):
    persona = empresa[0]
    immex = crear_programa(persona, "IMMEX", "1")
    prosec = crear_programa(persona, "PROSEC", "2")
    altex = crear_programa(persona, "ALTEX", "3")
    ecex = crear_programa(persona, "ECEX", "4")
    immex.ligados.add(prosec, altex)
    grupos = agrupar([ecex, altex, prosec, immex])
    assert [g.tipo for g in grupos] == ["IMMEX-PROSEC-ALTEX", "ECEX"]
    assert grupos[0].folio == "1,2,3"
    # a linked program that need not report stays out of the group
    assert [g.tipo for g in agrupar([immex, ecex])] == ["IMMEX", "ECEX"]


def test_cambiar_de_programa_limpia_lo_que_ya_no_aplica(cliente, empresa):
    persona = empresa[0]
    prosec = crear_programa(persona, "PROSEC", "2020-1000", sector="XXII De la industria del café")
    immex = crear_programa(persona, "IMMEX", "83-2020")
    otro_prosec = crear_programa(persona, "PROSEC", "2020-2000")
    immex.ligados.add(otro_prosec)
    s = iniciar(cliente)
    t = html(cliente.get(url_paso(s, "programas")))
    assert 'data-tipo="IMMEX-PROSEC"' in t and 'data-tipo="PROSEC"' in t
    elegir(cliente, s, prosec)
    datos(
        cliente,
        s,
        "agregar",
        ventas_totales="10",
        total_exportaciones="5",
        total_importaciones="2",
        **bien(),
    )
    reporte = ReporteAnual.objects.get(solicitud=s)
    assert reporte.bienes.count() == 1 and reporte.total_importaciones == Decimal("2")
    # back to Programas: the IMMEX with its linked PROSEC instead
    t = html(cliente.get(url_paso(s, "programas")))
    assert f'value="{prosec.pk}"' in t and "checked" in t
    assert elegir(cliente, s, immex).status_code == 302
    reporte.refresh_from_db()
    assert set(reporte.programas.all()) == {immex, otro_prosec}
    assert reporte.total_importaciones is None and not reporte.bienes.exists()
    assert reporte.ventas_totales == Decimal("10")  # what still applies is kept
    r = datos(cliente, s, ventas_totales="10", total_exportaciones="5")
    assert r.status_code == 302 and r.url == url_firmar(s)


def test_la_firma_lee_el_reporte_pocas_veces(cliente, empresa, immex_prosec, fiel):
    """Issue 8: a signing request reads the draft's report once, locked in the signing
    transaction, for the checks, the cadena and the acuse; the signing page once. (It used
    to be read again by every rule: 9 times for a signature; then once before the locks and
    once after.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.firmas import cadena_de, firma_navegador

    s = iniciar(cliente)
    elegir(cliente, s, immex_prosec[0])
    datos(cliente, s, ventas_totales="100", total_exportaciones="50")
    del_borrador = f'WHERE "raoce_reporteanual"."solicitud_id" = {s.pk} '

    def lecturas(consultas):
        return [q["sql"] for q in consultas.captured_queries if del_borrador in q["sql"]]

    def con_el_borrador(consultas):  # the draft's query, the report joined to it
        unido = 'LEFT OUTER JOIN "raoce_reporteanual"'
        return [q["sql"] for q in consultas.captured_queries if unido in q["sql"]]

    with CaptureQueriesContext(connection) as pagina:
        r = cliente.get(url_firmar(s))
    assert r.status_code == 200
    # the page reads it once: with the draft (tramites.selectors.RELACIONADOS_BORRADOR)
    assert lecturas(pagina) == [] and len(con_el_borrador(pagina)) == 1, pagina.captured_queries
    with CaptureQueriesContext(connection) as firma:
        r = cliente.post(url_firmar(s), firma_navegador(fiel(empresa[0]), cadena_de(r)))
    assert r.status_code == 302 and r.url.endswith("/registrada/")
    assert len(lecturas(firma)) == 1, lecturas(firma)
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in lecturas(firma)[0]
    s.refresh_from_db()
    assert s.folio and s.documentos.filter(tipo="acuse").exists()


def test_con_worker_la_firma_no_genera_el_pdf_en_la_peticion(
    cliente, empresa, immex_prosec, fiel, monkeypatch, django_capture_on_commit_callbacks
):
    """Issue 8: with a worker configured, the signing request neither renders nor seals the
    acuse's PDF; it queues the rendering (acuses.tasks.generar_pdf) after commit."""
    from celery import current_app

    from acuses import pdf, tasks
    from acuses.models import Documento

    s = iniciar(cliente)
    elegir(cliente, s, immex_prosec[0])
    datos(cliente, s, ventas_totales="100", total_exportaciones="50")

    def prohibido(*a, **k):
        raise AssertionError("el PDF no se genera en la petición de firma")

    encolados = []
    monkeypatch.setattr(pdf, "renderizar_pdf", prohibido)
    monkeypatch.setattr(tasks.generar_pdf, "delay", encolados.append)
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False  # a worker is configured
    try:
        with django_capture_on_commit_callbacks(execute=True):
            r = firmar_en(cliente, url_firmar(s), fiel(empresa[0]))
    finally:
        current_app.conf.task_always_eager = eager
    assert r.status_code == 302 and r.url.endswith("/registrada/")
    acuse = Documento.objects.get(solicitud=s, tipo="acuse")
    assert encolados == [acuse.pk] and not acuse.pdf_generado


# ------------------------------------------------------------------ cost per request (issue 8)


def _sin_sesion(consultas) -> list[str]:
    """The SQL of a request but the session's own (the engine differs: cached_db with Redis)
    and the savepoints of the test's own transaction."""
    return [
        q["sql"]
        for q in consultas.captured_queries
        if '"django_session"' not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


#: Queries of each request (without the session's), a vigente IMMEX. Before issue 8's second
#: pass: 13 / 15 / 15 / 38 (the signing checked the rules before and after its locks; the
#: programs step listed them twice; the menu asked for capturista registrations every page);
#: then 7 / 10 / 9 / 17 (the días inhábiles were read on every request; the programs step
#: read the cancelled programs apart).
MAXIMO_CONSULTAS = {"asistente GET": 2, "asistente POST": 6, "firmar GET": 7, "firmar POST": 16}


def test_consultas_por_peticion_del_asistente_y_la_firma(cliente, empresa, fiel, tipo_cambio):
    """Issue 8: the queries of the wizard's pages and of the signing POST are bounded (not
    timed): a vigente IMMEX, as on the deadline day's benchmark. The signing checks the rules
    once, after its locks, and takes the folio with one statement."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from tests.firmas import cadena_de, firma_navegador
    from tramites.services import nuevo_folio

    immex = crear_programa(empresa[0], "IMMEX", "83-2019")
    s = iniciar(cliente)
    with transaction.atomic():
        nuevo_folio(s.tramite)  # the year's counter exists, as on any day but the first
    cliente.get(url_paso(s, "programas"))  # warm: the idle clock, the content types
    medidas = {}
    with CaptureQueriesContext(connection) as q:
        assert cliente.get(url_paso(s, "programas")).status_code == 200
    medidas["asistente GET"] = _sin_sesion(q)
    with CaptureQueriesContext(connection) as q:
        assert elegir(cliente, s, immex).status_code == 302
    medidas["asistente POST"] = _sin_sesion(q)
    datos(cliente, s, ventas_totales="125000", total_exportaciones="98000", total_importaciones="1")
    with CaptureQueriesContext(connection) as q:
        r = cliente.get(url_firmar(s))
    assert r.status_code == 200
    medidas["firmar GET"] = _sin_sesion(q)
    with CaptureQueriesContext(connection) as q:
        r = cliente.post(url_firmar(s), firma_navegador(fiel(empresa[0]), cadena_de(r)))
    assert r.status_code == 302 and r.url.endswith("/registrada/"), principal(r)
    medidas["firmar POST"] = _sin_sesion(q)
    for paso, maximo in MAXIMO_CONSULTAS.items():
        assert len(medidas[paso]) <= maximo, (paso, len(medidas[paso]), medidas[paso])
    s.refresh_from_db()
    assert s.folio and s.documentos.filter(tipo="acuse").exists()
    assert s.notificaciones.filter(asunto__startswith="Acuse de recepción").exists()
    assert s.estado == "firmada" and historial_de(s)[-1] == ("borrador", "firmada")


def historial_de(s) -> list[tuple[str, str]]:
    return [(r.estado_anterior, r.estado_nuevo) for r in historial(s).order_by("pk")]


def test_paso_programas_sin_armar_consultas_al_repetirse(
    cliente, empresa, immex_prosec, consultas_armadas
):
    """Issue 8: on a repeat visit the programs step reads the draft, its report, the
    persona's programs, their links and signed folios with SQL compiled once per process:
    the ORM builds no query. The IMMEX still brings its linked PROSEC, a program of another
    persona linked to it is not offered, and a saved choice is shown checked."""
    immex, prosec = immex_prosec
    otra, _ = crear_solicitante("moral", rfc="EKU9003173C9", nombre="ESCUELA KEMPER SA DE CV")
    ajeno = crear_programa(otra, "PROSEC", "2019-0001")
    immex.ligados.add(ajeno)
    altex = crear_programa(empresa[0], "ALTEX", "2019-0002")
    s = iniciar(cliente)
    url = url_paso(s, "programas")
    for elegido in (None, immex):
        cliente.get(url)
        consultas_armadas.clear()
        pagina = html(cliente.get(url))
        assert [a for a in consultas_armadas if a != "sessions.Session"] == [], consultas_armadas
        assert pagina.count('name="grupo"') == 2  # IMMEX-PROSEC and the ALTEX alone
        assert f'value="{immex.pk}"' in pagina and f'value="{altex.pk}"' in pagina
        assert "IMMEX-PROSEC" in pagina and ajeno.numero not in pagina
        if elegido is None:
            assert not re.search(r"\schecked\s", pagina)
            assert elegir(cliente, s, immex).status_code == 302
        else:
            assert re.search(rf'value="{immex.pk}"[^>]*\schecked\s', pagina)
    reporte = ReporteAnual.objects.get(solicitud=s)
    assert set(reporte.programas.all()) == {immex, prosec}


def test_el_reporte_se_lee_con_sus_programas(
    cliente, empresa, immex_prosec, django_assert_num_queries
):
    """Issue 8: a draft's report comes with its programs in one query (each step reads
    both); without a report, or with a report left without programs, a second query says so."""
    immex, prosec = immex_prosec
    s = iniciar(cliente)
    with django_assert_num_queries(2):
        assert borrador.reporte_de(s) is None
    elegir(cliente, s, immex)
    fresca = Solicitud.objects.get(pk=s.pk)
    with django_assert_num_queries(1):
        reporte = borrador.reporte_de(fresca)
        programas = borrador.programas_de(reporte)
    assert reporte == ReporteAnual.objects.get(solicitud=s)
    assert reporte.periodo == periodo() and reporte.solicitud_id == s.pk
    assert programas == [immex, prosec]  # IMMEX first, then PROSEC
    assert [p.numero for p in programas] == ["83-2019", "2019-8664"]
    reporte.programas.clear()
    fresca = Solicitud.objects.get(pk=s.pk)
    with django_assert_num_queries(2):
        leido = borrador.reporte_de(fresca)
        assert leido == reporte and borrador.programas_de(leido) == []


def test_paso_programas_lee_borrador_reporte_y_programas_juntos(cliente, empresa, immex_prosec):
    """Issue 8: once a choice is saved, the programs step (GET, and the POST that sends the
    same choice again) reads the draft with its report joined and the persona's programs
    marked with those the report holds (and, as before, the IMMEX's links): three queries,
    not four. The saved choice is still shown checked and a different one replaces it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    immex, prosec = immex_prosec
    altex = crear_programa(empresa[0], "ALTEX", "2019-0002")
    s = iniciar(cliente)
    url = url_paso(s, "programas")
    assert elegir(cliente, s, immex).status_code == 302
    cliente.get(url)  # warm: the idle clock, the content types
    with CaptureQueriesContext(connection) as q:
        pagina = html(cliente.get(url))
    assert len(_sin_sesion(q)) == 3, _sin_sesion(q)
    assert 'LEFT OUTER JOIN "raoce_reporteanual"' in _sin_sesion(q)[0]
    assert '"en_reporte"' in _sin_sesion(q)[1]
    assert re.search(rf'value="{immex.pk}"[^>]*\schecked\s', pagina)
    with CaptureQueriesContext(connection) as q:
        assert elegir(cliente, s, immex).status_code == 302
    assert len(_sin_sesion(q)) == 3, _sin_sesion(q)
    assert elegir(cliente, s, altex).status_code == 302
    assert set(ReporteAnual.objects.get(solicitud=s).programas.all()) == {altex}
    pagina = html(cliente.get(url))
    assert re.search(rf'value="{altex.pk}"[^>]*\schecked\s', pagina)
    assert not re.search(rf'value="{immex.pk}"[^>]*\schecked\s', pagina)
