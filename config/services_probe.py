"""Print shell exports selecting the services mode for the test suite when PostgreSQL and Redis
answer on 127.0.0.1 (as on CI), and nothing (the embedded default) otherwise.

`make test` evals this. Variables already set in the environment win.
"""
import os
import socket
import sys


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def main() -> None:
    if os.environ.get("LAB_TEST_MODE") == "embedded":
        print("echo 'tests: embedded default (LAB_TEST_MODE=embedded)' >&2")
        return
    if "DATABASE_URL" in os.environ or "REDIS_URL" in os.environ:
        print("echo 'tests: services from the environment' >&2")
        return
    if reachable(5432) and reachable(6379):
        print("export DATABASE_URL=postgres://postgres@127.0.0.1:5432/decisionlab")
        print("export REDIS_URL=redis://127.0.0.1:6379/15")
        print("echo 'tests: services mode (PostgreSQL + Redis + a Celery worker on 127.0.0.1)' >&2")
    else:
        print("echo 'tests: embedded default (PostgreSQL/Redis not reachable)' >&2")


if __name__ == "__main__":
    main()
    sys.exit(0)
