"""Scenarios authored in the browser (the scenario admin, facilitator/admin.py).

A row holds what a scenario file holds (game/engine/scenarios/*.json); facilitator/scenario_authoring.py
validates it against the engine's schema and turns it into an engine Scenario. A session created from it
keeps its own snapshot (Session.scenario_snapshot), so editing or deleting the row never changes a session.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthoredScenario(models.Model):
    name = models.SlugField(
        max_length=60, unique=True,
        help_text=_("Short name the lab uses (letters, digits, - and _), unique, not one of the shipped scenarios' "
                  "names. Sessions record it."))
    title = models.CharField(max_length=120, help_text=_("What the new-session form and the console show."))
    description = models.TextField(help_text=_("The plant and its situation in two or three sentences."))
    rounds = models.PositiveSmallIntegerField(default=8, help_text=_("Suggested rounds (months), 1 to 24."))
    minutes_per_round = models.PositiveSmallIntegerField(default=10,
                                                         help_text=_("Suggested minutes per round, 1 to 120."))
    currency = models.CharField(max_length=3, default="EUR",
                                help_text=_("ISO 4217 code of the room's money, such as EUR, USD or GBP."))
    params = models.JSONField(default=dict, blank=True,
                              help_text=_("Plant parameters that differ from the defaults."))
    default_levers = models.JSONField(default=dict, blank=True,
                                      help_text=_("Lever values the teams start from where they differ from the "
                                                  "defaults."))
    disruption_schedule = models.JSONField(default=list, blank=True,
                                           help_text=_("Disruptions that hit every team in a given round."))
    teaching_about = models.TextField(_("What it is about"),
                                      help_text=_("What the scenario teaches. Participants see this in their brief."))
    teaching_trap = models.TextField(_("The trap"), blank=True,
                                     help_text=_("The mistake teams tend to make (facilitators only)."))
    teaching_strong_team = models.TextField(_("What a strong team does"), blank=True,
                                            help_text=_("What good play looks like (facilitators only)."))
    teaching_questions = models.TextField(_("Discussion questions"), blank=True, default="",
                                          help_text=_("One question a line, for the debrief (facilitators only)."))
    teaching_look_for = models.TextField(
        _("What to look for in the data"), blank=True, default="",
        help_text=_("One a line: what to look for, then | and the KPI keys it refers to, comma-separated, such as "
                  "'Breakdowns climb two rounds after PM is cut | pm_compliance, failures' (facilitators only)."))
    copied_from = models.CharField(max_length=60, blank=True, editable=False,
                                   help_text=_("The shipped scenario this one began as a copy of."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "name"]
        verbose_name = _("authored scenario")

    def __str__(self) -> str:
        return f"{self.title} ({self.name})"


from facilitator.lti_models import LtiAccount, LtiPlatform  # noqa: E402,F401  (models of this app: LTI 1.3)
