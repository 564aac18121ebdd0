"""The four roles' titles, as people read them: kept in English here, marked for the catalogue, and given in the
active language by the functions below (so JSON never holds a lazy string). The keys are the roles' codes
(`game.engine.ROLES`), which the API and the stored rows keep."""
from django.utils.translation import gettext, gettext_noop as _

ROLE_TITLES = {"director": _("Director"), "finance": _("Finance"), "engineering": _("Engineering"), "hr": _("HR")}


def role_title(role: str) -> str:
    """A role's title in the active language (the role's code when it is not one)."""
    return gettext(ROLE_TITLES[role]) if role in ROLE_TITLES else role


def role_titles() -> dict[str, str]:
    return {role: gettext(title) for role, title in ROLE_TITLES.items()}
