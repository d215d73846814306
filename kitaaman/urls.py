from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views

# The admin is a SimpleAdminConfig (see settings): register our models here.
import_module("incidents.admin")
import_module("incidents.channels.admin")
import_module("incidents.open311.admin")
import_module("spm.admin")
import_module("spm.summaries.admin")
import_module("spm.warnings.admin")
import_module("spm.population.admin")
import_module("kitaaman.admin")

urlpatterns = [
    path("livez", views.livez, name="livez"),
    path("logo-daerah", views.region_logo, name="region_logo"),
    path("readyz", views.readyz, name="readyz"),
    # The name existing monitors know: the readiness check.
    path("healthz", views.readyz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/v1/", include("incidents.api_urls")),
    path("api/v1/", include("spm.api_urls")),
    path("api/v1/", include("spm.summaries.api_urls")),
    path("api/v1/", include("spm.warnings.api_urls")),
    path("open311/", include("incidents.open311.urls")),
    path("", include("incidents.urls")),
    path("", include("spm.urls")),
    path("", include("spm.warnings.urls")),
]

if settings.DEBUG:
    from django.views.static import serve

    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

# Under /api/ every error is the JSON envelope; pages keep the HTML ones.
handler400 = "kitaaman.views.bad_request"
handler403 = "kitaaman.views.permission_denied"
handler404 = "kitaaman.views.page_not_found"
handler500 = "kitaaman.views.server_error"
