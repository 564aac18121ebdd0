"""What a locked-out login sees (django-axes calls this instead of checking the password): a plain page
on the login's own address, saying why and for how long, with HTTP 429."""
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
