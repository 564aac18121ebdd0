"""Login lockout (django-axes): the backend that refuses a locked-out user name and address before the
password is checked, and what a locked-out login sees (a plain page saying why and for how long, 429)."""
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render

from classroom.errors import TooManyTries


def lockout_response(request, credentials=None, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    error = TooManyTries(
        "login_locked", f"Too many wrong passwords for this user name from this device: logging in is locked for "
        f"{minutes} minutes after the last wrong try. Wait, then try again with the right password; an administrator "
        "can lift the lock sooner (`python manage.py axes_reset_username USERNAME`, or Access attempts in /admin/).")
    return render(request, "frontend/error.html", {"error": error}, status=429)


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' backend, for logins that come with a request (every login page: console, admin, scenario
    editor). A call without a request (`authenticate(username=..., password=...)` in a management command, a
    script or a test client's `login`) has no client address to count and is left to the next backend, as
    before, instead of raising AxesBackendRequestParameterRequired."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
