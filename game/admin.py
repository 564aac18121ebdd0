"""The record of play in the Django admin (/admin/), read-only for everyone: rounds, package versions,
approvals, results and disruptions are written by game's services as teams play, and the reports and replays
read them; changing one here would rewrite what happened. Authors show as their (possibly anonymised) name."""
from django.contrib import admin

from classroom.admin import ReadOnlyAdmin
from game.models import Approval, Disruption, PackageVersion, Round, RoundResult


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("session", "number", "state", "opens_at", "deadline", "closed_by", "closed_at")
    list_filter = ("state", "closed_by")
    search_fields = ("session__name", "session__join_code")
    date_hierarchy = "opens_at"
    list_select_related = ("session",)


@admin.register(PackageVersion)
class PackageVersionAdmin(ReadOnlyAdmin):
    list_display = ("team", "round", "version", "author", "author_role", "changed_lever", "reopened", "aligned_at",
                    "created_at")
    list_filter = ("author_role", "reopened", ("aligned_at", admin.EmptyFieldListFilter))
    search_fields = ("team__session__name", "team__session__join_code", "changed_lever")
    date_hierarchy = "created_at"
    list_select_related = ("team", "round", "author")


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ("package_version", "role", "participant", "at")
    list_filter = ("role",)
    search_fields = ("package_version__team__session__name", "package_version__team__session__join_code")
    date_hierarchy = "at"
    list_select_related = ("package_version", "participant")


@admin.register(RoundResult)
class RoundResultAdmin(ReadOnlyAdmin):
    list_display = ("team", "round", "aligned", "created_at")
    list_filter = ("aligned",)
    search_fields = ("team__session__name", "team__session__join_code")
    date_hierarchy = "created_at"
    list_select_related = ("team", "round")


@admin.register(Disruption)
class DisruptionAdmin(ReadOnlyAdmin):
    list_display = ("session", "round_number", "kind", "announced", "injected_by", "at", "cancelled_at")
    list_filter = ("kind", "announced", ("cancelled_at", admin.EmptyFieldListFilter))
    search_fields = ("session__name", "session__join_code", "kind")
    date_hierarchy = "at"
    list_select_related = ("session", "injected_by")
