"""Cupos URLs: each area keeps its own list (expedición/consulta, asignación/dictamen)."""

from cupos import urls_asignacion, urls_expedicion

app_name = "cupos"
urlpatterns = [*urls_expedicion.urlpatterns, *urls_asignacion.urlpatterns]
