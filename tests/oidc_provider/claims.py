"""The claims the test provider releases: e-mail, preferred_username, and `groups` from accounts.json (read on
every request, so a test can change them between logins)."""
import json

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def accounts() -> dict:
    return json.loads((settings.DIR / "accounts.json").read_text())


class GroupsClaimValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

    def get_additional_claims(self, request):
        account = accounts().get(request.user.username, {})
        return {"preferred_username": request.user.username, "email": account.get("email", ""),
                "groups": account.get("groups", [])}
