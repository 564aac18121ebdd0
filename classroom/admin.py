"""The classroom's records in the Django admin (/admin/), for administrators and HR.

Records of what happened are read-only for everyone, superusers included: the ledger (the single source of
the participation reports) and the export audit; sessions are created in the console, people join through the
join page. Personal data is erased with the actions here (or the API), never by deleting rows, which would
change the reports' figures (docs/privacy.md). A participant's rejoin token is never shown.

HR (the 'hr' group, with staff status to log in here) may view sessions, participants and the export audit.
"""
from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classroom.errors import LabError
from classroom.models import (Connection, ExportRecord, LedgerEntry, Participant, Seat, Session, StaffIdentity,
                              StaffLanguage, Team)
from classroom.reports import report_user_is_hr
from classroom.services.access import user_may_facilitate
from classroom.services.export_audit import export_record
from classroom.services.personal_data import (ANONYMISE, DELETE, participant_personal_data_erase,
                                              participant_personal_data_export, personal_data_policy_clean,
                                              session_personal_data_erase, session_personal_data_minimise)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record nobody adds, changes or deletes through the admin, superusers neither: services write it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HrMayViewMixin:
    """HR (the 'hr' group) may view these lists, as well as users given the view permission."""

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or report_user_is_hr(user=request.user)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or report_user_is_hr(user=request.user)


class ErasePersonalDataMixin:
    """The two erase actions; the service checks each session (HR and superusers: all; a facilitator: their own)."""

    erase_service = None  # (queryset row) -> None, set by the subclass

    def has_erase_permission(self, request):
        user = request.user
        return bool(user.is_authenticated and (report_user_is_hr(user=user) or user_may_facilitate(user=user)))

    def _erase(self, request, queryset, mode: str):
        done, refused = 0, []
        for obj in queryset:
            try:
                self.erase_one(obj=obj, by=request.user, mode=mode)
                done += 1
            except LabError as exc:
                refused.append(f"{obj}: {exc.message}")
        if done:
            opts = self.model._meta
            what = opts.verbose_name if done == 1 else opts.verbose_name_plural
            self.message_user(request, _("Personal data of %(n)s %(what)s erased (%(mode)s).") % {
                "n": done, "what": what, "mode": mode}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=gettext_lazy("Anonymise personal data (keep every figure)"), permissions=["erase"])
    def anonymise_personal_data(self, request, queryset):
        self._erase(request, queryset, ANONYMISE)

    @admin.action(description=gettext_lazy("Delete personal data (anonymise, and remove what no figure needs)"),
                  permissions=["erase"])
    def delete_personal_data(self, request, queryset):
        self._erase(request, queryset, DELETE)


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = "__all__"

    def clean(self):
        data = super().clean()
        try:
            policy = personal_data_policy_clean(
                asks_email=data.get("asks_email"), asks_employee_id=data.get("asks_employee_id"),
                purpose=data.get("personal_data_purpose"), retention_days=data.get("retention_days"))
        except LabError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
            return data
        data["personal_data_purpose"] = policy.purpose
        return data


@admin.register(Session)
class SessionAdmin(ErasePersonalDataMixin, HrMayViewMixin, admin.ModelAdmin):
    form = SessionForm
    list_display = ("name", "join_code", "state", "facilitator", "scenario_name", "created_at", "finished_at",
                    "people", "asks_email", "asks_employee_id", "retention_days")
    list_filter = ("state", "scenario_name", "asks_email", "asks_employee_id",
                   ("archived_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "join_code", "facilitator__username")
    date_hierarchy = "created_at"
    list_select_related = ("facilitator",)
    actions = ("anonymise_personal_data", "delete_personal_data")
    fieldsets = (
        (None, {"fields": ("name", "join_code", "state", "facilitator", "scenario_name", "rounds",
                           "minutes_per_round", "seed", "round_number", "created_at", "finished_at", "archived_at")}),
        (gettext_lazy("Personal data asked of participants"), {
            "fields": ("asks_email", "asks_employee_id", "personal_data_purpose", "retention_days")}),
        (gettext_lazy("Room"), {"fields": ("cover_mode", "cover_after_seconds", "projector_leaderboard")}),
    )
    readonly_fields = ("join_code", "state", "facilitator", "scenario_name", "rounds", "minutes_per_round", "seed",
                       "round_number", "created_at", "finished_at", "archived_at")

    def erase_one(self, *, obj, by, mode):
        session_personal_data_erase(session_id=obj.id, by=by, mode=mode)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if session_personal_data_minimise(session_id=obj.pk):
            self.message_user(request, _("Email or employee id the session no longer asks for was emptied."),
                              messages.INFO)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("participants", distinct=True))

    @admin.display(description=gettext_lazy("People"), ordering="people_count")
    def people(self, obj):
        return obj.people_count

    def has_add_permission(self, request):
        return False  # sessions are created in the console (they keep a snapshot of their scenario)


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "session", "number")
    list_filter = ("session__state",)
    search_fields = ("session__name", "session__join_code")
    list_select_related = ("session",)
    exclude = ("engine_state",)


