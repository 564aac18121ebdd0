"""The export audit: who took participation data out of the lab, what, in which format and how many rows.

Called at the edges that hand data out, after access was checked and the data computed: report downloads
from the reports page (classroom/report_views.py), API reads of reports and of the ledger (classroom/api*.py)
and a person's data export (classroom/api_personal_data.py). Listed read-only in the admin for HR.
"""
import logging
from datetime import date, datetime

from django.db import transaction

from classroom.models import ExportRecord

log = logging.getLogger(__name__)
WHAT_MAX = 60
FMT_MAX = 12


def _plain(value):
    """A filter value as JSON can keep it (dates as ISO text; anything else unknown as text)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def export_record(*, user, what: str, fmt: str, filters: dict, rows: int) -> ExportRecord:
    """File one export. `what` names the data (e.g. participation_people, ledger, personal_data), `fmt` the
    format handed out (json, csv, xlsx), `filters` the parameters that chose the rows, `rows` how many."""
    if not what or len(what) > WHAT_MAX or not fmt or len(fmt) > FMT_MAX:
        raise ValueError(f"export_record: 'what' (1-{WHAT_MAX} chars) and 'fmt' (1-{FMT_MAX}) are required; "
                         f"got {what!r}, {fmt!r}")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise ValueError(f"export_record: 'rows' must be a count; got {rows!r}")
    authenticated = user is not None and user.is_authenticated
    with transaction.atomic():
        record = ExportRecord.objects.create(
            user=user if authenticated else None, username=user.get_username() if authenticated else "",
            what=what, fmt=fmt.lower(), filters={str(k): _plain(v) for k, v in (filters or {}).items()}, rows=rows)
    log.info("export: %s took %s (%s, %d rows, %s)", record.username or "anonymous", what, fmt, rows, record.filters)
    return record
