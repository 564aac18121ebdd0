"""Single sign-on for staff: who an OpenID Connect login is in the lab, and what the provider's groups let them do.

The provider's groups are the truth for the rights they map to: every login sets the lab's facilitator and HR
groups (and the admin flags) of that account to exactly what the mapped groups grant, so a group taken away at
the provider is taken away here at the next login. A login whose groups grant nothing is refused; a person the
lab has never seen then leaves nothing behind, and an account that had rights loses them.
"""
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from classroom.errors import Forbidden
from classroom.models import StaffIdentity
from classroom.reports import HR_GROUP
from classroom.services.access import FACILITATOR_GROUP

FACILITATOR, HR, ADMIN = "facilitator", "hr", "admin"
LAB_GROUPS = {FACILITATOR: FACILITATOR_GROUP, HR: HR_GROUP}
USERNAME_MAX = 150


@dataclass(frozen=True)
class GroupMapping:
    """The provider's group names that grant each right in the lab."""
    facilitator: frozenset[str]
    hr: frozenset[str]
    admin: frozenset[str]

    def grants(self, provider_groups: set[str]) -> set[str]:
        return {right for right, names in ((FACILITATOR, self.facilitator), (HR, self.hr), (ADMIN, self.admin))
                if names & provider_groups}

    def describe(self) -> str:
        parts = [f"{what}: {', '.join(sorted(names))}" for what, names in
                 ((_("facilitators"), self.facilitator), (_("HR"), self.hr), (_("administrators"), self.admin))
                 if names]
        return "; ".join(parts) or _("none is set up yet")


def claim_groups(value) -> set[str]:
    """The groups claim as a set of names: a list of strings (the usual form) or one string; anything else none."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {item for item in value if isinstance(item, str)}
    return set()


def staff_sso_login(*, issuer: str, claims: dict, groups_claim: str, mapping: GroupMapping, provider_name: str,
                    contact: str = ""):
    """The lab account for these verified claims, created or updated, with its rights set from the groups.
    Raises Forbidden when the claims have no subject or their groups grant nothing."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise Forbidden("sso_no_subject", _("%(provider)s did not say who you are (no 'sub' claim): the lab cannot "
                                            "log you in. Ask whoever runs the lab's single sign-on to check the "
                                            "provider's set-up.") % {"provider": provider_name})
    grants = mapping.grants(claim_groups(claims.get(groups_claim)))
    try:
        user = _account_set(issuer=issuer, subject=subject, claims=claims, grants=grants)
    except IntegrityError:
        # A first login of the same person in two tabs at once (or two people taking one name): the other one
        # committed first, and this try finds its account (or the next free name).
        user = _account_set(issuer=issuer, subject=subject, claims=claims, grants=grants)
    if user is None:
        ask = contact or _("whoever manages accounts at %(provider)s") % {"provider": provider_name}
        raise Forbidden("sso_no_group", _("Your account at %(provider)s is not in a group that may use the lab, so "
                                          "you are not logged in and nothing about you was kept. Ask %(ask)s to add "
                                          "you to one of the lab's groups (%(groups)s), then log in again.") % {
            "provider": provider_name, "ask": ask, "groups": mapping.describe()})
    return user


def _account_set(*, issuer: str, subject: str, claims: dict, grants: set[str]):
    """The account of this subject with its rights set to `grants`; None when they grant nothing (an account
    the subject already had loses its rights, and no new one is made)."""
    with transaction.atomic():
        identity = (StaffIdentity.objects.select_for_update().select_related("user")
                    .filter(issuer=issuer, subject=subject).first())
        if not grants:
            if identity is not None:
                _rights_set(identity.user, set())
            user = None
        else:
            if identity is None:
                user = get_user_model().objects.create_user(_free_username(claims, subject))
                StaffIdentity.objects.create(user=user, issuer=issuer, subject=subject)
            else:
                user = identity.user
            _profile_update(user, claims)
            _rights_set(user, grants)
    return user


def _rights_set(user, grants: set[str]) -> None:
    for right, name in LAB_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        (user.groups.add if right in grants else user.groups.remove)(group)
    # The admin groups make a superuser with staff status, and taking them away takes both; staff status given
    # by hand in /admin/ without superuser (HR reading the admin's lists) is the administrator's and stays.
    admin = ADMIN in grants
    if admin != user.is_superuser or (admin and not user.is_staff):
        user.is_superuser = user.is_staff = admin
        user.save(update_fields=["is_superuser", "is_staff"])


def _profile_update(user, claims: dict) -> None:
    fields = {"email": claims.get("email"), "first_name": claims.get("given_name"),
              "last_name": claims.get("family_name")}
    changed = [name for name, value in fields.items()
               if isinstance(value, str) and value[:150] != getattr(user, name)]
    for name in changed:
        setattr(user, name, fields[name][:150])
    if changed:
        user.save(update_fields=changed)


def _free_username(claims: dict, subject: str) -> str:
    """A new account's name: preferred_username, else the e-mail, else the subject; never an existing account's
    (a provider's name is no proof of owning the lab's local account of that name), so a taken one gets -2, -3..."""
    for candidate in (claims.get("preferred_username"), claims.get("email"), f"sso-{subject}"):
        base = re.sub(r"[^\w.@+-]", "", candidate)[:USERNAME_MAX - 4] if isinstance(candidate, str) else ""
        if base:
            break
    User = get_user_model()
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name