@admin.register(Participant)
class ParticipantAdmin(ErasePersonalDataMixin, HrMayViewMixin, admin.ModelAdmin):
    list_display = ("display_name", "session", "team", "email", "employee_id", "is_bot", "joined_at",
                    "last_seen_at", "anonymised_at")
    list_filter = ("is_bot", ("anonymised_at", admin.EmptyFieldListFilter), "session__state")
    search_fields = ("display_name", "email", "employee_id", "platform_subject", "platform_person_id",
                     "session__name", "session__join_code")
    date_hierarchy = "joined_at"
    list_select_related = ("session", "team")
    actions = ("anonymise_personal_data", "delete_personal_data", "export_personal_data")
    # No rejoin_token: it admits to the person's seat. Name, email and employee id may be corrected here.
    # The platform identity is what the launch said, not to be edited (facilitator/lti_launch.py).
    fields = ("session", "team", "display_name", "email", "employee_id", "platform_issuer", "platform_subject",
              "platform_person_id", "rejoin_code", "is_bot", "bot_strategy", "joined_at", "last_seen_at",
              "anonymised_at")
    readonly_fields = ("session", "team", "platform_issuer", "platform_subject", "platform_person_id", "rejoin_code",
                       "is_bot", "bot_strategy", "joined_at", "last_seen_at", "anonymised_at")

    def erase_one(self, *, obj, by, mode):
        participant_personal_data_erase(participant_id=obj.id, by=by, mode=mode)

    @admin.action(description=gettext_lazy("Download a copy of their personal data (JSON, one person)"),
                  permissions=["erase"])
    def export_personal_data(self, request, queryset):
        """The right of access from the admin: the same copy as GET /api/personal-data/participants/<id>/."""
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one participant to download a copy of their data."),
                              messages.ERROR)
            return None
        person = queryset.get()
        try:
            data = participant_personal_data_export(participant_id=person.id, by=request.user)
        except LabError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None
        export_record(user=request.user, what="personal_data", fmt="json", filters={"participant": person.id},
                      rows=len(data["ledger"]))
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="personal-data-participant-{person.id}.json"'
        return response

    def has_add_permission(self, request):
        return False  # people join through the join page

    def has_delete_permission(self, request, obj=None):
        return False  # deleting the row would drop its ledger and change the figures: erase instead


@admin.register(StaffLanguage)
class StaffLanguageAdmin(admin.ModelAdmin):
    list_display = ("user", "language")
    list_filter = ("language",)
    search_fields = ("user__username",)


@admin.register(Seat)
class SeatAdmin(ReadOnlyAdmin):
    list_display = ("team", "role", "participant", "held_for")
    list_filter = ("role",)
    search_fields = ("participant__display_name", "team__session__name", "team__session__join_code")
    list_select_related = ("team", "participant", "held_for")


@admin.register(Connection)
class ConnectionAdmin(ReadOnlyAdmin):
    list_display = ("participant", "opened_at", "last_seen_at", "closed_at")
    list_filter = (("closed_at", admin.EmptyFieldListFilter),)
    search_fields = ("participant__display_name", "participant__session__join_code")
    date_hierarchy = "opened_at"
    list_select_related = ("participant",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "session", "team", "participant", "kind", "round_number", "role", "counted")
    list_filter = ("kind", "counted", "session__state")
    search_fields = ("participant__display_name", "session__name", "session__join_code")
    date_hierarchy = "at"
    list_select_related = ("session", "team", "participant")


@admin.register(ExportRecord)
class ExportRecordAdmin(HrMayViewMixin, ReadOnlyAdmin):
    list_display = ("at", "username", "what", "fmt", "rows", "filters")
    list_filter = ("what", "fmt")
    search_fields = ("username", "what")
    date_hierarchy = "at"


@admin.register(StaffIdentity)
class StaffIdentityAdmin(admin.ModelAdmin):
    """Single sign-on links (classroom/oidc.py): made by a login only. Deleting one makes the person's next
    single sign-on create a new account; the old one keeps its sessions and its password login, if any."""
    list_display = ("user", "issuer", "subject", "created_at")
    search_fields = ("user__username", "user__email", "subject")
    list_select_related = ("user",)
    readonly_fields = ("user", "issuer", "subject", "created_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
