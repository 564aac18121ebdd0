"""A person chooses the language they read the lab in (classroom/language.py)."""
from django.db import transaction

from classroom.language import language_clean
from classroom.models import Participant, StaffLanguage


def language_choose(*, language, user=None, participant: Participant | None = None) -> str:
    """Store the choice for a logged-in staff member and/or the participant this browser holds a seat as;
    returns the code kept (an unknown code is English)."""
    code = language_clean(language)
    with transaction.atomic():
        if user is not None and user.is_authenticated:
            StaffLanguage.objects.update_or_create(user=user, defaults={"language": code})
        if participant is not None:
            Participant.objects.filter(pk=participant.pk).update(language=code)
    return code
