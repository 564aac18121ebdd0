"""Retention: personal data of sessions past their retention days is anonymised by the daily job (Celery beat
on services, the ticker on the embedded default); nothing personal is left and every figure stays."""
from datetime import timedelta

import pytest
from django.db import models
from django.utils import timezone

from classroom.models import Connection, LedgerEntry, Participant, Session
from classroom.services import personal_data as pd
from classroom.tasks import personal_data_retention_task
from config.celery import app as celery_app
from tests import factories
from tests.classroom.test_personal_data import CHATS, figures, workshop

pytestmark = pytest.mark.django_db(transaction=True)


def age(session: Session, *, created_days: float, finished_days: float | None = None):
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(
        created_at=now - timedelta(days=created_days),
        finished_at=None if finished_days is None else now - timedelta(days=finished_days))
    session.refresh_from_db()


def text_values(rows) -> list[str]:
    """Every text and JSON field of these rows, as text."""
    values = []
    for row in rows:
        for field in row._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                values.append(str(getattr(row, field.attname)))
    return values


def test_a_finished_session_past_its_days_is_anonymised_with_nothing_personal_left(facilitator):
    session = workshop(facilitator)  # finished, retention 30 days
    hr = factories.make_hr_only()
    before = figures(hr, session)
    people = list(Participant.objects.filter(session=session))
    secrets = [v for p in people for v in (p.display_name, p.email, p.employee_id, p.rejoin_token)] + list(CHATS)
    age(session, created_days=40, finished_days=31)
    assert pd.personal_data_retention_due() == [session.id]
    assert pd.personal_data_retention_sweep() == 4
    rows = (list(Participant.objects.filter(session=session)) + list(LedgerEntry.objects.filter(session=session))
            + list(Connection.objects.filter(participant__session=session)))
    texts = text_values(rows)
    for secret in secrets:
        assert not any(secret in text for text in texts), secret
    assert figures(hr, session) == before
    assert pd.personal_data_retention_due() == []  # done: the next run finds nothing
    assert pd.personal_data_retention_sweep() == 0


def test_the_days_count_from_the_end_and_each_session_keeps_its_own(facilitator):
    finished_recently = workshop(facilitator)
    age(finished_recently, created_days=400, finished_days=29)  # created long ago, finished 29 of 30 days ago
    long_kept = factories.make_session(facilitator)
    factories.join_many(long_kept, 2)
    Session.objects.filter(pk=long_kept.pk).update(retention_days=365)
    age(long_kept, created_days=100)
    assert pd.personal_data_retention_due() == []
    never_finished = factories.make_session(facilitator)
    factories.join_many(never_finished, 2)
    Session.objects.filter(pk=never_finished.pk).update(retention_days=7)
    age(never_finished, created_days=8)  # never finished: counted from its creation
    assert pd.personal_data_retention_due() == [never_finished.id]
    pd.personal_data_retention_sweep()
    assert not Participant.objects.filter(session=never_finished, anonymised_at__isnull=True).exists()
    assert not Participant.objects.filter(session=finished_recently, anonymised_at__isnull=False).exists()
    assert not Participant.objects.filter(session=long_kept, anonymised_at__isnull=False).exists()


def test_someone_who_joined_after_an_erase_is_caught_too(facilitator, lobby_session):
    factories.join_many(lobby_session, 1)
    pd.session_personal_data_erase(session_id=lobby_session.id, by=facilitator)
    late = factories.join_many(lobby_session, 1, prefix="Late")[0]
    age(lobby_session, created_days=lobby_session.retention_days + 1)
    pd.personal_data_retention_sweep()
    late.refresh_from_db()
    assert late.anonymised_at is not None and not late.display_name.startswith("Late")


def test_the_task_runs_the_sweep_and_beat_runs_it_daily(facilitator, lobby_session):
    factories.join_many(lobby_session, 2)
    age(lobby_session, created_days=lobby_session.retention_days + 1)
    personal_data_retention_task.delay()  # eager in tests
    assert not Participant.objects.filter(session=lobby_session, anonymised_at__isnull=True).exists()
    entry = celery_app.conf.beat_schedule["personal-data-retention"]
    assert entry["task"] == personal_data_retention_task.name
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)
    assert entry["task"] in celery_app.tasks


def test_the_embedded_ticker_runs_it_at_most_hourly(facilitator, lobby_session, monkeypatch, settings):
    from game import ticker

    assert pd.personal_data_retention_tick in ticker.TICK_JOBS
    calls = []
    monkeypatch.setattr(pd, "personal_data_retention_sweep", lambda: calls.append(1) or 0)
    monkeypatch.setattr(pd, "_retention_last_run", None)
    clock = [1000.0]
    monkeypatch.setattr(pd.time, "monotonic", lambda: clock[0])
    settings.SERVICES_MODE = False
    pd.personal_data_retention_tick()
    clock[0] += pd.RETENTION_TICK_SECONDS - 1
    pd.personal_data_retention_tick()
    assert len(calls) == 1
    clock[0] += 2
    pd.personal_data_retention_tick()
    assert len(calls) == 2
    settings.SERVICES_MODE = True  # services: Celery beat runs it instead
    clock[0] += 10 * pd.RETENTION_TICK_SECONDS
    assert pd.personal_data_retention_tick() is None and len(calls) == 2


def test_the_compose_deployment_runs_one_beat():
    import yaml
    from django.conf import settings as django_settings

    compose = yaml.safe_load((django_settings.BASE_DIR / "docker-compose.yml").read_text())
    beats = [name for name, service in compose["services"].items() if "beat" in service.get("command", [])]
    assert beats == ["beat"] and compose["services"]["beat"].get("deploy", {}).get("replicas", 1) == 1
