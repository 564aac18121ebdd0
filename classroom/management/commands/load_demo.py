"""Load the demo for `make run` (embedded profile only): a facilitator (group "facilitator") and an HR account
(group "hr") sharing a password made at random on the first run, and a session of the demo scenario in its lobby.

The password is kept in `.demo_password` beside `.secret_key` in the checkout (mode 0600, gitignored) so
that every `make run` can print it again; the database holds only its hash. A demo account that still has
the fixed password of earlier versions ("decisionlab") gets the random one.

In the services profile (DATABASE_URL or REDIS_URL set) the command refuses: a lab on a network gets its
staff accounts from `createsuperuser` and `create_hr_user`, never from a demo (docs/security.md).
"""
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from classroom.models import Session
from classroom.reports import HR_GROUP
from classroom.services.access import FACILITATOR_GROUP
from classroom.services.sessions import session_create
from game import engine

DEMO_USER = "facilitator"
DEMO_HR_USER = "hr"
# The fixed password earlier versions gave the demo accounts: replaced wherever it is still in use.
OLD_FIXED_PASSWORD = "decisionlab"
# Read aloud or typed from a screen: no 0/O, 1/I/l.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def demo_password_path() -> Path:
    return Path(getattr(settings, "LAB_DEMO_PASSWORD_FILE", None) or settings.BASE_DIR / ".demo_password")


def new_demo_password() -> str:
    """Three groups of five (about 74 bits): 'k7m2q-xr9tp-3hv8c'."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(5)) for _ in range(3))


def demo_password() -> tuple[str, bool]:
    """The demo password and whether it was made just now (the file is written readable by its owner only)."""
    path = demo_password_path()
    if path.exists():
        password = path.read_text().strip()
        if password:
            return password, False
    password = new_demo_password()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)
    return password, True


class Command(BaseCommand):
    help = ("Embedded profile only: create the demo facilitator and HR accounts (a random password, printed every "
            "run) and a demo session (idempotent).")

    def handle(self, *args, **options):
        if settings.SERVICES_PROFILE:
            raise CommandError(
                "load_demo makes demo accounts for a facilitator's own laptop (`make run`) and refuses to run with "
                "DATABASE_URL or REDIS_URL set. Create staff accounts with `python manage.py createsuperuser` (then "
                "put facilitators in the 'facilitator' group in /admin/) and `python manage.py create_hr_user NAME "
                "--password ...` (docs/security.md, 'Deployment').")
        password, fresh = demo_password()
        User = get_user_model()
        user = self._account(User, DEMO_USER, password, fresh, is_staff=True)
        user.groups.add(Group.objects.get_or_create(name=FACILITATOR_GROUP)[0])  # may run sessions
        hr_user = self._account(User, DEMO_HR_USER, password, fresh, is_staff=False)
        hr_user.groups.add(Group.objects.get_or_create(name=HR_GROUP)[0])
        scenario = engine.load_scenario("demo")
        session = Session.objects.filter(facilitator=user, state=Session.State.LOBBY).first()
        if session is None:
            session = session_create(facilitator=user, name="Demo workshop", scenario_name="demo",
                                     rounds=scenario.rounds, minutes_per_round=scenario.minutes_per_round, seed=42)
        self.stdout.write(f"Demo facilitator login: {DEMO_USER} / {password}  (console: /console/)")
        self.stdout.write(f"Demo HR login: {DEMO_HR_USER} / {password}  (participation reports: /reports/)")
        self.stdout.write(f"  (the demo password is kept in {demo_password_path()}, readable by you only; delete "
                          "that file for a new one)")
        self.stdout.write(f"Demo session '{session.name}': join code {session.join_code}")

    @staticmethod
    def _account(User, username: str, password: str, fresh: bool, *, is_staff: bool):
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
        # The printed password always works: a new account, a new password file, or an account still on the old
        # fixed password (or any other) is given the one in the file.
        if created or fresh or not user.check_password(password):
            user.set_password(password)
            user.save()
        return user
