"""Celery tasks: take ids, call one service, safe to run twice.

Services enqueue these tasks, so this module imports no service at its top: each task imports its
service when it runs (as the HackSoft styleguide does), which keeps the direction services -> tasks.
"""
from celery import shared_task


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=60, time_limit=90,
             autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def round_close_task(round_id: int) -> None:
    from game.services.rounds import round_finalize

    round_finalize(round_id=round_id)


@shared_task(ignore_result=True, soft_time_limit=30, time_limit=60)
def round_deadline_task(round_id: int) -> None:
    from game.services.rounds import round_close_if_due

    round_close_if_due(round_id=round_id)
