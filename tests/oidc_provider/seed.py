"""Creates the provider's tables, its people (from accounts.json) and the lab's client registration:
`python -m tests.oidc_provider.seed CLIENT_ID CLIENT_SECRET REDIRECT_URI`, with OIDC_PROVIDER_DIR set."""
import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

from tests.oidc_provider.claims import accounts  # noqa: E402


def main(client_id: str, client_secret: str, redirect_uri: str) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    for username, account in accounts().items():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(account["password"])
        user.save()
    Application.objects.update_or_create(client_id=client_id, defaults={
        "name": "Decision Lab", "client_secret": client_secret, "redirect_uris": redirect_uri,
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "algorithm": Application.RS256_ALGORITHM, "skip_authorization": True})


if __name__ == "__main__":
    main(*sys.argv[1:4])
