"""A person's own REST API token (rest_framework.authtoken): create, rotate, revoke; never anyone else's.

Every function takes the acting user and acts on that user's token only: there is no way to name
another person. The key is returned once, by create and rotate; the page shows it then and never again.
"""
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from classroom.errors import Forbidden, LabError
from classroom.reports import report_user_is_hr
from classroom.services.access import user_may_facilitate


def api_token_check(*, user) -> None:
    """API tokens are for the people the API serves: HR, facilitators and superusers."""
    if not (report_user_is_hr(user=user) or user_may_facilitate(user=user)):
        raise Forbidden("api_token_forbidden", _("API tokens are for HR (the 'hr' group) and facilitators. Ask an "
                                                 "administrator to add you to one of those groups."))


def api_token_get(*, user) -> Token | None:
    api_token_check(user=user)
    return Token.objects.filter(user=user).first()


def api_token_create(*, user) -> str:
    api_token_check(user=user)
    with transaction.atomic():
        if Token.objects.select_for_update().filter(user=user).exists():
            raise LabError("token_exists", _("You have a token already. Rotate it to get a new key (the old one "
                                             "stops working), or revoke it."))
        return Token.objects.create(user=user).key


def api_token_rotate(*, user) -> str:
    """A new key; the previous one stops working at once."""
    api_token_check(user=user)
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user).key


def api_token_revoke(*, user) -> bool:
    """Delete the user's token (True if there was one); requests with it get 401 from then on."""
    api_token_check(user=user)
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
