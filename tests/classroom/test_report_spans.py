"""The time arithmetic under HR's figures, on plain values: a socket's span, the union of a person's sockets,
clipping at the session's end, round windows."""
from datetime import datetime, timedelta, timezone as dt_timezone

from classroom.report_figures import (RoundFacts, connection_alive_until, connection_span, round_window_end,
                                      spans_clip, spans_seconds, spans_union)

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=dt_timezone.utc)
TTL = timedelta(seconds=35)


def m(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_clean_close_ends_the_span_and_a_swept_socket_ends_at_its_last_heartbeat():
    assert connection_span(m(1), m(9.8), m(10), TTL) == (m(1), m(10))  # closed 12 s after its last heartbeat
    assert connection_span(m(1), m(9), m(10), TTL) == (m(1), m(9))  # closed a minute later: the sweeper's close
    assert connection_span(m(1), m(7), None, TTL) == (m(1), m(7))  # still open: up to its last heartbeat, not now
    assert connection_alive_until(m(9.8), m(10), TTL) == m(10)
    assert connection_alive_until(m(9), m(10), TTL) == m(9) + TTL
    assert connection_alive_until(m(7), None, TTL) == m(7) + TTL


def test_several_tabs_count_once_and_time_after_the_end_not_at_all():
    spans = spans_union([(m(3), m(4)), (m(1), m(30)), (m(40), m(50)), (m(50), m(55))])
    assert spans == [(m(1), m(30)), (m(40), m(55))]  # nested and touching spans merge
    assert spans_seconds(spans) == (29 + 15) * 60
    assert spans_clip(spans, None, m(45)) == [(m(1), m(30)), (m(40), m(45))]
    assert spans_clip(spans, m(35), m(38)) == []


def test_a_round_is_open_until_its_close_or_the_next_opening():
    first = RoundFacts(number=1, opened_at=m(5), deadline=m(15), closed_at=m(11))
    second = RoundFacts(number=2, opened_at=m(11), deadline=m(21), closed_at=None)
    assert round_window_end(first, {1: first, 2: second}) == m(11)
    assert round_window_end(second, {1: first, 2: second}) is None  # being played: open until now
    unclosed = RoundFacts(number=1, opened_at=m(5), deadline=m(15), closed_at=None)
    assert round_window_end(unclosed, {1: unclosed, 2: second}) == m(11)


def test_every_column_of_every_view_is_defined_in_the_guide():
    """docs/reports.md has a definition line for each column: its header (the words before any parenthesis)
    starts a table cell or sits in a cell's list of headers."""
    from pathlib import Path

    from classroom.report_columns import REPORT_COLUMNS

    guide = (Path(__file__).resolve().parents[2] / "docs" / "reports.md").read_text()
    first = [line.split("|")[1].strip() for line in guide.splitlines() if line.startswith("| ")]
    cells = set(first) | {part.strip() for cell in first for part in cell.split(",")}
    for kind, columns in REPORT_COLUMNS.items():
        missing = [c.header for c in columns if c.header not in cells and c.header.split(" (")[0] not in cells]
        assert not missing, (kind, missing)
