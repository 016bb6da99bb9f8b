from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from tramites import views_bandeja
from vucem import portal_urls, salud

admin.site.site_header = "Ventanilla — Oficina de gestión"
admin.site.site_title = "Ventanilla SE"
admin.site.index_title = "Administración"

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("salud/", salud.vista, name="salud"),
    path("admin/", admin.site.urls),
    path("tramites/", include("tramites.urls")),
    path("cupos/", include("cupos.urls")),
    path("raoce/", include("raoce.urls")),
    path("acuses/", include("acuses.urls")),
    # The portal shell's pages (vucem) and its home, the bandeja (tramites), share the
    # ``vucem`` namespace: the root URLconf is where the layers are composed.
    path("", include((portal_urls.urlpatterns + views_bandeja.urlpatterns, "vucem"))),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
