"""Shared fixtures of the RAOCE tests (services, jobs, admin and the wizard).

Personas (all morales, trámite 150102) and their programs, authorized years ago and vigentes:

* ``lacteos`` (LBA100315MX4, the demo persona with FIEL data): allowed plant address
  (Industrias, Fábricas y Talleres, localizado); ``immex`` 83-2019 INDUSTRIAL linked to
  ``prosec_ligado`` 2019-8664 PRODUCTOR DIRECTO (the seed's example).
* ``avenas`` (ACN080610GT1): allowed plant address (Bodega); ``prosec_solo`` 2018-1234.
* ``exportadora`` (EPA120905R46): allowed plant address (Local Comercial); ``altex``
  (exportación directa) and ``ecex``.
* ``tipos_cambio``: TipoCambio rows 2022..(this year − 1), e.g. 2023 = 17.7617.

Helpers (import them: ``from tests.raoce.conftest import crear_reporte, firmar``):
``crear_programa``, ``crear_reporte`` (a draft Solicitud 150102 + ReporteAnual) and
``firmar`` (gives the draft a folio, cadena and seals as the signing does, without FIEL, and
optionally runs :func:`raoce.reporte.presentacion.al_presentar_reporte`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from raoce.models import EstatusPrograma, Programa, ReporteAnual, TipoCambio, TipoPrograma
from raoce.reporte.presentacion import al_presentar_reporte
from tests.soporte.personas import crear_solicitante, entrar_como_solicitante
from tramites.calendario import ZONA_MEXICO
from tramites.models import EstadoSolicitud, Tramite
from vucem.models import Domicilio

LACTEOS = {
    "rfc": "LBA100315MX4",
    "nombre": "LACTEOS DEL BAJIO SA DE CV",
    "rfc_representante": "LOHM750820K33",
    "curp_representante": "LOHM750820MGTPRR00",
}
AVENAS = {
    "rfc": "ACN080610GT1",
    "nombre": "AVENAS Y CEREALES DEL NORTE SA DE CV",
    "rfc_representante": "GATR680412QA5",
    "curp_representante": "GATR680412HNLRRB04",
}
EXPORTADORA = {
    "rfc": "EPA120905R46",
    "nombre": "EXPORTADORA DEL PACIFICO SA DE CV",
    "rfc_representante": "RUMA850214T74",
    "curp_representante": "RUMA850214MJCZNN00",
}

#: Demo values of the average exchange rate (pesos per dollar).
TIPOS_CAMBIO = {
    2022: Decimal("20.1249"),
    2023: Decimal("17.7617"),
    2024: Decimal("18.3000"),
    2025: Decimal("19.2000"),
}


def crear_persona_raoce(datos: dict, tipo_domicilio=Domicilio.Tipo.INDUSTRIAS, **domicilio):
    """(persona moral, FIEL user) with one plant address of ``tipo_domicilio``."""
    persona, user = crear_solicitante(
        "moral",
        rfc=datos["rfc"],
        nombre=datos["nombre"],
        rfc_representante=datos.get("rfc_representante", ""),
        curp_representante=datos.get("curp_representante", ""),
    )
    Domicilio.objects.create(
        persona=persona,
        tipo=tipo_domicilio,
        calle=domicilio.pop("calle", "CARRETERA FEDERAL KM 12"),
        numero_exterior=domicilio.pop("numero_exterior", "S/N"),
        colonia="ZONA INDUSTRIAL",
        codigo_postal="38000",
        municipio=domicilio.pop("municipio", "CELAYA"),
        estado="GUANAJUATO",
        localizado=domicilio.pop("localizado", True),
    )
    return persona, user


def crear_programa(
    persona,
    tipo: str,
    numero: str,
    *,
    fecha_autorizacion: dt.date = dt.date(2019, 3, 15),
    estatus: str = EstatusPrograma.VIGENTE,
    ligados=(),
    **extra,
) -> Programa:
    programa = Programa.objects.create(
        persona=persona,
        tipo=tipo,
        numero=numero,
        fecha_autorizacion=fecha_autorizacion,
        estatus=estatus,
        **extra,
    )
    if ligados:
        programa.ligados.add(*ligados)
    return programa


def crear_reporte(
    persona,
    programas,
    *,
    periodo: int,
    ventas=None,
    exportaciones=None,
    importaciones=None,
    usuario=None,
) -> ReporteAnual:
    """A draft solicitud of trámite 150102 (número temporal, vence) and its ReporteAnual."""
    from tramites.services import crear_borrador

    if usuario is None:
        usuario = (
            getattr(persona, "usuario", None) or crear_solicitante("moral", rfc=persona.rfc)[1]
        )
    tramite = Tramite.objects.get(vucem_id=150102 if persona.es_moral else 150101)
    solicitud = crear_borrador(tramite=tramite, solicitante=persona, usuario=usuario)
    reporte = ReporteAnual.objects.create(
        solicitud=solicitud,
        periodo=periodo,
        ventas_totales=None if ventas is None else Decimal(ventas),
        total_exportaciones=None if exportaciones is None else Decimal(exportaciones),
        total_importaciones=None if importaciones is None else Decimal(importaciones),
    )
    reporte.programas.set(programas)
    return reporte


def firmar(reporte: ReporteAnual, *, en: dt.datetime | dt.date | None = None, efectos=False):
    """Mark the report's solicitud as signed at ``en`` (folio, cadena, seals, estado),
    like ``tramites.services.firmar_solicitud`` does, without a FIEL. A date means 10:00
    Mexico City time that day. With ``efectos`` also issues the acuse and runs
    ``al_presentar_reporte`` (returns its documents). Runs in one transaction."""
    from firma.services import sellar_ventanilla
    from tramites.services import (
        cambiar_estado,
        construir_cadena,
        emitir_acuse_recepcion,
        nuevo_folio,
    )

    if isinstance(en, dt.date) and not isinstance(en, dt.datetime):
        en = dt.datetime.combine(en, dt.time(10, 0), tzinfo=ZONA_MEXICO)
    en = en or timezone.now()
    s = reporte.solicitud
    with transaction.atomic():
        s.folio = nuevo_folio(s.tramite, en)
        s.firmada_en = en
        s.firmada_por = s.capturada_por
        s.cadena_original = construir_cadena(
            [
                ("folio", s.folio),
                ("tramite", s.tramite.vucem_id),
                ("rfc", s.solicitante.rfc),
                ("periodo", reporte.periodo),
                ("ventas", reporte.ventas_totales),
                ("exportaciones", reporte.total_exportaciones),
            ]
        )
        s.sello_solicitante = "c2VsbG8tZGUtcHJ1ZWJh"  # not verified by these tests
        s.sello_ventanilla = sellar_ventanilla(s.cadena_original)
        s.numero_certificado = "00001000000500000001"
        cambiar_estado(
            s,
            EstadoSolicitud.FIRMADA,
            usuario=s.capturada_por,
            motivo="Firmada (prueba)",
            campos=[
                "folio",
                "firmada_en",
                "firmada_por",
                "cadena_original",
                "sello_solicitante",
                "sello_ventanilla",
                "numero_certificado",
            ],
        )
        documentos = None
        if efectos:
            presentacion = al_presentar_reporte(reporte, usuario=s.capturada_por)
            documentos = presentacion.documentos
            emitir_acuse_recepcion(s, lineas=[*presentacion.presentados, *presentacion.efectos])
    reporte.refresh_from_db()
    return documentos


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def tipos_cambio(db):
    """TipoCambio rows 2022..(this year − 1) (demo values; unknown years 19.2000)."""
    ultimo = max(timezone.localdate().year - 1, max(TIPOS_CAMBIO))
    return {
        anio: TipoCambio.objects.update_or_create(
            anio=anio,
            defaults={
                "pesos_por_dolar": TIPOS_CAMBIO.get(anio, Decimal("19.2000")),
                "fuente": "Valor de demostración",
            },
        )[0]
        for anio in range(min(TIPOS_CAMBIO), ultimo + 1)
    }


@pytest.fixture
def lacteos_y_usuario(db):
    return crear_persona_raoce(LACTEOS, Domicilio.Tipo.INDUSTRIAS)


@pytest.fixture
def lacteos(lacteos_y_usuario):
    """Persona moral with an allowed plant address, IMMEX + linked PROSEC (see fixtures)."""
    return lacteos_y_usuario[0]


@pytest.fixture
def immex(lacteos):
    return crear_programa(lacteos, TipoPrograma.IMMEX, "83-2019", modalidad="INDUSTRIAL")


@pytest.fixture
def prosec_ligado(lacteos, immex):
    return crear_programa(
        lacteos,
        TipoPrograma.PROSEC,
        "2019-8664",
        modalidad="PRODUCTOR DIRECTO",
        sector="XXII De la industria del café",
        ligados=[immex],
    )


@pytest.fixture
def cliente_lacteos(client, lacteos_y_usuario, immex, prosec_ligado):
    """Client logged in (FIEL session) as LACTEOS DEL BAJIO, with its IMMEX and PROSEC."""
    return entrar_como_solicitante(client, lacteos_y_usuario[1])


@pytest.fixture
def avenas_y_usuario(db):
    return crear_persona_raoce(AVENAS, Domicilio.Tipo.BODEGA)


@pytest.fixture
def avenas(avenas_y_usuario):
    return avenas_y_usuario[0]


@pytest.fixture
def prosec_solo(avenas):
    """A PROSEC-only company: deadline last business day of April; lists bienes producidos."""
    return crear_programa(
        avenas,
        TipoPrograma.PROSEC,
        "2018-1234",
        modalidad="PRODUCTOR DIRECTO",
        sector="XXII De la industria del café",
        fecha_autorizacion=dt.date(2018, 6, 1),
    )


@pytest.fixture
def cliente_avenas(client, avenas_y_usuario, prosec_solo):
    return entrar_como_solicitante(client, avenas_y_usuario[1])


@pytest.fixture
def exportadora_y_usuario(db):
    return crear_persona_raoce(EXPORTADORA, Domicilio.Tipo.LOCAL_COMERCIAL)


@pytest.fixture
def exportadora(exportadora_y_usuario):
    return exportadora_y_usuario[0]


@pytest.fixture
def altex(exportadora):
    """ALTEX by exportación directa (≥ 40 % or ≥ USD 2,000,000)."""
    return crear_programa(
        exportadora,
        TipoPrograma.ALTEX,
        "ALTEX-2015-0456",
        exportacion_directa=True,
        fecha_autorizacion=dt.date(2015, 8, 20),
    )


@pytest.fixture
def ecex(exportadora):
    return crear_programa(
        exportadora,
        TipoPrograma.ECEX,
        "ECEX-2016-0078",
        modalidad="CONSOLIDADORA DE EXPORTACIÓN",
        fecha_autorizacion=dt.date(2016, 2, 10),
    )


@pytest.fixture
def cliente_exportadora(client, exportadora_y_usuario, altex, ecex):
    return entrar_como_solicitante(client, exportadora_y_usuario[1])
