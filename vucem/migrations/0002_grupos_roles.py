"""Data migration: one Django group per role (vucem.models.Rol) with staff permissions."""

from django.db import migrations


def crear_grupos(apps, schema_editor):
    from vucem.roles import asegurar_grupos

    asegurar_grupos(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        apps.get_model("contenttypes", "ContentType"),
    )


def borrar_grupos(apps, schema_editor):
    from vucem.roles import PERMISOS

    apps.get_model("auth", "Group").objects.filter(name__in=[str(r) for r in PERMISOS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("vucem", "0001_initial"),
        ("tramites", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(crear_grupos, borrar_grupos)]
