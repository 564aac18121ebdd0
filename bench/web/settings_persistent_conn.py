"""Bench-only experiment settings: the lab's settings with persistent database connections.

Not a fix in the app, evidence for one: `load.py --settings settings_persistent_conn` runs the
same benchmark with CONN_MAX_AGE=None, so Channels'
`database_sync_to_async` stops closing (SQLite: checkpointing the WAL) and reopening the database
connection around every message.
"""
from config.settings.base import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405
