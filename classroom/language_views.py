"""The language picker every page shows (frontend/templates/frontend/language_picker.html)."""
from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog

from classroom.language import language_clean
from classroom.services.language import language_choose
from classroom.views import _participant_from_request


@require_POST
def language_set(request):
    """POST language (a code of settings.LANGUAGES; anything else is English), next (a path on this site) and,
    from the room, join_code: the choice is kept for the staff login and the participant this browser is, and in
    the language cookie; back to `next`."""
    code = request.POST.get("join_code", "")
    participant = _participant_from_request(request, code) if isinstance(code, str) and code else None
    language = language_choose(language=request.POST.get("language"), user=request.user, participant=participant)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE)
    return response


class PageLanguageCatalog(JavaScriptCatalog):
    """Django's JavaScript catalog; `?language=de` asks for the catalog of the page that loads it (base.html passes
    its own language), so the projector, which speaks its facilitator's language, and a seat on a browser whose
    cookie says otherwise read their scripts in the page's language. Without it: the request's language (the
    cookie, then Accept-Language). A code the lab does not offer is English."""

    def get(self, request, *args, **kwargs):
        asked = request.GET.get("language")
        if asked is None:
            return super().get(request, *args, **kwargs)
        with translation.override(language_clean(asked)):
            return super().get(request, *args, **kwargs)
