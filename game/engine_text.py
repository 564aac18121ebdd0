"""The engine's English texts that game shows, marked for game's catalogue (docs/i18n.md).

The engine knows no Django, so its lever and project labels, lever help and disruption descriptions are plain
English there; game
translates them where it shows them (gettext(spec.label)) and this module is where makemessages finds them.
tests/game/test_messages_language.py checks that every engine label and help text is listed here.
"""
from django.utils.translation import gettext, gettext_noop as _

LEVER_TEXTS = (
    _('Production target'),
    _('Units released to the line this round; the line stops releasing when reached.'),
    _('Priority weights'),
    _('Weights of throughput, quality, reliability, resilience, cost; they must sum to 100. The team’s '
      'leadership alignment (part of the scorecard) drops when the budgets do not follow them.'),
    _('Project portfolio'),
    _('Projects to work on this round, in order of priority; dropping an unfinished project cancels it '
      '(money spent is sunk). Completed projects are ignored.'),
    _('Maintenance envelope'),
    _('Cap on maintenance spending: technician wages are paid first, then repair parts; PM parts get what '
      'is left, so PM beyond the cap waits and repairs beyond it wait a day for parts.'),
    _('Training envelope'),
    _('Cap on training hours and cross-training: beyond it, both are cut in proportion.'),
    _('Quality envelope'),
    _('Cap on inspection (paid first) and the quality program (gets what is left).'),
    _('Capex envelope'),
    _('Cap on engineering hours (paid first) and project spending, given in portfolio order; an underfunded '
      'project progresses slower.'),
    _('Outsourced units'),
    _('Finished units bought from a subcontractor at a premium (quality not ours to control).'),
    _('Raw material cover'),
    _('Raw material stock target, in days of demand; protects against supplier failures, costs holding.'),
    _('Second supplier share'),
    _('Share of raw material bought from the second supplier once it is qualified: a price premium per '
      'unit, and insurance only up to what that supplier can surge to.'),
    _('Preventive maintenance hours'),
    _('Planned PM hours per station; PM lowers equipment virtual age (imperfect repair).'),
    _('Maintenance technicians'),
    _('Technicians share their hours between repairs (first) and PM (what is left).'),
    _('Quality program intensity'),
    _('Root-cause and SPC effort; builds a capability stock over 2-3 rounds.'),
    _('Inspection level'),
    # xgettext:no-python-format
    _('Share of defects caught before shipping: light 50%, standard 75%, full 92%.'),
    _('Engineering hours for projects'),
    _('Engineering hours given to projects and ramp-up support this round.'),
    _('Hires'),
    _('Production workers hired now; they arrive next round with low skill.'),
    _('Exits'),
    _('Production workers let go now (severance paid).'),
    _('Overtime share'),
    _('Extra hours on top of the planned schedule.'),
    _('Shift pattern'),
    _('5x2: five days, two shifts. 6x2: adds Saturday shifts (more hours, structural fatigue).'),
    _('Training hours'),
    _('Classroom and on-the-job training; raises target skill, takes hours off the line.'),
    _('Cross-training target'),
    _('Share of workers trained beyond their home station; they cover absent colleagues, slower off home.'),
    _('Cross-training scheme'),
    _('chain: each trained worker learns the next station (one extra skill). full: every station (four '
      'extra skills, four times the training cost).'),
    _('Temporary workers'),
    _('Agency workers for this round only: immediate, lower skill, higher cost.'),
)

PROJECT_LABELS = (
    # xgettext:no-python-format
    _('Debottleneck station 1 (+20% rate)'),
    # xgettext:no-python-format
    _('Debottleneck station 2 (+20% rate)'),
    # xgettext:no-python-format
    _('Debottleneck station 3 (+20% rate)'),
    # xgettext:no-python-format
    _('Debottleneck station 4 (+20% rate)'),
    # xgettext:no-python-format
    _('Debottleneck station 5 (+20% rate)'),
    # xgettext:no-python-format
    _('New equipment at station 1 (+25% rate, new, ramp-up)'),
    # xgettext:no-python-format
    _('New equipment at station 2 (+25% rate, new, ramp-up)'),
    # xgettext:no-python-format
    _('New equipment at station 3 (+25% rate, new, ramp-up)'),
    # xgettext:no-python-format
    _('New equipment at station 4 (+25% rate, new, ramp-up)'),
    # xgettext:no-python-format
    _('New equipment at station 5 (+25% rate, new, ramp-up)'),
    _('Backup line at a second site'),
    _('Qualify a second supplier'),
    # xgettext:no-python-format
    _('Line automation (+8% performance, -20% crew)'),
)

PRIORITY_AXIS_LABELS = {
    'throughput': _('throughput'),
    'quality': _('quality'),
    'reliability': _('reliability'),
    'resilience': _('resilience'),
    'cost': _('cost'),
}


DISRUPTION_DESCRIPTIONS = (
    _('A major machine failure stops stations for the days given.'),
    _('A supplier cannot deliver.'),
    _('Customers order more than usual.'),
    _('Flu season or a transport strike: workers absent.'),
    _('A material or process problem makes defects.'),
    _('Energy costs jump.'),
    _('The site is shut (flood, fire, power); a ready backup line takes over after activation.'),
)


# What a disruption's magnitude means, shown beside its field on the console (game/engine/disruptions.py).
DISRUPTION_MAGNITUDES = (
    _("share of the station's capacity lost, 0-1 (1 = stopped)"),
    _("share of that supplier's deliveries lost, 0-1"),
    _("extra demand as a share of normal daily demand during the days, 0-3"),
    _("extra share of the workforce absent, 0-0.8"),
    _("extra defect rate at the targeted stations, 0-0.5"),
    _("multiplier on the energy price, 1-10"),
    _("share of the site's capacity lost, 0-1"),
)


def disruption_kinds_shown() -> list[dict]:
    """Every disruption kind as the console offers it, in the reader's language: its name, what it does and what
    its magnitude means (the engine's spec otherwise, targets and range unchanged)."""
    from game.engine.disruptions import DISRUPTION_KINDS, DISRUPTION_NAMES

    return [{**spec, "kind": kind, "label": capitalized(engine_text(DISRUPTION_NAMES[kind])),
             "description": engine_text(spec["description"]), "magnitude": engine_text(spec["magnitude"])}
            for kind, spec in DISRUPTION_KINDS.items()]


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def engine_text(text: str) -> str:
    """An engine label or help text in the active language (the English when it is not in the catalogue)."""
    return gettext(text) if text else text
