"""Single sign-on for staff over OpenID Connect (mozilla-django-oidc, docs/decisions.md): the backend, the two
views (start a login at the provider; its answer) and the login page that offers it.

The library does the protocol (state, nonce, PKCE, the code exchange, the ID token's signature); this module
adds what it leaves out (the ID token's audience and issuer, endpoints from the provider's discovery document)
and hands the verified claims to classroom/services/staff_sso.py, which decides who the person is and what they
may do. Everything is off unless LAB_OIDC_ISSUER and LAB_OIDC_CLIENT_ID are set.
"""
import logging

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import LoginView
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import render
from django.views import View
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from classroom.errors import Forbidden, LabError, NotFound, Unavailable
from classroom.reports import report_user_is_hr
from classroom.services.access import user_may_facilitate
from classroom.services.staff_sso import GroupMapping, staff_sso_login

log = logging.getLogger(__name__)
DISCOVERY = {"OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint", "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
             "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint", "OIDC_OP_JWKS_ENDPOINT": "jwks_uri"}
_discovered: dict[str, dict] = {}  # issuer -> its discovery document, once it answered


def provider_setting(attr, *default):
    """A mozilla-django-oidc setting; an endpoint left unset comes from the issuer's discovery document."""
    if attr in DISCOVERY:
        explicit = settings.LAB_OIDC_ENDPOINTS.get(attr)
        return explicit or _discovery(settings.LAB_OIDC_ISSUER)[DISCOVERY[attr]]
    return import_from_settings(attr, *default)


def _discovery(issuer: str) -> dict:
    if issuer not in _discovered:
        url = f"{issuer}/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("OIDC discovery at %s failed: %s", url, exc)
            raise Unavailable("sso_unavailable", _("%(provider)s did not answer the lab just now, so single sign-on "
                                                   "cannot start. Try again in a minute, or log in with a password.")
                              % {"provider": settings.LAB_OIDC_PROVIDER_NAME})
        if document.get("issuer") != issuer or not all(document.get(key) for key in DISCOVERY.values()):
            raise Unavailable("sso_misconfigured", _("%(provider)s's discovery document does not describe the "
                                                     "issuer %(issuer)s: check LAB_OIDC_ISSUER (README, 'Single "
                                                     "sign-on for staff').") % {
                "provider": settings.LAB_OIDC_PROVIDER_NAME, "issuer": issuer})
        _discovered[issuer] = document
    return _discovered[issuer]


