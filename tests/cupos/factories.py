"""The one place where tests build cupos objects (factory_boy): cupos and subcupos,
asignaciones with their opening ledger movement, certificates with their expedición
solicitud, signed solicitudes de asignación, and the seeds' cupos (avena, seed 002; lácteos
A/B/C/D, seed 004).

``SubcupoFactory(cupo__clave="x", cupo__unidad="pza")`` builds the cupo too;
:func:`cupo_con_subcupo` returns both, as most tests want them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from itertools import count

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cupos import saldos
from cupos.models import (
    Asignacion,
    CertificadoCupo,
    Criterio,
    Cupo,
    Elegibilidad,
    Mecanismo,
    Regimen,
    SolicitudAsignacion,
    Subcupo,
)
from cupos.ventanas import VentanaRecepcion
from tramites.models import Solicitud, Tramite
from vucem.models import User

VENTANA_A = VentanaRecepcion(
    tipo="desde_primer_habil_hasta_fecha", mes_inicio=1, dia_fin=30, mes_fin=11
)
VENTANA_B = VentanaRecepcion(tipo="dias_habiles_desde_primer_habil", mes=1, dias=15)
VENTANA_C = VentanaRecepcion(tipo="desde_primer_habil_hasta_ultimo_habil", mes_inicio=1, mes_fin=7)
VENTANA_D = VentanaRecepcion(tipo="dias_habiles_desde_primer_habil", mes=9, dias=15)

_folios = count(1)
_temporales = count(500_000_000)


def anio_actual() -> int:
    return timezone.localdate().year


class CupoFactory(DjangoModelFactory):
    class Meta:
        model = Cupo

    clave = factory.Sequence(lambda n: f"cupo-{n}")
    nombre = factory.LazyAttribute(lambda o: f"Cupo de prueba {o.clave}")
    producto = "Preparaciones lácteas"
    subproducto = "Con más de 50 % de sólidos lácteos"
    fracciones_arancelarias = factory.LazyFunction(lambda: ["1901.90.05"])
    regimen = Regimen.IMPORTACION
    tratado = "Unilateral"
    mecanismo = Mecanismo.ASIGNACION_DIRECTA
    monto_total = D("44200000")
    unidad = "kg"
    anio = factory.LazyFunction(anio_actual)
    vigencia_inicio = factory.LazyAttribute(lambda o: dt.date(o.anio, 1, 1))
    vigencia_fin = factory.LazyAttribute(lambda o: dt.date(o.anio, 12, 31))
    fundamento = "Acuerdo de prueba"


class SubcupoFactory(DjangoModelFactory):
    class Meta:
        model = Subcupo

    cupo = factory.SubFactory(CupoFactory)
    clave = "B"
    beneficiario = "Empresas industriales"
    monto = D("21200000")
    mecanismo = factory.SelfAttribute("cupo.mecanismo")
    criterio = Criterio.PROPORCIONAL


def cupo_con_subcupo(clave: str = "lacteos-prueba", **cupo) -> tuple[Cupo, Subcupo]:
    """A cupo (fields as keyword arguments) with one proportional subcupo «B»."""
    sub = SubcupoFactory(cupo=CupoFactory(clave=clave, **cupo))
    return sub.cupo, sub


class AsignacionFactory(DjangoModelFactory):
    """An asignación with its opening movement in the ledger (``saldo=False`` skips it)."""

    class Meta:
        model = Asignacion
        skip_postgeneration_save = True

    subcupo = factory.SubFactory(SubcupoFactory)
    anio = factory.LazyFunction(anio_actual)
    numero_oficio = "000001"
    monto_asignado = D("500000")
    vigencia_inicio = factory.LazyAttribute(lambda o: dt.date(o.anio, 1, 1))
    vigencia_fin = factory.LazyAttribute(lambda o: dt.date(o.anio, 12, 31))

    @factory.post_generation
    def saldo(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            saldos.registrar_asignacion(obj)


def asignacion_con_saldo(
    persona, subcupo, monto=D("500000"), *, numero="000001", **campos
) -> Asignacion:
    return AsignacionFactory(
        beneficiario=persona,
        subcupo=subcupo,
        monto_asignado=D(monto),
        numero_oficio=numero,
        **campos,
    )


class SolicitudExpedicionFactory(DjangoModelFactory):
    """A signed expedición solicitud made directly in the database (no wizard, no FIEL)."""

    class Meta:
        model = Solicitud

    tramite = factory.LazyAttribute(
        lambda o: Tramite.objects.get(vucem_id=120202 if o.solicitante.es_moral else 120201)
    )
    capturada_por = factory.LazyAttribute(
        lambda o: (
            User.objects.filter(persona=o.solicitante).first()
            or User.objects.create(username=f"u-{o.solicitante.rfc}", persona=o.solicitante)
        )
    )
    numero_temporal = factory.LazyFunction(lambda: f"{800_000_000 + next(_folios):09d}")
    folio = factory.LazyAttribute(
        lambda o: f"02012002002{anio_actual()}9900{o.numero_temporal[-6:]}"
    )
    estado = "firmada"
    firmada_en = factory.LazyFunction(timezone.now)


class CertificadoCupoFactory(DjangoModelFactory):
    """A vigente certificate of ``asignacion`` with its own expedición solicitud (no ledger
    movement: :func:`certificado_directo` adds it)."""

    class Meta:
        model = CertificadoCupo

    solicitud = factory.LazyAttribute(
        lambda o: SolicitudExpedicionFactory(solicitante=o.asignacion.beneficiario)
    )
    titular = factory.SelfAttribute("asignacion.beneficiario")
    folio = factory.LazyAttribute(lambda o: f"{o.solicitud.folio}-01")
    numero = 1
    monto_expedido = D("100")
    vigencia_inicio = factory.LazyFunction(timezone.localdate)
    vigencia_fin = factory.LazyAttribute(lambda o: dt.date(o.vigencia_inicio.year, 12, 31))


def certificado_directo(asignacion, monto, *, utilizado="0", usuario=None) -> CertificadoCupo:
    """A vigente certificate built as rows (no signing): its expedición solicitud, the
    certificate and its − movement in the ledger."""
    extra = {"capturada_por": usuario} if usuario else {}
    cert = CertificadoCupoFactory(
        asignacion=asignacion,
        solicitud=SolicitudExpedicionFactory(solicitante=asignacion.beneficiario, **extra),
        monto_expedido=D(monto),
        monto_utilizado=D(utilizado),
    )
    saldos.registrar_expedicion(cert)
    return cert


def solicitud_asignacion_firmada(
    persona, subcupo, *, recibida, usuario, folio=None, estado=Solicitud.Estado.EN_DICTAMEN, **datos
) -> Solicitud:
    """A solicitud de asignación already signed (made directly in the database)."""
    tramite = Tramite.objects.get(vucem_id=120402 if persona.tipo == "moral" else 120401)
    n = next(_folios)
    s = Solicitud.objects.create(
        tramite=tramite,
        solicitante=persona,
        capturada_por=usuario,
        numero_temporal=f"{next(_temporales):09d}",
        folio=folio or f"0201200400220240101{n:06d}",
        estado=estado,
        firmada_en=recibida,
        firmada_por=usuario,
    )
    SolicitudAsignacion.objects.create(solicitud=s, subcupo=subcupo, **datos)
    return s


# ------------------------------------------------------------------ the seeds' cupos


def cupo_avena(anio, representacion=None) -> tuple[Cupo, Subcupo]:
    """Seed 002: avena 140,000 t, fracción 1004.00.99, consumo auditado."""
    cupo = CupoFactory(
        clave=f"avena-{anio}",
        nombre="Avena, excepto para siembra",
        producto="Avena",
        subproducto="Excepto para siembra",
        fracciones_arancelarias=["1004.00.99"],
        monto_total=D("140000000"),
        anio=anio,
        fundamento="Acuerdo por el que se da a conocer el cupo unilateral para importar avena (DOF 07/04/2005)",
        representacion_federal=representacion,
        admite_comercializadora=True,
    )
    sub = SubcupoFactory(
        cupo=cupo,
        clave="UNICO",
        beneficiario="Personas físicas y morales que utilicen la avena como insumo",
        monto=D("140000000"),
        criterio=Criterio.CONSUMO_AUDITADO,
        ventana={},
    )
    return cupo, sub


#: RFC of LICONSA, the only persona designated for lácteos A in these tests.
RFC_LICONSA = "LIC950821M84"
#: Who may apply to each lácteos subcupo (seed 004, Cuadro 1).
ELEGIBILIDAD_LACTEOS = {
    "A": (Elegibilidad.DESIGNADOS, [RFC_LICONSA]),
    "B": (Elegibilidad.CON_ANTECEDENTES, []),
    "C": (Elegibilidad.SIN_ANTECEDENTES, []),
    "D": (Elegibilidad.ABIERTA, []),
}

#: Seed 004 subcupos: clave, beneficiario, monto, mecanismo, criterio, ventana, máximo.
SUBCUPOS_LACTEOS = [
    (
        "A",
        "LICONSA",
        D("15000000"),
        Mecanismo.ASIGNACION_DIRECTA,
        Criterio.MONTO_FIJO,
        VENTANA_A,
        D("15000000"),
    ),
    (
        "B",
        "Industriales CON antecedentes",
        D("21200000"),
        Mecanismo.ASIGNACION_DIRECTA,
        Criterio.PROPORCIONAL,
        VENTANA_B,
        None,
    ),
    (
        "C",
        "Industriales SIN antecedentes",
        D("8000000"),
        Mecanismo.PRIMERO_EN_TIEMPO,
        Criterio.PRIMERO_EN_TIEMPO,
        VENTANA_C,
        D("1400000"),
    ),
    (
        "D",
        "Personas físicas o morales",
        None,
        Mecanismo.PRIMERO_EN_TIEMPO,
        Criterio.BOLSA_RESIDUAL,
        VENTANA_D,
        D("1400000"),
    ),
]


def cupo_lacteos(anio, representacion=None) -> tuple[Cupo, dict[str, Subcupo]]:
    """Seed 004: preparaciones lácteas with subcupos A (monto fijo), B (proporcional),
    C (primero en tiempo) and D (bolsa residual of B and C)."""
    cupo = CupoFactory(
        clave=f"lacteos-{anio}",
        nombre="Preparaciones a base de productos lácteos",
        subproducto="Sólidos lácteos > 50 %",
        anio=anio,
        fundamento="Acuerdo del cupo de preparaciones a base de productos lácteos (DOF 19/12/2012)",
        representacion_federal=representacion,
    )
    subs = {}
    for orden, (clave, ben, monto, mec, crit, ventana, maximo) in enumerate(SUBCUPOS_LACTEOS):
        subs[clave] = SubcupoFactory(
            cupo=cupo,
            clave=clave,
            beneficiario=ben,
            monto=monto,
            mecanismo=mec,
            criterio=crit,
            ventana=ventana.to_dict(),
            maximo_por_beneficiario=maximo,
            elegibilidad=ELEGIBILIDAD_LACTEOS[clave][0],
            rfcs_designados=ELEGIBILIDAD_LACTEOS[clave][1],
            parametros={"porcentaje_industrial": "0.80", "ejercicio_minimo": "0.70"}
            if clave == "D"
            else {},
            orden=orden,
        )
    subs["D"].residual_de.set([subs["B"], subs["C"]])
    return cupo, subs


_oficios_anteriores = count(900_001)


def anio_anterior_con_asignaciones(cupo, asignaciones, *, clave="B") -> Subcupo:
    """The previous year's copy of ``cupo`` (linked as ``cupo.anterior``) with its subcupo
    ``clave`` and ``asignaciones`` ``[(persona, monto), ...]`` in it (vencidas, as last year's
    are today). Returns that previous-year subcupo; call again to add more rows."""
    if cupo.anterior_id is None:
        cupo.anterior = CupoFactory(
            clave=f"{cupo.clave}-anterior",
            nombre=cupo.nombre,
            anio=cupo.anio - 1,
            activo=False,
        )
        cupo.save(update_fields=["anterior"])
    previo = cupo.anterior
    actual = cupo.subcupos.get(clave=clave)
    sub = Subcupo.objects.filter(cupo=previo, clave=clave).first() or SubcupoFactory(
        cupo=previo,
        clave=clave,
        beneficiario=actual.beneficiario,
        monto=actual.monto,
        mecanismo=actual.mecanismo,
        criterio=actual.criterio,
        ventana=actual.ventana,
    )
    for persona, monto in asignaciones:
        AsignacionFactory(
            subcupo=sub,
            beneficiario=persona,
            anio=previo.anio,
            numero_oficio=f"{next(_oficios_anteriores):06d}",
            monto_asignado=D(monto),
            estado=Asignacion.Estado.VENCIDA,
        )
    return sub
