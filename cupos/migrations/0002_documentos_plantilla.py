"""Documents issued before acuses became neutral: cupos names its template and heading."""

from django.db import migrations

ENCABEZADOS = {"certificado": "CERTIFICADO DE CUPO", "oficio": "OFICIO DE ASIGNACIÓN DE CUPO"}


def adelante(apps, schema_editor):
    Documento = apps.get_model("acuses", "Documento")
    for doc in Documento.objects.filter(tipo__in=list(ENCABEZADOS), plantilla=""):
        doc.plantilla = "cupos/pdf/cupo.html"
        doc.contexto = {"encabezado": ENCABEZADOS[doc.tipo], **(doc.contexto or {})}
        doc.save(update_fields=["plantilla", "contexto"])


class Migration(migrations.Migration):
    dependencies = [("cupos", "0001_initial"), ("acuses", "0004_plantilla_tipos_neutros")]
    operations = [migrations.RunPython(adelante, migrations.RunPython.noop)]
