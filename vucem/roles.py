"""Roles as Django groups, with the model permissions of each staff role.

Used by the data migration (with the historical models) and by ``cargar_demo`` (with the
real ones) so both give the same result. Permissions of apps whose tables do not exist yet
are simply skipped and added on the next ``asegurar_grupos`` run.
"""

from vucem.models import Rol

_VER = ("view",)
_TODO = ("add", "change", "delete", "view")

# role -> {(app_label, model): actions} plus custom codenames ("app.codename").
PERMISOS: dict[str, dict] = {
    Rol.SOLICITANTE_FISICA: {},
    Rol.SOLICITANTE_MORAL: {},
    Rol.CAPTURISTA_PRIVADO: {},
    Rol.CAPTURISTA_GUBERNAMENTAL: {
        ("vucem", "persona"): _VER,
        ("vucem", "domicilio"): _VER,
    },
    Rol.DICTAMINADOR: {
        ("vucem", "persona"): _VER,
        ("vucem", "domicilio"): _VER,
        ("tramites", "solicitud"): ("view", "change"),
        ("tramites", "anexo"): _VER,
        ("tramites", "registroauditoria"): _VER,
        ("tramites", "notificacion"): _VER,
        ("tramites", "tramite"): _VER,
        ("tramites", "diainhabil"): _VER,
        "custom": [
            ("tramites", "solicitud", "dictaminar_solicitud", "Puede dictaminar solicitudes")
        ],
    },
    Rol.NIVEL_CENTRAL: {
        ("vucem", "persona"): _VER,
        ("vucem", "domicilio"): _VER,
        ("vucem", "capturista"): _VER,
        ("tramites", "solicitud"): ("view", "change"),
        ("tramites", "anexo"): _VER,
        ("tramites", "registroauditoria"): _VER,
        ("tramites", "notificacion"): ("view", "change"),
        ("tramites", "dependencia"): _TODO,
        ("tramites", "instrumento"): _TODO,
        ("tramites", "tramite"): _TODO,
        ("tramites", "diainhabil"): _TODO,
        "custom": [
            ("tramites", "solicitud", "dictaminar_solicitud", "Puede dictaminar solicitudes")
        ],
    },
}

# Apps whose every model the staff roles see (and nivel central manages) once they exist.
APPS_CATALOGO_STAFF = ("cupos", "raoce", "acuses")


def asegurar_grupos(Group, Permission, ContentType, *, apps_registry=None) -> None:
    """Create the role groups and attach their permissions (idempotent).

    ``apps_registry`` (the real ``django.apps.apps`` or the migration's) lets us add the
    domain apps' permissions when their models are installed.
    """
    for rol, reglas in PERMISOS.items():
        grupo, _ = Group.objects.get_or_create(name=str(rol))
        permisos = []
        for clave, acciones in reglas.items():
            if clave == "custom":
                for app_label, model, codename, nombre in acciones:
                    ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
                    p, _ = Permission.objects.get_or_create(
                        content_type=ct, codename=codename, defaults={"name": nombre}
                    )
                    permisos.append(p)
                continue
            app_label, model = clave
            ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            for accion in acciones:
                p, _ = Permission.objects.get_or_create(
                    content_type=ct,
                    codename=f"{accion}_{model}",
                    defaults={"name": f"Can {accion} {model}"},
                )
                permisos.append(p)
        if apps_registry is not None and rol in (Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL):
            for app_label in APPS_CATALOGO_STAFF:
                try:
                    config = apps_registry.get_app_config(app_label)
                except LookupError:
                    continue
                acciones = _TODO if rol == Rol.NIVEL_CENTRAL else ("view", "change")
                for model in config.get_models():
                    nombre = model._meta.model_name
                    ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=nombre)
                    for accion in acciones:
                        p, _ = Permission.objects.get_or_create(
                            content_type=ct,
                            codename=f"{accion}_{nombre}",
                            defaults={"name": f"Can {accion} {nombre}"},
                        )
                        permisos.append(p)
        grupo.permissions.add(*permisos)
