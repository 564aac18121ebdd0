"""Fast settings for the test suite: same mode choice as production, cheaper hashing."""
import os
import secrets

# The services profile (config/services_probe.py sets DATABASE_URL and REDIS_URL for `make test`)
# requires a real secret key and host names: one random key per test run, shared with the processes
# the suite starts (daphne, a Celery worker: they inherit this environment), and plain HTTP on
# loopback. tests/test_deploy_settings.py checks the services profile without these.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
if os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL"):
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
    os.environ.setdefault("LAB_HTTPS", "false")

from .base import *  # noqa: E402, F403

# The suite's own requests use made-up host names (a laptop's LAN name, the join address picker) in
# either mode; the servers it starts keep the loopback list above.
ALLOWED_HOSTS = ["*"]

# MD5 for speed; PBKDF2 too, so a user made for the browser tests can log in to a server that
# runs the production settings.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run Celery tasks in-process; the services tests start a real worker and switch
# this off for themselves (tests/test_services_mode.py).
CELERY_TASK_ALWAYS_EAGER = True
# Deadline timers are driven explicitly by the tests.
ROUND_DEADLINE_SCHEDULER = "none"
# Many tests join with unknown codes from the test client's one address, and the fuzz tests drive one
# socket with thousands of frames: the limits' own tests (tests/classroom/test_throttle*.py,
# tests/game/test_socket_flood.py) set the real values.
LAB_JOIN_TRIES_PER_MINUTE = 10_000
LAB_REJOIN_TRIES_PER_MINUTE = 10_000
LAB_SOCKET_BURST = 100_000
LAB_SOCKET_FRAMES_PER_SECOND = 100_000

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not the shared-cache in-memory default: shared cache fails concurrent writers with
    # "table is locked" instead of waiting, and the race tests need real WAL locking.
    # One file per test run, so two runs in one checkout never share (or delete) each other's.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405
    # A test process runs sockets in-process: the loop's executor threads (channels' database_sync_to_async), the
    # coalescing timers and the test's own thread each hold a connection while they work, and a socket test with
    # several seats had all 20 out at once, one waiting out the pool's 10 s (PoolTimeout, seen in two runs). Its
    # own pool is larger and waits longer; the servers and workers it starts keep the production size (20).
    DATABASES["default"]["OPTIONS"]["pool"] = {**DATABASES["default"]["OPTIONS"]["pool"],  # noqa: F405
                                               "max_size": 40, "timeout": 30}

if SERVICES_MODE:  # noqa: F405
    # Keep this run's groups apart from any server or earlier run sharing the Redis instance.
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"test{os.getpid()}"  # noqa: F405
    # The cache too (chat windows, launch nonces, lockouts): two runs at once (pytest-xdist's workers) number their
    # participants alike, and would otherwise count each other's chat. Not the prefix of the servers this run starts
    # (CHANNEL_PREFIX, tests/processes.py): a browser test's lockout of 127.0.0.1 must not lock out later tests.
    CACHES["default"]["KEY_PREFIX"] = f"test{os.getpid()}-tests"  # noqa: F405
    CELERY_TASK_DEFAULT_QUEUE = f"test{os.getpid()}"
    LAB_THROTTLE_PREFIX = f"test{os.getpid()}"
