"""Create or update an HR user (group "hr") and print a fresh API token for scripted exports."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from classroom.reports import HR_GROUP


class Command(BaseCommand):
    help = ("Create or update USERNAME as a member of the 'hr' group and print a new API token on stdout "
            "(any earlier token of that user stops working).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default=None, help="Set the user's email.")
        parser.add_argument("--password", default=None,
                            help="Set a password for the console (/reports/). Without it a new user can use the "
                                 "API only, and an existing user keeps their password.")

    def handle(self, *args, username: str, email: str | None, password: str | None, **options):
        username = username.strip()
        if not username:
            raise CommandError("USERNAME must not be empty.")
        User = get_user_model()
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username)
            if email is not None:
                user.email = email
            if password:
                user.set_password(password)
            elif created:
                user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get_or_create(name=HR_GROUP)[0])
            Token.objects.filter(user=user).delete()  # one token per user: rotating revokes the old one
            token = Token.objects.create(user=user)
        self.stderr.write(f"{'Created' if created else 'Updated'} HR user {username!r} (group '{HR_GROUP}'). "
                          "API token:")
        self.stdout.write(token.key)
