"""Structural rules the design relies on."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_engine_imports_nothing_from_django():
    code = ("import sys, game.engine, game.engine.mistakes, game.engine.preview; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'channels', 'celery', 'rest_framework'}); "
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"game.engine pulled in: {result.stdout} {result.stderr}"


def test_consumers_views_and_tasks_hold_no_orm_queries():
    thin = ["game/consumers.py", "facilitator/consumers.py", "game/tasks.py", "facilitator/views.py", "game/api.py",
            "classroom/report_views.py", "classroom/api.py",
            "classroom/views.py", "classroom/consumer_base.py", "game/views.py"]
    for path in thin:
        text = (ROOT / path).read_text()
        assert ".objects." not in text, f"{path} queries the ORM directly; call a service or selector"
