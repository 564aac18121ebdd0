"""Bench-only: create the bench facilitator and a session in its lobby; print them as JSON.

Run with the server's environment (DATABASE_URL / SQLITE_PATH ...) from the source root:
    python bench/web/setup_session.py --minutes 60
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402

from classroom.services.access import FACILITATOR_GROUP  # noqa: E402
from classroom.services.sessions import session_create  # noqa: E402

USER, PASSWORD = "benchfac", "bench-web-password"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--name", default="Web load bench")
    args = parser.parse_args()
    User = get_user_model()
    user, created = User.objects.get_or_create(username=USER, defaults={"is_staff": True})
    if created:
        user.set_password(PASSWORD)
        user.save()
    user.groups.add(Group.objects.get_or_create(name=FACILITATOR_GROUP)[0])  # may run sessions
    session = session_create(facilitator=user, name=args.name, scenario_name="demo", rounds=8,
                             minutes_per_round=args.minutes, seed=7)
    print(json.dumps({"session_id": session.id, "join_code": session.join_code,
                      "username": USER, "password": PASSWORD}))


if __name__ == "__main__":
    main()
