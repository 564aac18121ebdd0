import pytest

from classroom.errors import LabError
from classroom.models import Session
from game.services import preview as preview_service
from game.services.packages import package_edit
from game.services.preview import package_preview
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_preview_gives_bands_for_the_latest_version(started_session):
    hr = factories.holder(started_session, "hr")
    result = package_preview(participant_id=hr.id, version=1)
    assert result["version"] == 1 and result["round"] == 1 and result["n_samples"] == 200
    good = result["kpis"]["good_units"]
    assert good["p10"] <= good["p50"] <= good["p90"] and good["p10"] < good["p90"]


def test_preview_reflects_the_package(started_session):
    hr = factories.holder(started_session, "hr")
    base = package_preview(participant_id=hr.id, version=1)["kpis"]["good_units"]["mean"]
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.25, base_version=1, client_msg_id="ot")
    pushed = package_preview(participant_id=hr.id, version=2)["kpis"]["good_units"]["mean"]
    assert pushed > base  # overtime helps in month 1 (the lesson is that it fades)


def test_preview_of_an_old_version_is_stale(started_session):
    hr = factories.holder(started_session, "hr")
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="e")
    with pytest.raises(LabError) as exc:
        package_preview(participant_id=hr.id, version=1)
    assert exc.value.code == "stale_version"


def test_preview_is_cached_per_version(started_session, monkeypatch):
    calls = []
    real = preview_service.engine.preview
    monkeypatch.setattr(preview_service.engine, "preview", lambda *a, **k: calls.append(1) or real(*a, **k))
    preview_service._cache.clear()
    for role in ("hr", "director"):
        package_preview(participant_id=factories.holder(started_session, role).id, version=1)
    assert len(calls) == 1


def test_preview_uses_the_snapshot(scenario_files, started_session):
    hr = factories.holder(started_session, "hr")
    preview_service._cache.clear()
    before = package_preview(participant_id=hr.id, version=1)
    scenario_files("demo", demand=20_000.0, price=150.0)
    preview_service._cache.clear()
    assert package_preview(participant_id=hr.id, version=1) == before
    Session.objects.filter(pk=started_session.pk).update(scenario_snapshot=None)  # the file would change it
    preview_service._cache.clear()
    assert package_preview(participant_id=hr.id, version=1) != before


SUPPLIER_DOWN = {"kind": "supplier_failure", "targets": [0], "start_day": 2, "duration_days": 10, "magnitude": 1.0}


def test_preview_runs_the_news_announced_for_the_round(started_session, facilitator):
    from game.services.disruptions import disruption_cancel, disruption_edit, disruption_inject

    hr = factories.holder(started_session, "hr")
    preview_service._cache.clear()
    calm = package_preview(participant_id=hr.id, version=1)
    assert calm["disruptions"] == []
    news = disruption_inject(session_id=started_session.id, user=facilitator, spec=SUPPLIER_DOWN)
    hit = package_preview(participant_id=hr.id, version=1)  # same version: the cache must not answer
    assert [d["kind"] for d in hit["disruptions"]] == ["supplier_failure"]
    assert hit["kpis"]["good_units"]["p50"] < 0.9 * calm["kpis"]["good_units"]["p50"]
    disruption_edit(session_id=started_session.id, user=facilitator, disruption_id=news.id,
                    spec={**SUPPLIER_DOWN, "duration_days": 6})
    milder = package_preview(participant_id=hr.id, version=1)
    assert hit["kpis"]["good_units"]["p50"] < milder["kpis"]["good_units"]["p50"] < calm["kpis"]["good_units"]["p50"]
    disruption_cancel(session_id=started_session.id, user=facilitator, disruption_id=news.id)
    assert package_preview(participant_id=hr.id, version=1) == calm


def test_preview_leaves_surprises_and_later_rounds_out(started_session, facilitator):
    from game.services.disruptions import disruption_inject, disruption_schedule

    hr = factories.holder(started_session, "hr")
    preview_service._cache.clear()
    calm = package_preview(participant_id=hr.id, version=1)
    disruption_inject(session_id=started_session.id, user=facilitator, spec=SUPPLIER_DOWN, announce=False)
    disruption_schedule(session_id=started_session.id, user=facilitator, spec=SUPPLIER_DOWN, round_number=2)
    preview_service._cache.clear()
    assert package_preview(participant_id=hr.id, version=1) == calm  # giving nothing away


def test_a_person_starts_only_so_many_engine_runs_a_minute_cached_ones_are_free(started_session, settings):
    """A script editing and previewing in a loop would hold a core for the whole room; a person gets
    LAB_PREVIEW_RUNS_PER_MINUTE new runs, told in words, and a version already run is still served."""
    settings.LAB_PREVIEW_RUNS_PER_MINUTE = 2
    preview_service._cache.clear()
    hr = factories.holder(started_session, "hr")
    package_preview(participant_id=hr.id, version=1)
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="e1")
    package_preview(participant_id=hr.id, version=2)
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.2, base_version=2, client_msg_id="e2")
    with pytest.raises(LabError) as exc:
        package_preview(participant_id=hr.id, version=3)
    assert exc.value.code == "preview_too_fast" and exc.value.http_status == 429
    assert "more than 2 new previews in a minute" in exc.value.message
    director = factories.holder(started_session, "director")
    assert package_preview(participant_id=director.id, version=3)["version"] == 3  # another person's budget
    assert package_preview(participant_id=hr.id, version=3)["version"] == 3  # now cached: free
