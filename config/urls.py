from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_page
from drf_spectacular.views import SpectacularAPIView

from classroom.api_docs import ApiDocsView, ApiRedocView
from classroom.language_views import PageLanguageCatalog
from facilitator.admin import scenario_site

urlpatterns = [
    path("", include("classroom.urls")),
    path("", include("game.urls")),
    # The browser code's strings in the page's language (Django's JavaScript catalog; served here, no CDN).
    path("jsi18n/", cache_page(3600)(PageLanguageCatalog.as_view()), name="javascript-catalog"),
    path("console/scenarios/", scenario_site.urls),  # the scenario editor (facilitator/admin.py)
    path("console/", include("facilitator.urls")),
    path("projector/", include("facilitator.projector_urls")),
    path("lti/", include("facilitator.lti_urls")),  # LTI 1.3 tool: launch from a learning platform
    path("reports/", include("classroom.report_urls")),
    path("oidc/", include("classroom.oidc_urls")),  # single sign-on for staff (classroom/oidc.py)
    path("api/", include("game.api_urls")),
    path("api/", include("classroom.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", ApiRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]
