"""RAOCE oficios (ratificación / cancelación) were filed as resoluciones: they are oficios."""

from django.db import migrations


def adelante(apps, schema_editor):
    Documento = apps.get_model("acuses", "Documento")
    for doc in Documento.objects.filter(tipo="resolucion", solicitud__tramite__clave="reporte-anual"):
        if "programa" in (doc.contexto or {}):
            doc.tipo = "oficio"
            doc.contexto = {"encabezado": "OFICIO", **doc.contexto}
            doc.save(update_fields=["tipo", "contexto"])


class Migration(migrations.Migration):
    dependencies = [("raoce", "0003_tipocambio_minimo"), ("acuses", "0004_plantilla_tipos_neutros")]
    operations = [migrations.RunPython(adelante, migrations.RunPython.noop)]
