"""Load the demo: a facilitator (group "facilitator") and an HR account (group "hr"), and a session of the
demo scenario in its lobby."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from classroom.models import Session
from classroom.reports import HR_GROUP
from classroom.services.access import FACILITATOR_GROUP
from classroom.services.sessions import session_create
from game import engine

DEMO_USER = "facilitator"
DEMO_HR_USER = "hr"
DEMO_PASSWORD = "decisionlab"


class Command(BaseCommand):
    help = "Create the demo facilitator and HR accounts and a demo session (idempotent)."

    def handle(self, *args, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=DEMO_USER, defaults={"is_staff": True})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get_or_create(name=FACILITATOR_GROUP)[0])  # may run sessions
        hr_user, created = User.objects.get_or_create(username=DEMO_HR_USER)
        if created:
            hr_user.set_password(DEMO_PASSWORD)
            hr_user.save()
        hr_user.groups.add(Group.objects.get_or_create(name=HR_GROUP)[0])
        scenario = engine.load_scenario("demo")
        session = Session.objects.filter(facilitator=user, state=Session.State.LOBBY).first()
        if session is None:
            session = session_create(facilitator=user, name="Demo workshop", scenario_name="demo",
                                     rounds=scenario.rounds, minutes_per_round=scenario.minutes_per_round, seed=42)
        self.stdout.write(f"Demo facilitator login: {DEMO_USER} / {DEMO_PASSWORD}  (console: /console/)")
        self.stdout.write(f"Demo HR login: {DEMO_HR_USER} / {DEMO_PASSWORD}  (participation reports: /reports/)")
        self.stdout.write(f"Demo session '{session.name}': join code {session.join_code}")
