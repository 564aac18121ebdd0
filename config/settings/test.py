"""Fast settings for the test suite: same mode choice as production, cheaper hashing."""
from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run Celery tasks in-process; the services tests start a real worker and switch
# this off for themselves (tests/test_services_mode.py).
CELERY_TASK_ALWAYS_EAGER = True
# Deadline timers are driven explicitly by the tests.
ROUND_DEADLINE_SCHEDULER = "none"
