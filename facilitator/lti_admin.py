"""LTI platforms in the main admin (/admin/): what each learning platform gave the tool, and the instructors'
platform accounts linked to facilitator accounts. The tool's private key is made with the row and never shown."""
import json

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from facilitator.lti_models import LtiAccount, LtiPlatform
from pylti1p3.registration import Registration


class LtiAccountInline(admin.TabularInline):
    model = LtiAccount
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(LtiPlatform)
class LtiPlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer", "client_id", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "issuer", "client_id")
    fields = ("name", "issuer", "client_id", "deployment_ids", "auth_login_url", "auth_token_url", "key_set_url",
              "is_active", "tool_addresses", "tool_public_jwk")
    readonly_fields = ("tool_addresses", "tool_public_jwk")
    inlines = (LtiAccountInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # platforms are on HTTPS

    @admin.display(description=gettext_lazy("Tool addresses to give the platform"))
    def tool_addresses(self, obj):
        return format_html(gettext("Login initiation: {}<br>Launch (redirect URI, target link): {}<br>Public keys "
                                   "(JWKS): {}"),
                           reverse("lti-login"), reverse("lti-launch"), reverse("lti-jwks"))

    @admin.display(description=gettext_lazy("Tool public key (also served at the JWKS address)"))
    def tool_public_jwk(self, obj):
        if obj is None or not obj.tool_private_key:
            return "-"
        return format_html("<pre>{}</pre>", json.dumps(Registration.get_jwk(obj.tool_public_key()), indent=1))
