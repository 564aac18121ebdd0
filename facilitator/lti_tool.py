"""PyLTI1p3 wired to this lab: the tool configuration read from LtiPlatform rows, launch state kept in the
cache, and each nonce good for one launch. The library checks the launch (state, signature against the
platform's key set, issuer, audience, expiry, deployment, message); lti_launch.py decides what it leads to.
"""
import requests
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.session import DjangoSessionService
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from facilitator.lti_models import LtiPlatform

KEY_SET_TIMEOUT_SECONDS = 10


class LaunchRefused(Exception):
    """The library refused the login or the launch; `detail` is its reason (no personal data in it)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def platform_find(*, issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The active platform; without a client id (it is optional at login) only if the issuer has one."""
    rows = LtiPlatform.objects.filter(issuer=issuer, is_active=True)
    if client_id:
        return rows.filter(client_id=client_id).first()
    found = list(rows[:2])
    return found[0] if len(found) == 1 else None


class PlatformToolConf(ToolConfAbstract):
    """The registrations PyLTI1p3 asks for, from the admin's LtiPlatform rows (one issuer, many client ids)."""

    def check_iss_has_one_client(self, iss):
        return False

    def check_iss_has_many_clients(self, iss):
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = platform_find(issuer=iss, client_id=client_id)
        if platform is None:
            return None
        return (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
                .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
                .set_key_set_url(platform.key_set_url).set_tool_private_key(platform.tool_private_key)
                .set_tool_public_key(platform.tool_public_key()))

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = platform_find(issuer=iss, client_id=client_id)
        if platform is None or deployment_id not in platform.deployment_id_list():
            return None
        return Deployment().set_deployment_id(deployment_id)


def tool_jwks() -> dict:
    """The public keys of the tool (one per active platform), for the platforms to check what it signs."""
    return {"keys": [Registration.get_jwk(p.tool_public_key()) for p in LtiPlatform.objects.filter(is_active=True)]}


class _LaunchStorage(DjangoCacheDataStorage):
    """The library's cache storage (shared by every web process in services mode), able to take a key out."""

    def take(self, key: str) -> bool:
        return bool(self._get_cache().delete(self._prepare_key(key)))


class _OneTimeNonce(DjangoSessionService):
    """The library keeps a nonce after checking it, so the same id_token posted again would pass: here the
    check takes it out (cache delete is atomic), and a replay finds none."""

    def check_nonce(self, nonce: str) -> bool:
        return self.data_storage.take(self._get_key("nonce", nonce))


class _TimeoutSession(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", KEY_SET_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def login_redirect(*, request, launch_url: str):
    """The platform's third-party login: remember state and nonce, send the browser to the platform."""
    login = DjangoOIDCLogin(request, PlatformToolConf(), session_service=_OneTimeNonce(request),
                            launch_data_storage=_LaunchStorage())
    try:
        return login.redirect(launch_url)
    except (LtiException, OIDCException) as exc:
        raise LaunchRefused(str(exc)) from exc


def launch_validated(*, request) -> dict:
    """The launch's claims, once the library has checked all of it (else LaunchRefused)."""
    storage = _LaunchStorage()
    launch = DjangoMessageLaunch(request, PlatformToolConf(), session_service=_OneTimeNonce(request),
                                 launch_data_storage=storage, requests_session=_TimeoutSession())
    # The audience is checked by the registration lookup (issuer + 'aud' must name a platform row); PyJWT checks
    # the signature and the expiry.
    try:
        claims = dict(launch.get_launch_data())
    except (LtiException, OIDCException) as exc:
        raise LaunchRefused(str(exc)) from exc
    # The library caches the claims (names, email) for a day for later service calls; the lab makes none.
    storage.take(launch.get_launch_id())
    return claims
