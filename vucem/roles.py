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


#: The back-office roles that dictaminate (and export).
GRUPOS_DICTAMEN = (Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL)


def es_personal_de_dictamen(user) -> bool:
    """Active staff in a :data:`GRUPOS_DICTAMEN` group, or a superuser."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name__in=GRUPOS_DICTAMEN).exists())
    )


def es_nivel_central(user) -> bool:
    """An active superuser or member of the nivel central group."""
    return bool(
        user.is_active
        and (user.is_superuser or user.groups.filter(name=Rol.NIVEL_CENTRAL).exists())
    )


# Apps whose every model the staff roles see (and nivel central manages) once they exist.
APPS_CATALOGO_STAFF = ("cupos", "raoce", "acuses")


def asegurar_grupos(
    Group, Permission, ContentType, *, apps_registry=None, crear_permisos: bool = True
) -> None:
    """Create the role groups and attach their permissions (idempotent).

    ``apps_registry`` (the real ``django.apps.apps``) adds the domain apps' permissions when
    their models are installed. With ``crear_permisos=False`` only permissions that already
    exist are attached (used after every migrate/flush, when Django creates them itself).
    """

    def _permiso(ct, codename, nombre):
        if crear_permisos:
            return Permission.objects.get_or_create(
                content_type=ct, codename=codename, defaults={"name": nombre}
            )[0]
        return Permission.objects.filter(content_type=ct, codename=codename).first()

    def _ct(app_label, model):
        if crear_permisos:
            return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]
        return ContentType.objects.filter(app_label=app_label, model=model).first()

    for rol, reglas in PERMISOS.items():
        grupo, _ = Group.objects.get_or_create(name=str(rol))
        permisos = []
        for clave, acciones in reglas.items():
            if clave == "custom":
                for app_label, model, codename, nombre in acciones:
                    ct = _ct(app_label, model)
                    if ct is not None:
                        permisos.append(_permiso(ct, codename, nombre))
                continue
            app_label, model = clave
            ct = _ct(app_label, model)
            if ct is None:
                continue
            for accion in acciones:
                permisos.append(_permiso(ct, f"{accion}_{model}", f"Can {accion} {model}"))
        if apps_registry is not None and rol in (Rol.DICTAMINADOR, Rol.NIVEL_CENTRAL):
            for app_label in APPS_CATALOGO_STAFF:
                try:
                    config = apps_registry.get_app_config(app_label)
                except LookupError:
                    continue
                acciones = _TODO if rol == Rol.NIVEL_CENTRAL else ("view", "change")
                for model in config.get_models():
                    nombre = model._meta.model_name
                    ct = _ct(app_label, nombre)
                    if ct is None:
                        continue
                    for accion in acciones:
                        permisos.append(
                            _permiso(ct, f"{accion}_{nombre}", f"Can {accion} {nombre}")
                        )
        grupo.permissions.add(*[p for p in permisos if p is not None])


def al_migrar(sender, using="default", apps=None, **kwargs):
    """post_migrate (also sent after a test flush): keep the role groups and their
    permissions complete once every app's permissions exist."""
    # Imported here: this runs from post_migrate / data migrations, where the live models
    # must not be imported at module load (the app registry may not be ready).
    from django.apps import apps as global_apps
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    con_modelos = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if not con_modelos or sender.label != con_modelos[-1].label:
        return
    asegurar_grupos(
        Group,
        Permission,
        ContentType,
        apps_registry=global_apps,
        crear_permisos=False,
    )
