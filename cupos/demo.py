"""Demo data of cupos (``manage.py cargar_demo``): representaciones federales, the seeds'
cupos for the current year and asignaciones ready to expedite. Idempotent.

- Avena (seed 002): 140,000 t = 140,000,000 kg, 1004.00.99, importación, unilateral,
  asignación directa by consumo auditado, DOF 07/04/2005.
- Preparaciones lácteas (seed 004): 44,200 t, 1901.90.05, subcupos A (LICONSA, monto fijo),
  B (proporcional), C (primero en tiempo, máx. 1,400 t), D (residual of B and C, 80/20,
  máx. 1,400 t), windows from ``cupos.ventanas``; DOF 19/12/2012.
- Azúcar a EE.UU. (exportación, primero en tiempo).
- Asignaciones: lácteos B for the first persona moral of ``firma.demo.PERSONAS_DEMO``,
  avena for the persona física and for the second persona moral.
- The previous year (issue 9): a copy of the lácteos cupo for the year before (inactive,
  linked as ``Cupo.anterior``) with its B asignaciones (seed 004's table: the first persona
  moral and three other companies, θ 0.697 / 0.038 / 0.263 / 0.002) and LICONSA's A
  asignación. Who may apply to A (LICONSA's RFC), B (CON antecedentes) and C (SIN) comes from
  those records.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cupos import reglas, saldos
from cupos.models import (
    Asignacion,
    Criterio,
    Cupo,
    Elegibilidad,
    Mecanismo,
    Regimen,
    RepresentacionFederal,
    Subcupo,
    Unidad,
)
from cupos.montos import formato_monto
from cupos.ventanas import VentanaRecepcion
from firma.demo import PERSONAS_DEMO
from tramites import calendario
from tramites.services import registrar_auditoria
from vucem.models import Persona

T = Decimal("1000")  # kilograms per tonelada

REPRESENTACIONES = [
    ("CDMX", "Ciudad de México"),
    ("JAL", "Jalisco"),
    ("NL", "Nuevo León"),
    ("SIN", "Sinaloa"),
]


def _moral(rfc: str, nombre: str) -> dict:
    """The data of a persona moral without a demo login."""
    return {"rfc": rfc, "nombre": nombre, "tipo": "moral"}


#: LICONSA, the public company of the social milk programme: the only beneficiary of lácteos A.
LICONSA = _moral("LIC950821M84", "LICONSA SA DE CV")
#: Seed 004's table: amounts assigned in subcupo B the previous year. The first row goes to the
#: first demo persona moral (it can log in); the others are companies without a demo login.
B_ANIO_ANTERIOR = [
    (None, Decimal("18500000")),
    (_moral("ILC050315T27", "INDUSTRIAS LACTEAS DEL CENTRO SA DE CV"), Decimal("1000000")),
    (_moral("QDJ071022KAA", "QUESOS Y DERIVADOS DE JALISCO SA DE CV"), Decimal("7000000")),
    (_moral("PES981109LM2", "PANIFICADORA LA ESPIGA SA DE CV"), Decimal("50000")),
]
A_ANIO_ANTERIOR = Decimal("14000000")

FUNDAMENTO_AVENA = (
    "Acuerdo por el que se da a conocer el cupo unilateral para importar con el arancel-cupo "
    "establecido, avena, excepto para siembra (publicado en el Diario Oficial de la Federación "
    "el 7 de abril de 2005; última reforma DOF 21.10.08), artículos primero a quinto."
)
FUNDAMENTO_LACTEOS = (
    "Acuerdo por el que se da a conocer el cupo anual para importar con el arancel-cupo "
    "establecido, preparaciones a base de productos lácteos con un contenido de sólidos lácteos "
    "superior al 50% en peso, excepto las comprendidas en la fracción 1901.90.04 (DOF "
    "19/12/2012; reforma 30/12/2013)."
)
FUNDAMENTO_AZUCAR = (
    "Acuerdo por el que se da a conocer el cupo para exportar azúcar a los Estados Unidos de "
    "América (datos de demostración)."
)


def _escribir(stdout, texto: str) -> None:
    (stdout or sys.stdout).write(texto + "\n")


def _cupo(clave: str, anio: int, **datos) -> Cupo:
    datos.setdefault("vigencia_inicio", dt.date(anio, 1, 1))
    datos.setdefault("vigencia_fin", calendario.fin_de_anio(anio))
    cupo, _ = Cupo.objects.update_or_create(clave=clave, defaults={"anio": anio, **datos})
    return cupo


def _subcupo(cupo: Cupo, clave: str, **datos) -> Subcupo:
    datos.setdefault("mecanismo", cupo.mecanismo)
    residual_de = datos.pop("residual_de", [])
    ventana = datos.pop("ventana", None)
    datos["ventana"] = ventana.to_dict() if ventana else {}
    sub, _ = Subcupo.objects.update_or_create(cupo=cupo, clave=clave, defaults=datos)
    reglas.validar_subcupo(sub, residual_de=residual_de, unidad=cupo.unidad)
    sub.residual_de.set(residual_de)
    return sub


def cargar_cupos(anio: int) -> dict[str, Cupo]:
    rep = {}
    for clave, nombre in REPRESENTACIONES:
        rep[clave], _ = RepresentacionFederal.objects.update_or_create(
            clave=clave, defaults={"nombre": nombre}
        )

    avena = _cupo(
        f"avena-{anio}",
        anio,
        nombre="Cupo unilateral para importar avena, excepto para siembra",
        producto="Avena",
        subproducto="Excepto para siembra",
        fracciones_arancelarias=["1004.00.99"],
        regimen=Regimen.IMPORTACION,
        tratado="Unilateral",
        mecanismo=Mecanismo.ASIGNACION_DIRECTA,
        monto_total=140_000 * T,
        unidad=Unidad.KILOGRAMO,
        fundamento=FUNDAMENTO_AVENA,
        fecha_dof=dt.date(2005, 4, 7),
        representacion_federal=rep["NL"],
        admite_comercializadora=True,  # seed 002: escrito conjunto con una comercializadora
    )
    _subcupo(
        avena,
        "UNICO",
        beneficiario=(
            "Personas físicas y morales establecidas en los Estados Unidos Mexicanos de "
            "cualquier sector, que utilicen la avena como insumo en sus procesos productivos."
        ),
        monto=140_000 * T,
        criterio=Criterio.CONSUMO_AUDITADO,
        ventana=VentanaRecepcion(
            "entre_fechas", dia_inicio=1, mes_inicio=1, dia_fin=31, mes_fin=12
        ),
        orden=1,
    )
    reglas.validar_cupo(avena)

    lacteos = _cupo(
        f"lacteos-{anio}",
        anio,
        nombre="Cupo de importación de preparaciones a base de productos lácteos",
        producto="Preparaciones a base de productos lácteos",
        subproducto="Con más de 50 % de sólidos lácteos",
        fracciones_arancelarias=["1901.90.05"],
        regimen=Regimen.IMPORTACION,
        tratado="Unilateral",
        mecanismo=Mecanismo.ASIGNACION_DIRECTA,
        monto_total=44_200 * T,
        unidad=Unidad.KILOGRAMO,
        fundamento=FUNDAMENTO_LACTEOS,
        fecha_dof=dt.date(2012, 12, 19),
        representacion_federal=rep["CDMX"],
    )
    _subcupo(
        lacteos,
        "A",
        beneficiario=(
            "La empresa del sector público encargada del programa de abasto social de leche "
            "(LICONSA)."
        ),
        monto=15_000 * T,
        criterio=Criterio.MONTO_FIJO,
        ventana=VentanaRecepcion(
            "desde_primer_habil_hasta_fecha", mes_inicio=1, dia_fin=30, mes_fin=11
        ),
        elegibilidad=Elegibilidad.DESIGNADOS,
        rfcs_designados=[LICONSA["rfc"]],
        orden=1,
    )
    b = _subcupo(
        lacteos,
        "B",
        beneficiario=(
            "Empresas industriales que utilicen materias primas lácteas como insumo CON "
            "antecedentes de asignación directa de este cupo en el año anterior."
        ),
        monto=21_200 * T,
        criterio=Criterio.PROPORCIONAL,
        ventana=VentanaRecepcion("dias_habiles_desde_primer_habil", mes=1, dias=15),
        parametros={"precision": 3},
        elegibilidad=Elegibilidad.CON_ANTECEDENTES,
        orden=2,
    )
    c = _subcupo(
        lacteos,
        "C",
        beneficiario=(
            "Empresas industriales que utilicen materias primas lácteas como insumo SIN "
            "antecedentes de asignación directa."
        ),
        monto=8_000 * T,
        mecanismo=Mecanismo.PRIMERO_EN_TIEMPO,
        criterio=Criterio.PRIMERO_EN_TIEMPO,
        ventana=VentanaRecepcion("desde_primer_habil_hasta_ultimo_habil", mes_inicio=1, mes_fin=7),
        maximo_por_beneficiario=1_400 * T,
        elegibilidad=Elegibilidad.SIN_ANTECEDENTES,
        orden=3,
    )
    _subcupo(
        lacteos,
        "D",
        beneficiario=(
            "Personas físicas o morales establecidas en los Estados Unidos Mexicanos: monto no "
            "asignado a los beneficiarios de los incisos B y C."
        ),
        monto=None,
        mecanismo=Mecanismo.PRIMERO_EN_TIEMPO,
        criterio=Criterio.BOLSA_RESIDUAL,
        ventana=VentanaRecepcion("dias_habiles_desde_primer_habil", mes=9, dias=15),
        maximo_por_beneficiario=1_400 * T,
        parametros={"porcentaje_industrial": "0.80", "ejercicio_minimo": "0.70"},
        residual_de=[b, c],
        orden=4,
    )
    reglas.validar_cupo(lacteos)

    azucar = _cupo(
        f"azucar-eua-{anio}",
        anio,
        nombre="Cupo para exportar azúcar a los Estados Unidos de América",
        producto="Azúcar",
        subproducto="Azúcar de caña en bruto",
        fracciones_arancelarias=["1701.13.01", "1701.14.01"],
        regimen=Regimen.EXPORTACION,
        tratado="Estados Unidos de América",
        mecanismo=Mecanismo.PRIMERO_EN_TIEMPO,
        monto_total=200_000 * T,
        unidad=Unidad.KILOGRAMO,
        fundamento=FUNDAMENTO_AZUCAR,
        representacion_federal=rep["SIN"],
    )
    _subcupo(
        azucar,
        "UNICO",
        beneficiario="Ingenios y comercializadoras establecidos en los Estados Unidos Mexicanos.",
        monto=200_000 * T,
        criterio=Criterio.PRIMERO_EN_TIEMPO,
        ventana=VentanaRecepcion("desde_primer_habil_hasta_ultimo_habil", mes_inicio=1, mes_fin=11),
        maximo_por_beneficiario=20_000 * T,
        orden=1,
    )
    reglas.validar_cupo(azucar)
    return {"avena": avena, "lacteos": lacteos, "azucar": azucar}


def _persona(datos: dict):
    persona = Persona.objects.filter(rfc=datos["rfc"]).first()
    if persona is None:
        persona = Persona.objects.create(
            rfc=datos["rfc"],
            nombre=datos["nombre"],
            tipo=datos["tipo"],
            curp=datos.get("curp", ""),
            rfc_representante=datos.get("rfc_representante", ""),
            curp_representante=datos.get("curp_representante", ""),
            correo=datos.get("correo", ""),
        )
    return persona


def _asignacion(
    subcupo: Subcupo, persona, monto: Decimal, estado=Asignacion.Estado.VIGENTE
) -> Asignacion:
    """The demo asignación of ``persona`` in ``subcupo``'s year (created once, with its
    ledger); ``VENCIDA`` for the previous year's."""
    anio = subcupo.cupo.anio
    existente = Asignacion.objects.filter(
        subcupo=subcupo, beneficiario=persona, anio=anio, solicitud__isnull=True
    ).first()
    if existente:
        return existente
    with transaction.atomic():
        asignacion = Asignacion.objects.create(
            subcupo=subcupo,
            beneficiario=persona,
            anio=anio,
            numero_oficio=saldos.nuevo_numero_oficio(anio),
            monto_asignado=monto,
            vigencia_inicio=dt.date(anio, 1, 1),
            vigencia_fin=calendario.fin_de_anio(anio),
            estado=estado,
        )
        motivo = f"Asignación de demostración: oficio {asignacion.numero_oficio}/{anio}"
        if estado == Asignacion.Estado.VENCIDA:
            motivo = (
                f"Asignación de demostración del año anterior: oficio "
                f"{asignacion.numero_oficio}/{anio} (vencida el 31/12/{anio})"
            )
        registrar_auditoria(asignacion, anterior="", nuevo=estado, motivo=motivo)
        saldos.registrar_asignacion(asignacion)
    return asignacion


