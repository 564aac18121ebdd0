"""CSV and XLSX files from report rows (classroom.reports.Report); pure: reports in, bytes out. The header row,
sheet names and the About sheet are in the active language (the request's: docs/i18n.md); cells are data.

A CSV holds one view; a workbook holds one sheet per view it is given (the page and the API give all four:
People, Roles, Teams, Sessions) and an About sheet.

Both formats state the timezone (UTC) in the headers, and both neutralise text that a
spreadsheet would run as a formula: display names and session names are typed by anyone.
"""
import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime, timezone as dt_timezone

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from classroom.report_columns import SHEET_NAMES, role_names
from classroom.reports import Report

# OWASP "CSV injection": these first characters make Excel/LibreOffice/Sheets evaluate a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_MAX = 31
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
DATETIME_TEXT = "%Y-%m-%d %H:%M:%S"
XLSX_FORMATS = {"datetime": "yyyy-mm-dd hh:mm:ss", "date": "yyyy-mm-dd", "int": "0", "float": "0.0",
                "percent": "0.0%"}


def neutralise(text: str) -> str:
    """Prefix a quote to text a spreadsheet would treat as a formula (shown, never run)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(dt_timezone.utc).replace(tzinfo=None)


def display_value(kind: str, value) -> str:
    """A cell as text: CSV cells and the HTML preview (which escapes on its own)."""
    if value is None:
        return ""
    if kind == "datetime":
        return _utc_naive(value).strftime(DATETIME_TEXT)
    if kind == "date":
        return value.isoformat()
    if kind == "bool":
        return _("yes") if value else _("no")
    if kind == "float":
        return f"{value:.1f}"
    if kind == "percent":
        return f"{value:.4f}"
    if kind == "roles":
        return role_names(value)
    return str(value)


def report_csv(*, report: Report) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads accented names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(_(c.header)) for c in report.columns])  # headers in the reader's language
    for row in report.rows:
        writer.writerow([neutralise(display_value(c.kind, row[c.key])) if c.kind == "text"
                         else display_value(c.kind, row[c.key]) for c in report.columns])
    return out.getvalue().encode("utf-8-sig")


def sheet_name(title: str) -> str:
    return _SHEET_BAD.sub(" ", title).strip()[:SHEET_NAME_MAX] or "Report"


def _xlsx_value(kind: str, value):
    if value is None:
        return None
    if kind == "datetime":
        return _utc_naive(value)  # Excel has no timezones: UTC, as the header says
    if kind == "text":
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    if kind == "roles":
        return role_names(value)
    return value


def _write_sheet(sheet, report: Report) -> None:
    """One view on one sheet: typed cells, a bold frozen header with filters, widths per column."""
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F1")
    for i, column in enumerate(report.columns, start=1):
        cell = sheet.cell(row=1, column=i, value=_(column.header))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    for r, row in enumerate(report.rows, start=2):
        for i, column in enumerate(report.columns, start=1):
            cell = sheet.cell(row=r, column=i, value=_xlsx_value(column.kind, row[column.key]))
            if column.kind in ("text", "roles") and cell.value is not None:
                cell.data_type = "s"  # never a formula, whatever the text
            elif column.kind in XLSX_FORMATS:
                cell.number_format = XLSX_FORMATS[column.kind]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(report.columns))}{max(1, len(report.rows) + 1)}"


def report_xlsx(*, reports: Sequence[Report], about: list[tuple[str, object]] = (), active: str | None = None) -> bytes:
    """A workbook: a sheet per report (named by SHEET_NAMES for the known views, else by the title), then an
    About sheet. `active`: the kind of the sheet the workbook opens on."""
    book = Workbook()
    book.remove(book.active)
    for report in reports:
        sheet = book.create_sheet(sheet_name(_(SHEET_NAMES.get(report.kind) or report.title)))
        _write_sheet(sheet, report)
        if report.kind == active:
            book.active = sheet
    info = book.create_sheet(sheet_name(_("About")))
    bold = Font(bold=True)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 22, 60
    for r, (label, value) in enumerate(about, start=1):
        info.cell(row=r, column=1, value=label).font = bold
        cell = info.cell(row=r, column=2, value=_about_value(value))
        if isinstance(value, datetime):
            cell.number_format = XLSX_FORMATS["datetime"]
        elif isinstance(value, date):
            cell.number_format = XLSX_FORMATS["date"]
        elif isinstance(cell.value, str):
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _about_value(value):
    if isinstance(value, datetime):
        return _utc_naive(value)
    if isinstance(value, (int, float, date)):
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
