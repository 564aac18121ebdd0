"""The scenario editor: authored scenarios in the Django admin.

Facilitators use it at /console/scenarios/ (`scenario_site`): a small admin site that admits members of the
"facilitator" group (and superusers) without making them staff, and shows authored scenarios only.
Administrators also find it in the main admin (/admin/). Either way every page asks
facilitator.scenario_authoring.user_may_author (the group and the model permission), the form validates
with scenario_validate (errors at the field, nothing saved), and the change page has a Test run.
"""
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.fields import InvalidJSONInput
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy

from classroom.errors import LabError
from classroom.services.access import FACILITATOR_GROUP, user_may_facilitate
from facilitator import scenario_authoring as authoring
from facilitator.models import AuthoredScenario
from game import engine
from game.dashboards import KPIS
from game.engine.params import DEFAULT_PARAMS, PARAM_DOCS, param_range_text


class PrettyJSONField(forms.JSONField):
    """JSON shown one parameter, lever or disruption a line, so a facilitator can read and edit it."""

    key_order: tuple[str, ...] = ()

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        return readable_json(value, key_order=self.key_order)


def readable_json(value, key_order=()) -> str:
    """An object or list with one item a line, each item compact: {"rate": [54, 52, 42, 52, 56], ...}. The
    objects of a list show their keys in key_order (PostgreSQL's jsonb does not keep the order they were
    written in)."""
    def ordered(item):
        if not (key_order and isinstance(item, dict)):
            return item
        rank = {k: i for i, k in enumerate(key_order)}
        return dict(sorted(item.items(), key=lambda kv: rank.get(kv[0], len(rank))))

    if isinstance(value, dict) and value:
        return "{\n" + ",\n".join(f"  {_json(k)}: {_json(v)}" for k, v in value.items()) + "\n}"
    if isinstance(value, list) and value:
        return "[\n" + ",\n".join(f"  {_json(ordered(v))}" for v in value) + "\n]"
    return _json(value)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def params_help() -> str:
    rows = format_html_join("", "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>", (
        (name, _json(DEFAULT_PARAMS[name]), param_range_text(name), why) for name, (_, why) in PARAM_DOCS.items()))
    return format_html(
        gettext('A JSON object of the parameters that differ from the defaults, e.g. <code>{{"demand": 12000, '
                '"rate": [54, 52, 42, 52, 56]}}</code>; leave <code>{{}}</code> for the default plant. Each value '
                "has the default's shape (a number, a list of one value per station, or an object with the same "
                "keys) and lies in its range. docs/scenarios.md explains them.")
        + '<details class="param-reference"><summary>'
        + gettext("The {} parameters: defaults and ranges")
        + "</summary><table><thead><tr><th>" + gettext("parameter") + "</th><th>" + gettext("default")
        + "</th><th>" + gettext("allowed") + "</th><th>" + gettext("what it is") + "</th></tr></thead>"
        "<tbody>{}</tbody></table></details>", len(PARAM_DOCS), rows)


def levers_help() -> str:
    def allowed(spec):
        if spec.kind == "choice":
            return gettext("one of %(choices)s") % {"choices": ", ".join(spec.choices)}
        if spec.kind == "multichoice":
            return gettext("a list of project codes: %(choices)s") % {"choices": ", ".join(spec.choices)}
        span = {"min": f"{spec.min:g}", "max": f"{spec.max:g}"}
        if spec.kind == "int_list":
            return gettext("a list of %(n)s whole numbers, each %(min)s to %(max)s") % {"n": spec.length, **span}
        if spec.kind == "int":
            return gettext("a whole number from %(min)s to %(max)s") % span
        return gettext("a number from %(min)s to %(max)s") % span

    rows = format_html_join("", "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
        (name, spec.role, _json(spec.default), allowed(spec), spec.label) for name, spec in engine.LEVERS.items()))
    return format_html(
        gettext('A JSON object of the lever values teams start from where they differ from the defaults, e.g. '
                '<code>{{"capex_budget": 20000, "raw_material_cover_days": 2.0}}</code>. Priority weights must sum '
                "to 100; hires and exits cannot both be above 0.")
        + '<details class="lever-reference"><summary>' + gettext("The {} levers: owners, defaults and ranges")
        + "</summary><table><thead><tr><th>" + gettext("lever") + "</th><th>" + gettext("role") + "</th><th>"
        + gettext("default") + "</th><th>" + gettext("allowed") + "</th><th>" + gettext("what it is")
        + "</th></tr></thead><tbody>{}</tbody></table></details>", len(engine.LEVERS), rows)


