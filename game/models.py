from django.conf import settings
from django.db import models

from classroom.models import Participant, Session, Team


class Round(models.Model):
    class State(models.TextChoices):
        PENDING = "pending"
        OPEN = "open"
        PAUSED = "paused"
        CLOSING = "closing"
        CLOSED = "closed"

    class ClosedBy(models.TextChoices):
        DEADLINE = "deadline"
        ALL_ALIGNED = "all_aligned"
        FACILITATOR = "facilitator"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="round_set")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    opens_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    # Seconds left when paused; the deadline is recomputed on resume.
    paused_remaining = models.FloatField(null=True, blank=True)
    closed_by = models.CharField(max_length=12, choices=ClosedBy.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["session", "number"], name="round_number_unique")]

    def __str__(self):
        return f"Round {self.number} of {self.session_id}"


class PackageVersion(models.Model):
    """One version of a team's decision package in a round; every edit makes a new one."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="package_versions")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="package_versions")
    version = models.PositiveIntegerField()
    levers = models.JSONField()
    author = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, blank=True)
    author_role = models.CharField(max_length=12, blank=True)
    changed_lever = models.CharField(max_length=40, blank=True)
    base_version = models.PositiveIntegerField(null=True, blank=True)
    # The director reopened the aligned version before it: same levers, approvals start again.
    reopened = models.BooleanField(default=False)
    # The team's commitment (game/services/commitments.py): the director's forecast for the month
    # ({"good_units", "cash", "extra": null or {"kpi", "value"}}, null until stated) and rationale, and one line
    # per role on its own levers. A new version carries them over: an edit of a lever keeps the commitment.
    forecast = models.JSONField(null=True, blank=True)
    rationale = models.TextField(max_length=400, blank=True, default="")
    notes = models.JSONField(default=dict, blank=True)
    aligned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["team", "round", "version"], name="package_version_unique")
        ]


class Approval(models.Model):
    package_version = models.ForeignKey(PackageVersion, on_delete=models.CASCADE, related_name="approvals")
    role = models.CharField(max_length=12)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["package_version", "role"], name="approval_role_unique")]


class RoundResult(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="results")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    aligned = models.BooleanField()
    decisions = models.JSONField()
    kpis = models.JSONField()
    mistakes = models.JSONField(default=list)
    # The disruptions that hit this team in this round (scheduled by the scenario or injected).
    disruptions = models.JSONField(default=list)
    # The aligned package's forecast, kept with what the plant did (null: the team did not align).
    forecast = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round__number", "team__number"]
        # The database itself guarantees one result per team and round, whatever races above.
        constraints = [models.UniqueConstraint(fields=["team", "round"], name="result_once_per_round")]


class Disruption(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="disruptions")
    round_number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=32)
    targets = models.JSONField(default=list)
    start_day = models.PositiveSmallIntegerField(default=0)
    duration_days = models.FloatField(default=1.0)
    magnitude = models.FloatField(default=1.0)
    # Empty means every team of the session.
    teams = models.ManyToManyField(Team, blank=True)
    # Announced disruptions are shown to the teams they hit once their round is open (at once when
    # injected into the round being played, at the round's opening when scheduled for a later one);
    # others are a surprise, seen only in the results.
    announced = models.BooleanField(default=True)
    injected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    # Edited or cancelled by the facilitator before its round closed (game/services/disruptions.py);
    # a cancelled one never lands.
    edited_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