def _copia_anio_anterior(cupo: Cupo) -> Cupo:
    """The same cupo one year earlier (inactive), linked as ``cupo.anterior``. Idempotent; an
    existing cupo of that year keeps its data and is only linked."""
    anio = cupo.anio - 1
    clave = cupo.clave.replace(str(cupo.anio), str(anio))
    anterior = Cupo.objects.filter(clave=clave).first()
    if anterior is None:
        campos = {
            f.name: getattr(cupo, f.name)
            for f in Cupo._meta.concrete_fields
            if f.name not in ("id", "clave", "anio", "vigencia_inicio", "vigencia_fin", "anterior")
        }
        anterior = _cupo(clave, anio, **{**campos, "activo": False})
        copias = {}
        for sub in cupo.subcupos.order_by("orden"):
            campos_sub = {
                f.name: getattr(sub, f.name)
                for f in Subcupo._meta.concrete_fields
                if f.name not in ("id", "cupo", "clave", "ventana")
            }
            copias[sub.clave] = _subcupo(
                anterior,
                sub.clave,
                **campos_sub,
                ventana=VentanaRecepcion.from_dict(sub.ventana) if sub.ventana else None,
                residual_de=[copias[r.clave] for r in sub.residual_de.all() if r.clave in copias],
            )
    if cupo.anterior_id != anterior.pk:
        cupo.anterior = anterior
        cupo.save(update_fields=["anterior"])
    return anterior


