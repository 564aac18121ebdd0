"""Time a round close for a whole workshop: N participants (N/4 teams), one engine run, results
stored and broadcast, the next round opened. Runs on a fresh database in the mode the
environment selects (embedded SQLite by default; DATABASE_URL for PostgreSQL).

    .venv/bin/python bench/web/round_close.py --people 200
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    os.environ.pop("REDIS_URL", None)  # Celery in-process: the close runs right here, timed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    # Joined here without a lobby socket: a long TTL keeps the first joiners seated at the start (not "left").
    os.environ.setdefault("LAB_PRESENCE_TTL_SECONDS", "3600")
    if os.environ.get("DATABASE_URL"):  # the services profile refuses defaults: a key of this run, plain HTTP
        os.environ.setdefault("DJANGO_SECRET_KEY", __import__("secrets").token_urlsafe(50))
        os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
        os.environ.setdefault("LAB_HTTPS", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from classroom.services.sessions import participant_join, session_create
    from classroom.events import sender_loop_start
    from game.engine import simulate_round  # noqa: F401  (import cost outside the timing)
    from game.services import rounds

    from django.contrib.auth.models import Group

    from classroom.services.access import FACILITATOR_GROUP

    user = get_user_model().objects.create_user(username=f"bench{time.time_ns()}", password="x")
    user.groups.add(Group.objects.get_or_create(name=FACILITATOR_GROUP)[0])  # may run sessions
    session = session_create(facilitator=user, name="bench", scenario_name="demo", rounds=args.rounds,
                             minutes_per_round=30, seed=1)
    for i in range(args.people):
        participant_join(join_code=session.join_code, display_name=f"P{i}")
    rounds.session_start(session_id=session.id, user=user)
    sender_loop_start()  # as a Celery worker sends (config/celery.py), not a loop per send
    teams = session.teams.count()
    print(f"{connection.vendor}: {args.people} people in {teams} teams")
    for number in range(1, args.rounds + 1):
        start = time.perf_counter()
        rounds.round_advance(session_id=session.id, user=user, round_number=number)
        elapsed = time.perf_counter() - start
        print(f"round {number} close (engine + {teams} results + broadcasts + next round open): {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
