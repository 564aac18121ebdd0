"""Learning platforms registered for LTI 1.3 launches (facilitator/lti_launch.py), set up in the admin.

A platform row holds what its administrator gives us (issuer, client id, deployment ids, its login, token
and key-set addresses) and the tool's own RSA key, made when the row is made; the public half is served at
/lti/jwks/. An instructor's platform account reaches the console only through an LtiAccount row an
administrator made (docs/decisions.md, "LTI 1.3").
"""
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def tool_private_key_new() -> str:
    """A fresh 2048-bit RSA key in PEM: what this tool signs with towards one platform."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


class LtiPlatform(models.Model):
    name = models.CharField(max_length=120, help_text=_("What people here call it, e.g. 'ACME Moodle'."))
    issuer = models.CharField(max_length=255, help_text=_("The platform's issuer ('iss'), exactly as it sends it, "
                                                        "e.g. https://moodle.example.com."))
    client_id = models.CharField(max_length=255, help_text=_("The client id the platform gave this tool ('aud')."))
    deployment_ids = models.TextField(help_text=_("The deployment ids the platform sends, one a line."))
    auth_login_url = models.URLField("OIDC authentication URL", max_length=500,
                                     help_text=_("Where the tool sends the browser to authenticate the launch."))
    auth_token_url = models.URLField("access token URL", max_length=500,
                                     help_text=_("The platform's OAuth2 token endpoint (not used yet: no grades "
                                               "are sent back)."))
    key_set_url = models.URLField("public key set URL", max_length=500,
                                  help_text=_("The platform's JWKS: the keys its launches are signed with."))
    tool_private_key = models.TextField(default=tool_private_key_new, editable=False)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Untick to refuse its launches."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "LTI platform"
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_unique")]

    def __str__(self) -> str:
        return self.name

    def deployment_id_list(self) -> list[str]:
        return [line.strip() for line in self.deployment_ids.splitlines() if line.strip()]

    def tool_public_key(self) -> str:
        key = serialization.load_pem_private_key(self.tool_private_key.encode(), password=None)
        return key.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class LtiAccount(models.Model):
    """An instructor's platform account linked to a facilitator account here (by an administrator)."""
    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="accounts")
    subject = models.CharField(max_length=255, help_text=_("The person's user id on the platform ('sub'): the "
                                                         "refusal page of their first launch shows it."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_accounts")

    class Meta:
        verbose_name = "LTI instructor account"
        constraints = [models.UniqueConstraint(fields=["platform", "subject"], name="lti_account_unique")]

    def __str__(self) -> str:
        return f"{self.subject} at {self.platform}"