def schedule_help() -> str:
    rows = format_html_join("", "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>", (
        (kind, spec["description"], spec["targets"], spec["magnitude"])
        for kind, spec in engine.DISRUPTION_KINDS.items()))
    return format_html(
        gettext('A JSON list of disruptions that hit every team; each entry <code>{{"round": 4, "kind": '
                '"supplier_failure", "targets": [0], "start_day": 2, "duration_days": 12, "magnitude": 1.0}}'
                "</code>: round 1 to the scenario's rounds, start_day 0 to 21 (working day of the month), "
                "duration_days above 0 up to 22, targets and magnitude as the kind says. <code>[]</code> for none.")
        + '<details class="kind-reference"><summary>' + gettext("The {} kinds")
        + "</summary><table><thead><tr><th>" + gettext("kind") + "</th><th>" + gettext("what happens")
        + "</th><th>" + gettext("targets") + "</th><th>" + gettext("magnitude") + "</th></tr></thead>"
        "<tbody>{}</tbody></table></details>", len(engine.DISRUPTION_KINDS), rows)


def look_for_help() -> str:
    rows = format_html_join("", "<tr><td><code>{}</code></td><td>{}</td></tr>",
                            ((key, kpi.label) for key, kpi in KPIS.items()))
    return format_html(
        gettext("One a line: what to look for in the data, then <code>{}</code> and the KPI keys it refers to, "
                "comma-separated, e.g. <code>Breakdowns climb two rounds after PM is cut {} pm_compliance, "
                "failures</code>. The facilitator guide shows each with the KPIs' labels (facilitators only).")
        + '<details class="kpi-reference"><summary>' + gettext("The {} KPI keys")
        + "</summary><table><thead><tr><th>" + gettext("key") + "</th><th>" + gettext("label")
        + "</th></tr></thead><tbody>{}</tbody></table></details>",
        authoring.LOOK_FOR_SEPARATOR, authoring.LOOK_FOR_SEPARATOR, len(KPIS), rows)


