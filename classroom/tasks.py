"""Celery tasks of classroom: take ids (or nothing), call one service, safe to run twice."""
from celery import shared_task


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=600, time_limit=900)
def personal_data_retention_task() -> None:
    """Daily on services (Celery beat, config/celery.py): anonymise personal data past its retention days."""
    from classroom.services.personal_data import personal_data_retention_sweep

    personal_data_retention_sweep()