def group_mapping() -> GroupMapping:
    return GroupMapping(facilitator=frozenset(settings.LAB_OIDC_FACILITATOR_GROUPS),
                        hr=frozenset(settings.LAB_OIDC_HR_GROUPS), admin=frozenset(settings.LAB_OIDC_ADMIN_GROUPS))


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Acts only on the answer of a login this lab started (the callback passes the nonce); listed always, so a
    password login goes past it untouched, and with single sign-on off it reads none of its settings."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()
        self.enabled = settings.LAB_OIDC_ENABLED

    def authenticate(self, request, **kwargs):
        if not self.enabled or request is None or "nonce" not in kwargs:
            return None
        super().__init__()  # the endpoints, now that a login is under way
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        """Django's: a switched-off account's open sessions end at their next request (the library's would not)."""
        return ModelBackend.get_user(self, user_id)

    def verify_token(self, token, **kwargs):
        """The library checks the signature and the nonce; the token must also be for this lab, from this issuer."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is for another client (aud).")
        if payload.get("iss") != settings.LAB_OIDC_ISSUER:
            raise SuspiciousOperation("The ID token is from another issuer (iss).")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo answer is about someone else than the ID token (sub).")
        # Some providers put the groups in the ID token only: the userinfo answer wins where both say something.
        claims = {**payload, **userinfo}
        try:
            return staff_sso_login(issuer=settings.LAB_OIDC_ISSUER, claims=claims,
                                   groups_claim=settings.LAB_OIDC_GROUPS_CLAIM, mapping=group_mapping(),
                                   provider_name=settings.LAB_OIDC_PROVIDER_NAME, contact=settings.LAB_OIDC_CONTACT)
        except Forbidden as exc:
            self.request.staff_sso_refusal = exc  # shown by the callback view
            return None


def _error_page(request, error: LabError):
    return render(request, "frontend/error.html", {"error": error}, status=error.http_status)


def _not_configured(request):
    return _error_page(request, NotFound("sso_off", _("Single sign-on is not set up on this lab: log in with a "
                                                           "user name and password.")))


class StaffOIDCAuthenticate(OIDCAuthenticationRequestView):
    """GET /oidc/authenticate/?next=...: off to the provider's login, with a fresh state, nonce and PKCE pair."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)  # the endpoint is looked up per request, when single sign-on is on

    def get(self, request):
        if not settings.LAB_OIDC_ENABLED:
            return _not_configured(request)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except Unavailable as exc:
            return _error_page(request, exc)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class StaffOIDCCallback(OIDCAuthenticationCallbackView):
    """GET /oidc/callback/?code=...&state=...: the provider's answer: logged in and sent on, or a page saying why
    not."""

    get_settings = staticmethod(provider_setting)

    def get(self, request):
        if not settings.LAB_OIDC_ENABLED:
            return _not_configured(request)
        if request.GET.get("error") or "code" not in request.GET or "state" not in request.GET:
            return super().get(request)  # the provider said no: the library drops the state and logs out
        try:
            return self._answer(request)
        except SuspiciousOperation as exc:
            log.warning("OIDC login refused: %s", exc)
            return _error_page(request, LabError(
                "sso_not_verified", _("This single sign-on answer could not be verified (it was not for a login "
                                      "started in this browser, or was changed on the way), so you are not logged "
                                      "in. Start again from the login page.")))
        except (requests.RequestException, Unavailable) as exc:
            log.warning("OIDC provider unreachable during a login: %s", exc)
            return _error_page(request, Unavailable(
                "sso_unavailable", _("%(provider)s did not answer the lab, or refused it, while logging you in. Try "
                                     "again in a minute, or log in with a password; if it keeps happening, ask "
                                     "whoever runs the lab to check its single sign-on settings (the client id and "
                                     "secret).") % {"provider": settings.LAB_OIDC_PROVIDER_NAME}))

    def _answer(self, request):
        """The library's callback, but calling the backend itself rather than django.contrib.auth.authenticate: a
        refused single sign-on is no wrong password, and through authenticate() django-axes would record it (a
        row kept of a refused login) and lock the address out of single sign-on after a few refusals."""
        states = request.session.get("oidc_states")
        if not states:
            return self.login_failure()  # no login was started in this browser (or it finished already)
        state = request.GET["state"]
        if state not in states:
            raise SuspiciousOperation("OIDC callback state not found in the session.")
        started = states.pop(state)  # used once: a replayed answer finds nothing
        request.session["oidc_states"] = states
        request.session.save()
        # Reloaded after the slow calls to the provider, as the library does, so other tabs' changes are kept.
        request.session = request.session.__class__(request.session.session_key)
        self.user = StaffOIDCBackend().authenticate(request, nonce=started["nonce"],
                                                    code_verifier=started.get("code_verifier"))
        if self.user is not None and self.user.is_active:
            self.user.backend = f"{StaffOIDCBackend.__module__}.{StaffOIDCBackend.__qualname__}"
            return self.login_success()
        return self.login_failure()

    def login_failure(self):
        refusal = getattr(self.request, "staff_sso_refusal", None)
        if refusal is not None:
            return _error_page(self.request, refusal)
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            return _error_page(self.request, Forbidden(
                "sso_inactive", _("Your lab account is switched off: ask an administrator of the lab.")))
        return super().login_failure()

    @property
    def success_url(self):
        chosen = self.request.session.get("oidc_login_next")
        if chosen:
            return chosen
        if user_may_facilitate(user=self.user) or not report_user_is_hr(user=self.user):
            return settings.LOGIN_REDIRECT_URL
        return "/reports/"


class StaffLoginView(LoginView):
    """The staff login page: user name and password, and "Log in with <provider>" when single sign-on is on."""

    template_name = "frontend/login.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_enabled": settings.LAB_OIDC_ENABLED,
                "sso_provider": settings.LAB_OIDC_PROVIDER_NAME}
