import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("decision_lab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs on services (run `celery -A config beat` once, beside the workers). The embedded default has no
# beat: each server process's ticker (game/ticker.py) runs the same jobs.
app.conf.beat_schedule = {
    # Personal data past its session's retention days is anonymised (docs/privacy.md).
    "personal-data-retention": {
        "task": "classroom.tasks.personal_data_retention_task",
        "schedule": crontab(hour=3, minute=17),  # daily, at a quiet hour (UTC)
    },
}
