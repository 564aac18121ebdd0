"""How a participant's browser proves who it is: a signed cookie holding the rejoin token.

One cookie per session (named after the join code) so a laptop used in two workshops keeps both.
"""
from django.conf import settings
from django.core import signing

SALT = "decision-lab.participant"


def cookie_name(join_code: str) -> str:
    return f"{settings.PARTICIPANT_COOKIE}_{join_code}"


def sign_token(rejoin_token: str) -> str:
    return signing.get_cookie_signer(salt=SALT).sign(rejoin_token)


def unsign_token(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return signing.get_cookie_signer(salt=SALT).unsign(value, max_age=settings.PARTICIPANT_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None


def cookie_token(cookies, join_code: str) -> str | None:
    """The rejoin token this browser holds for the session with `join_code` (None if absent or forged)."""
    return unsign_token(cookies.get(cookie_name(join_code.upper())))


def participant_cookie_set(response, participant) -> None:
    """Give this browser the participant's seat (the join form and an LTI launch both end here)."""
    code = participant.session.join_code
    response.set_cookie(cookie_name(code), sign_token(participant.rejoin_token), max_age=12 * 3600,
                        httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
