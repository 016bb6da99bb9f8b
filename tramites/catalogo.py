"""The SE catalog as VUCEM shows it (DESIGN §3). Loaded by a data migration and
re-applied idempotently by ``cargar_catalogo()``."""

DEPENDENCIAS = [{"clave": "SE", "codigo": "02", "nombre": "Secretaría de Economía", "orden": 1}]

INSTRUMENTOS = [
    {
        "dependencia": "SE",
        "slug": "cupos",
        "nombre": "Cupos de Importación y Exportación",
        "orden": 5,
    },
    {
        "dependencia": "SE",
        "slug": "cancelaciones",
        "nombre": "Cancelaciones, Modificaciones, Desistimientos y Reactivaciones",
        "orden": 7,
    },
    {
        "dependencia": "SE",
        "slug": "reporte-anual",
        "nombre": "Reporte Anual de Operaciones de Comercio Exterior",
        "orden": 8,
    },
]

_ASIGNACION = {
    "instrumento": "cupos",
    "clave": "asignacion-cupo",
    "grupo": "Asignación de cupo",
    "homoclave": "SE-03-011-1",
    "requiere_dictamen": True,
    "plazo_resolucion_dias_habiles": 7,
}
_EXPEDICION = {
    "instrumento": "cupos",
    "clave": "expedicion-certificados",
    "grupo": "Expedición de Certificados de Cupo",
    "homoclave": "SE-03-013-5",
}

TRAMITES = [
    {
        **_ASIGNACION,
        "vucem_id": 120401,
        "nombre": "Solicitud de asignación directa de cupo persona física",
        "tipo_persona": "fisica",
        "orden": 1,
    },
    {
        **_ASIGNACION,
        "vucem_id": 120402,
        "nombre": "Solicitud de asignación directa de cupo persona moral",
        "tipo_persona": "moral",
        "orden": 2,
    },
    {
        **_EXPEDICION,
        "vucem_id": 120201,
        "nombre": "Expedición de Certificados de Cupo Asignación Directa persona física",
        "tipo_persona": "fisica",
        "orden": 3,
    },
    {
        **_EXPEDICION,
        "vucem_id": 120202,
        "nombre": "Expedición de Certificados de Cupo Asignación Directa persona moral",
        "tipo_persona": "moral",
        "orden": 4,
    },
    {
        "instrumento": "cancelaciones",
        "clave": "cancelacion-certificados",
        "grupo": "Cupos",
        "vucem_id": 140104,
        "nombre": "Cancelación de Certificados a Petición del Interesado",
        "tipo_persona": "ambas",
        "orden": 1,
    },
    {
        "instrumento": "reporte-anual",
        "clave": "reporte-anual",
        "grupo": "Reporte Anual de Programa de la SE",
        "vucem_id": 150101,
        "nombre": "Reporte anual de programa de la SE persona física",
        "tipo_persona": "fisica",
        "orden": 1,
    },
    {
        "instrumento": "reporte-anual",
        "clave": "reporte-anual",
        "grupo": "Reporte Anual de Programa de la SE",
        "vucem_id": 150102,
        "nombre": "Reporte anual de programa de la SE persona moral",
        "tipo_persona": "moral",
        "orden": 2,
    },
]


def cargar_catalogo(apps=None) -> None:
    if apps is None:
        # The data migration passes its historical registry; only a live call uses Django's.
        from django.apps import apps as global_apps

        apps = global_apps
    Dependencia = apps.get_model("tramites", "Dependencia")
    Instrumento = apps.get_model("tramites", "Instrumento")
    Tramite = apps.get_model("tramites", "Tramite")
    deps = {}
    for d in DEPENDENCIAS:
        deps[d["clave"]], _ = Dependencia.objects.update_or_create(clave=d["clave"], defaults=d)
    inst = {}
    for i in INSTRUMENTOS:
        datos = {**i, "dependencia": deps[i["dependencia"]]}
        inst[i["slug"]], _ = Instrumento.objects.update_or_create(
            dependencia=datos["dependencia"], slug=i["slug"], defaults=datos
        )
    for t in TRAMITES:
        datos = {**t, "instrumento": inst[t["instrumento"]]}
        Tramite.objects.update_or_create(vucem_id=t["vucem_id"], defaults=datos)
