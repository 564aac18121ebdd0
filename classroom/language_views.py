"""The language picker every page shows (frontend/templates/frontend/language_picker.html)."""
from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

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
