"""Celery tasks: take ids, call one service, safe to run twice."""
from celery import shared_task

from game.services import rounds


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=60, time_limit=90,
             autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def round_close_task(round_id: int) -> None:
    rounds.round_finalize(round_id=round_id)


@shared_task(ignore_result=True, soft_time_limit=30, time_limit=60)
def round_deadline_task(round_id: int) -> None:
    rounds.round_close_if_due(round_id=round_id)
