import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

ROLE_CHOICES = [
    ("director", "Director"),
    ("finance", "Finance"),
    ("engineering", "Engineering"),
    ("hr", "HR"),
]
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud from a projector


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))


def new_rejoin_token() -> str:
    return secrets.token_urlsafe(24)


REJOIN_CODE_LENGTH = 6
# What a session tells participants about the personal data it asks for, unless the facilitator words it. Stored
# in English; shown in the reader's language (classroom/services/personal_data.py purpose_shown).
DEFAULT_PERSONAL_DATA_PURPOSE = gettext_noop("Your organisation's HR team uses it to record that you took part in "
                                             "this training; nobody else sees it.")


def default_retention_days() -> int:
    """How long a new session keeps personal data (classroom/services/personal_data.py erases it after)."""
    return settings.LAB_PERSONAL_DATA_RETENTION_DAYS


def new_rejoin_code() -> str:
    """A person's own code for getting back into their seat on any device (read aloud, so no 0/O/1/I/L)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(REJOIN_CODE_LENGTH))


class Session(models.Model):
    class State(models.TextChoices):
        LOBBY = "lobby", "Lobby"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    name = models.CharField(max_length=120)
    scenario_name = models.CharField(max_length=60)
    # The scenario as it was when the session was created (game.engine.scenario.scenario_to_dict,
    # every parameter included): rounds close and replay from this, never from the file, which may
    # change later. Null only for a session whose scenario file was gone when it was back-filled.
    scenario_snapshot = models.JSONField(null=True, blank=True)
    seed = models.BigIntegerField()
    rounds = models.PositiveSmallIntegerField()
    minutes_per_round = models.PositiveSmallIntegerField()
    join_code = models.CharField(max_length=8, unique=True, default=new_join_code)
    state = models.CharField(max_length=12, choices=State.choices, default=State.LOBBY)
    # The round being played or last played (None before the start): game writes it when it opens a
    # round, and the ledger files what people do under it.
    round_number = models.PositiveSmallIntegerField(null=True, blank=True)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions")
    # Sequence of events sent to the facilitator group; clients use gaps to ask for a resync.
    seq = models.BigIntegerField(default=0)

    class Cover(models.TextChoices):
        AUTO = "auto", "Cover automatically"
        ASK = "ask", "Flag it and let me choose"

    # When a role's holder has been away this long in an open round, the role is covered (or flagged).
    cover_after_seconds = models.PositiveIntegerField(default=120)
    cover_mode = models.CharField(max_length=8, choices=Cover.choices, default=Cover.AUTO)
    # The projector view (facilitator/projector.py) shows the live leaderboard only when the facilitator
    # switches it on: a room may not want teams ranked on the wall while they play.
    projector_leaderboard = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the facilitator ends the session now (game/services/lifecycle.py): the round being
    # closed then finishes the session instead of opening the next one.
    end_requested_at = models.DateTimeField(null=True, blank=True)
    # An archived session is hidden from the console list (shown again with ?archived=1); nothing else changes.
    archived_at = models.DateTimeField(null=True, blank=True)
    # The personal data the session asks of participants (docs/privacy.md): nothing unless the facilitator
    # ticks it; why (shown on the join page) and how many days after the session it is kept.
    asks_email = models.BooleanField(default=False)
    asks_employee_id = models.BooleanField(default=False)
    personal_data_purpose = models.CharField(max_length=300, blank=True, default=DEFAULT_PERSONAL_DATA_PURPOSE)
    retention_days = models.PositiveIntegerField(default=default_retention_days)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.join_code})"


class Team(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveSmallIntegerField()
    # Sequence of events sent to this team's group.
    seq = models.BigIntegerField(default=0)
    # Sequence of this team's events on the facilitator console (edits, presence, members), kept
    # per team so that an edit locks its own team's row, never the session's.
    console_seq = models.BigIntegerField(default=0)
    # Engine state after the last closed round (JSON from game.engine.state_to_team_dicts).
    engine_state = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["session", "number"], name="team_number_unique")]

    @property
    def name(self) -> str:
        """"Team 3" in the active language (the reader's, on a page or a socket of their own); the number is the
        team's identity everywhere else."""
        return gettext("Team %(n)s") % {"n": self.number}

    def __str__(self):
        return self.name


class Participant(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    display_name = models.CharField(max_length=60)
    email = models.EmailField(blank=True)
    employee_id = models.CharField(max_length=40, blank=True)
    # Who the person is on the learning platform that launched them (LTI 1.3: issuer + subject, and the
    # platform's person id when sent), for HR; personal data, erased with the rest (docs/privacy.md).
    platform_issuer = models.CharField(max_length=255, blank=True)
    platform_subject = models.CharField(max_length=255, blank=True)
    platform_person_id = models.CharField(max_length=255, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    rejoin_token = models.CharField(max_length=64, unique=True, default=new_rejoin_token)
    # A bot plays the seat through the same WebSocket protocol (game/bots); never in HR's figures.
    is_bot = models.BooleanField(default=False)
    bot_strategy = models.CharField(max_length=20, blank=True)
    # The server process running this bot holds a lease it renews; another takes over when it lapses.
    bot_lease_until = models.DateTimeField(null=True, blank=True)
    # Typed with the display name on another device to get back into the same seat.
    rejoin_code = models.CharField(max_length=8, default=new_rejoin_code)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Last heartbeat of any of the person's sockets (presence: see classroom/services/presence.py).
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Set when the person's identity was erased (classroom/services/personal_data.py): the row stays, anonymous,
    # so the session's figures do not change.
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # The language the person reads the room in (classroom/language.py); empty: never chose.
    language = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "rejoin_code"], name="rejoin_code_unique"),
            # A platform's person has one seat per session: a second launch finds it.
            models.UniqueConstraint(fields=["session", "platform_issuer", "platform_subject"],
                                    condition=~models.Q(platform_subject=""), name="platform_identity_unique"),
        ]

    def __str__(self):
        return self.display_name