class AuthoredScenarioForm(forms.ModelForm):
    class Meta:
        model = AuthoredScenario
        fields = list(authoring.FIELDS)
        labels = {"params": gettext_lazy("Parameters")}
        field_classes = {"params": PrettyJSONField, "default_levers": PrettyJSONField,
                         "disruption_schedule": PrettyJSONField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "teaching_about": forms.Textarea(attrs={"rows": 3}),
                   "teaching_trap": forms.Textarea(attrs={"rows": 3}),
                   "teaching_strong_team": forms.Textarea(attrs={"rows": 3}),
                   "teaching_questions": forms.Textarea(attrs={"rows": 5}),
                   "teaching_look_for": forms.Textarea(attrs={"rows": 5, "spellcheck": "false"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, text, rows in (("params", params_help(), 12), ("default_levers", levers_help(), 6),
                                  ("disruption_schedule", schedule_help(), 12)):
            self.fields[field].help_text = text
            self.fields[field].widget.attrs.update({"rows": rows, "class": "vLargeTextField json-field",
                                                    "spellcheck": "false"})
        self.fields["disruption_schedule"].key_order = authoring.DISRUPTION_KEYS
        self.fields["teaching_look_for"].help_text = look_for_help()

    def clean(self):
        data = super().clean()
        for field, empty in (("params", {}), ("default_levers", {}), ("disruption_schedule", [])):
            if field in data and data[field] in (None, ""):
                data[field] = empty
        try:
            self.scenario = authoring.scenario_validate(data)
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                if field not in self.errors:  # a field its own cleaning refused already says why
                    self.add_error(None if field == "__all__" else field, problems)
        return data


def _number(value: float, digits: int) -> str:
    """The reader's separators (English: 12,000.5; German: 12.000,5); rounded first, as number_format cuts."""
    return formats.number_format(round(value, digits), digits, use_l10n=True, force_grouping=True)


def _money(value: float, currency: str) -> str:
    return f"{_number(value, 0)} {currency}"


def _cell(value: float, unit: str, digits: int, currency: str) -> str:
    if unit == "money":
        return _money(value, currency)
    if unit == "share":
        return f"{_number(100 * value, digits)}%"
    return _number(value, digits)


class AuthoredScenarioAdmin(admin.ModelAdmin):
    form = AuthoredScenarioForm
    list_display = ("title", "name", "rounds", "currency", "copied_from", "created_by", "updated_at")
    search_fields = ("title", "name", "description")
    readonly_fields = ("copied_from", "created_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "title", "description", ("rounds", "minutes_per_round", "currency"))}),
        (gettext_lazy("Teaching note"), {"fields": ("teaching_about", "teaching_trap", "teaching_strong_team",
                                                    "teaching_questions", "teaching_look_for")}),
        (gettext_lazy("Plant parameters"), {"fields": ("params",)}),
        (gettext_lazy("Default levers"), {"fields": ("default_levers",)}),
        (gettext_lazy("Disruption schedule"), {"fields": ("disruption_schedule",)}),
        (gettext_lazy("History"), {"fields": ("copied_from", "created_by", "created_at", "updated_at")}),
    )

    # who may: the group and the model permission (scenario_authoring.user_may_author), on either site
    def has_module_permission(self, request):
        return authoring.user_may_author(user=request.user, action="view")

    def has_view_permission(self, request, obj=None):
        return authoring.user_may_author(user=request.user, action="view") or self.has_change_permission(request, obj)

    def has_add_permission(self, request):
        return authoring.user_may_author(user=request.user, action="add")

    def has_change_permission(self, request, obj=None):
        return authoring.user_may_author(user=request.user, action="change")

    def has_delete_permission(self, request, obj=None):
        return authoring.user_may_author(user=request.user, action="delete")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("copy-shipped/", wrap(self.copy_shipped_view), name="%s_%s_copy_shipped" % info),
            path("<path:object_id>/test-run/", wrap(self.test_run_view), name="%s_%s_test_run" % info),
        ] + super().get_urls()

    def _url(self, what: str, *args) -> str:
        return reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{what}", args=args)

    def copy_shipped_view(self, request):
        """The shipped scenarios, each with a button that makes an authored copy to edit."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        request.current_app = self.admin_site.name
        error = None
        if request.method == "POST":
            try:
                row = authoring.scenario_copy_shipped(user=request.user, shipped_name=request.POST.get("shipped_name"))
            except LabError as exc:
                error = exc.message
            else:
                self.message_user(request, gettext("Copied: edit %(name)s below, then save.") % {
                    "name": repr(row.name)}, messages.SUCCESS)
                return redirect(self._url("change", row.pk))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": gettext("Copy a shipped scenario"),
            "shipped": [engine.load_scenario(name) for name in engine.scenario_names()], "error": error,
        }
        return TemplateResponse(request, "admin/facilitator/authoredscenario/copy_shipped.html", context,
                                status=400 if error else 200)

    def test_run_view(self, request, object_id):
        """Play the saved scenario for a few rounds with a scripted strategy and show the KPIs per round."""
        row = self.get_object(request, object_id)
        if row is None:
            raise Http404(gettext("No authored scenario has that id."))
        if not self.has_view_permission(request, row):
            raise PermissionDenied
        request.current_app = self.admin_site.name
        form = {"strategy": request.GET.get("strategy", "defaults"),
                "rounds": request.GET.get("rounds", ""), "seed": request.GET.get("seed", "")}
        result, problems, error = None, None, None
        try:
            scenario = authoring.scenario_from_authored(row)
        except ValidationError as exc:
            problems = [f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs]
        else:
            if not form["rounds"]:
                form["rounds"] = str(min(authoring.TEST_RUN_ROUNDS, scenario.rounds))
            if not form["seed"]:
                form["seed"] = str(authoring.TEST_RUN_SEED)
            try:
                result = authoring.scenario_test_run(scenario=scenario, strategy=form["strategy"],
                                                     rounds=_int_or_text(form["rounds"]), seed=_int_or_text(form["seed"]))
            except LabError as exc:
                error = exc
        table = None
        if result:
            table = [{"round": r["round"], "cells": [_cell(r["kpis"][c["key"]], c["unit"], c["digits"], row.currency)
                                                      for c in result["columns"]]} for r in result["rows"]]
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": row,
            "title": gettext("Test run: %(title)s") % {"title": row.title}, "form": form,
            "strategies": authoring.TEST_RUN_STRATEGIES,
            "max_rounds": row.rounds, "result": result, "table": table, "problems": problems, "error": error,
            "change_url": self._url("change", row.pk),
        }
        status = 400 if (problems or error) else 200
        return TemplateResponse(request, "admin/facilitator/authoredscenario/test_run.html", context, status=status)


def _int_or_text(text: str):
    """A whole number typed in the test-run form, or the text itself for the service to refuse."""
    text = (text or "").strip()
    return int(text) if text.lstrip("-").isdigit() else text


class FacilitatorLoginForm(AdminAuthenticationForm):
    """The scenario editor's login: the facilitator group (or a superuser), not staff status."""

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not user_may_facilitate(user=user):
            raise ValidationError(gettext("The scenario editor is for facilitators: this account is not in the "
                                          "'%(group)s' group.") % {"group": FACILITATOR_GROUP}, code="invalid_login")


class ScenarioAuthoringSite(admin.AdminSite):
    site_header = gettext_lazy("Decision Lab: scenario editor")
    site_title = gettext_lazy("Scenario editor")
    index_title = gettext_lazy("Scenarios")
    site_url = "/console/"
    login_form = FacilitatorLoginForm
    enable_nav_sidebar = False

    def has_permission(self, request):
        return request.user.is_active and user_may_facilitate(user=request.user)

    def index(self, request, extra_context=None):
        return redirect(f"{self.name}:facilitator_authoredscenario_changelist")


scenario_site = ScenarioAuthoringSite(name="scenarios")
scenario_site.register(AuthoredScenario, AuthoredScenarioAdmin)
admin.site.register(AuthoredScenario, AuthoredScenarioAdmin)

from facilitator import lti_admin  # noqa: E402,F401  (registers the LTI platforms in the main admin)