def cargar_anio_anterior(lacteos: Cupo, stdout=None) -> list[Asignacion]:
    """Last year's lácteos cupo with its A (LICONSA) and B asignaciones (seed 004's table)."""
    morales = [p for p in PERSONAS_DEMO if p["tipo"] == "moral"]
    with transaction.atomic():
        anterior = _copia_anio_anterior(lacteos)
        b = anterior.subcupos.get(clave="B")
        vencida = Asignacion.Estado.VENCIDA
        a = anterior.subcupos.get(clave="A")
        hechas = [_asignacion(a, _persona(LICONSA), A_ANIO_ANTERIOR, vencida)]
        for datos, monto in B_ANIO_ANTERIOR:
            hechas.append(_asignacion(b, _persona(datos or morales[0]), monto, vencida))
    _escribir(
        stdout,
        f"Cupo de lácteos {anterior.anio} (año anterior: antecedentes de B y base de θ): "
        + "; ".join(
            f"{a.subcupo.clave} {a.beneficiario.rfc} {formato_monto(a.monto_asignado, 'kg')}"
            for a in hechas
        ),
    )
    return hechas


def cargar(stdout=None) -> list[Asignacion]:
    """Load (or refresh) the demo cupos and asignaciones; prints the oficios to expedite."""

    anio = timezone.localdate().year
    with transaction.atomic():
        cupos = cargar_cupos(anio)
    _escribir(stdout, f"Cupos {anio}: " + ", ".join(c.nombre for c in cupos.values()))
    cargar_anio_anterior(cupos["lacteos"], stdout)

    morales = [p for p in PERSONAS_DEMO if p["tipo"] == "moral"]
    fisica = next(p for p in PERSONAS_DEMO if p["tipo"] == "fisica")
    planes = [
        (cupos["lacteos"].subcupos.get(clave="B"), morales[0], 500_000),
        (cupos["avena"].subcupos.get(clave="UNICO"), fisica, 80_000),
    ]
    if len(morales) > 1:
        planes.append((cupos["avena"].subcupos.get(clave="UNICO"), morales[1], 1_200_000))
    exportadora = next((p for p in morales if "EXPORTADORA" in p["nombre"]), None)
    if exportadora:
        planes.append((cupos["azucar"].subcupos.get(clave="UNICO"), exportadora, 2_000_000))

    asignaciones = []
    for subcupo, datos, kg in planes:
        persona = _persona(datos)
        asignacion = _asignacion(subcupo, persona, Decimal(kg))
        asignaciones.append(asignacion)
        disponible = saldos.disponible(asignacion)
        _escribir(
            stdout,
            f"  Oficio de asignación {asignacion.numero_oficio}/{asignacion.anio} · "
            f"{persona.rfc} {persona.nombre} · {subcupo} · "
            f"{formato_monto(asignacion.monto_asignado, 'kg')} "
            f"(saldo disponible {formato_monto(disponible, 'kg')})",
        )
    return asignaciones