class Connection(models.Model):
    """One WebSocket of a participant. A person is connected while one of their open connections has
    answered within the presence TTL; a socket whose process died simply stops answering."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="socket_connections")
    channel_name = models.CharField(max_length=200, unique=True)
    opened_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["participant", "closed_at"]), models.Index(fields=["closed_at", "last_seen_at"])]


class Seat(models.Model):
    """One role in one team, held by one participant (a participant may hold several)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="seats")
    role = models.CharField(max_length=12, choices=ROLE_CHOICES)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="seats")
    # Set while a teammate or a bot covers the role for an absent holder: it returns to them when they
    # come back (a facilitator's own seat change clears it).
    held_for = models.ForeignKey(Participant, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="held_seats")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "role"], name="seat_team_role_unique")]


class LedgerEntry(models.Model):
    """Append-only record of everything a person did; the single source of participation reports."""

    class Kind(models.TextChoices):
        JOIN = "join"
        REJOIN = "rejoin"
        CONNECT = "connect"
        DISCONNECT = "disconnect"
        EDIT = "edit"
        APPROVE = "approve"
        CHAT = "chat"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="ledger")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ledger")
    role = models.CharField(max_length=40, blank=True)  # every role the person held, comma-separated
    round_number = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The client's message id: a retried message is recorded (and applied) once.
    client_msg_id = models.CharField(max_length=64, null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # False for an entry kept only so a retry is answered once: an edit that changed nothing, an approval of
    # a version the person's roles had already approved. Reports count only counted entries.
    counted = models.BooleanField(default=True)
    # When it happened (a socket found dead is recorded as leaving at its last heartbeat, not when found).
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "client_msg_id"], name="ledger_client_msg_once",
                condition=models.Q(client_msg_id__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["session", "at"])]


class ExportRecord(models.Model):
    """Who took participation data out of the lab, and what (classroom/services/export_audit.py): every report
    download, API read of reports or the ledger, and personal-data export. Append-only, read-only in the admin."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    username = models.CharField(max_length=150)  # kept when the account is deleted
    what = models.CharField(max_length=60)
    fmt = models.CharField("format", max_length=12)
    filters = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "export record"

    def __str__(self):
        return f"{self.username}: {self.what} ({self.fmt}, {self.rows} rows)"


class StaffLanguage(models.Model):
    """The language a facilitator or HR person chose in the console: it follows their login to any browser, and
    the projector of their sessions shows it."""
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_language")
    language = models.CharField(max_length=8)

    def __str__(self):
        return f"{self.user} reads {self.language}"


class StaffIdentity(models.Model):
    """A staff account's identity at the single sign-on provider (classroom/oidc.py): the provider's issuer and
    the subject id it gives that person, which stays the same when their name or e-mail changes there."""
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="staff_identity_once")]

    def __str__(self):
        return f"{self.subject} at {self.issuer}"
