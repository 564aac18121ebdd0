"""The session's results as CSV and XLSX: every team's KPIs and decisions per round (game/debrief.py,
`results_table`), written the way HR's reports are (classroom/exports.py) so the files open in Excel:
CSV in UTF-8 with a byte-order mark, an XLSX with a bold frozen header, filters and an About sheet, and
text a spreadsheet would run as a formula neutralised in both (a session is named by whoever made it).
"""
import csv
import io
from datetime import datetime, timezone as dt_timezone

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from classroom.exports import neutralise, sheet_name
from classroom.models import Session
from game.debrief import ResultColumn, results_table

SHEET_TITLE = "Results"
EXTRA_DIGITS = 2  # the files keep two digits more than the page shows, so sums and checks come out right


def _number_text(value, column: ResultColumn) -> str:
    if value is None:
        return ""
    if column.kind == "int" or isinstance(value, int):
        return str(int(value))
    return f"{round(value, column.digits + EXTRA_DIGITS):.{column.digits + EXTRA_DIGITS}f}".rstrip("0").rstrip(".")


def _text(value) -> str:
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


def results_csv(*, session: Session) -> bytes:
    columns, rows = results_table(session=session)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(c.header) for c in columns])
    for row in rows:
        writer.writerow([_text(v) if c.kind == "text" else _number_text(v, c) for c, v in zip(columns, row)])
    return out.getvalue().encode("utf-8-sig")


def results_xlsx(*, session: Session, generated_at: datetime) -> bytes:
    columns, rows = results_table(session=session)
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(SHEET_TITLE)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F1")
    for i, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i, value=column.header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    for r, row in enumerate(rows, start=2):
        for i, (column, value) in enumerate(zip(columns, row), start=1):
            if column.kind == "text":
                cell = sheet.cell(row=r, column=i, value=_text(value))
                cell.data_type = "s"  # never a formula, whatever the text
            else:
                cell = sheet.cell(row=r, column=i, value=value)
                cell.number_format = "0" if column.kind == "int" or not column.digits else "0." + "0" * column.digits
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    info = book.create_sheet("About")
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 24, 70
    about = [("Session", _text(session.name)), ("Session id", session.id),
             ("Generated at (UTC)", generated_at.astimezone(dt_timezone.utc).replace(tzinfo=None)),
             ("Rows", f"{len(rows)}: one per team and closed round"),
             ("Units", "Shares are in % (55.3 means 55.3 %); money in the scenario's currency; scorecard parts 0-100"),
             ("Decisions", "Levers in the units the team room shows; lists (PM hours, priority weights) one column "
                           "per item"),
             ("Forecasts", "What the team committed to in its aligned package (empty: it did not align, so no "
                           "forecast was held against the plant). Forecast error = (forecast - actual) / |actual| in "
                           "%: positive means more was promised than the plant delivered"),
             ("Credibility", "From the good-units and cash errors of every aligned month so far, each capped at "
                             "100 %: 100 x (1 - (mean absolute error + |mean error|) / 100), at least 0. "
                             "Bias is the mean error (positive = optimistic). docs/model.md, 'Credibility'")]
    for r, (label, value) in enumerate(about, start=1):
        info.cell(row=r, column=1, value=label).font = bold
        cell = info.cell(row=r, column=2, value=value)
        if isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
        elif isinstance(value, str):
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
