from django.db import migrations


def cargar(apps, schema_editor):
    from tramites.catalogo import cargar_catalogo

    cargar_catalogo(apps)


class Migration(migrations.Migration):
    dependencies = [("tramites", "0002_initial")]

    operations = [migrations.RunPython(cargar, migrations.RunPython.noop)]
