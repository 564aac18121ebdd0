"""The API's interactive docs (Swagger UI, Redoc), served from drf-spectacular-sidecar's local files.

They need what the API needs, a login or a token: a browser that is not logged in is sent to the
login page (it cannot send a token), a request with a bad token gets 401.
"""
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.exceptions import NotAuthenticated


# Only this server: Redoc's bundle would show its logo from the vendor's CDN, and nothing may leave a closed
# network. Inline script and styles are the pages' own (drf-spectacular's templates); workers come from blobs.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
                           "connect-src 'self'; frame-ancestors 'none'")


class _LoginFirst:
    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated) and not self.request.META.get("HTTP_AUTHORIZATION"):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


class ApiDocsView(_LoginFirst, SpectacularSwaggerView):
    pass


class ApiRedocView(_LoginFirst, SpectacularRedocView):
    template_name = "frontend/api_redoc.html"  # without the web fonts the stock page fetches from another host
