"""The one spreadsheet helper: every .xlsx the product writes is built here.

An app describes what goes into a workbook (its `exports.py` builds `Sheet`s from
its queries); this module lays it out, keeps every cell inert, and turns it into a
download with the export written to the audit trail.

Cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return are written
as text with a leading apostrophe-style quote prefix, so that a need titled
`=HYPERLINK(...)` is shown as what was typed and never runs as a formula (OWASP's
guidance on CSV/formula injection). Numbers stay numbers.
"""

import dataclasses
import datetime as dt
import decimal
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from jiceng.core.audit import audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    """One sheet: a header row and data rows, optionally framed as a finance office expects.

    `title` is a merged heading above the header; `totals` a last row (e.g. "合计");
    `notes` lines written under the table (signature lines, a source note).
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()
    heading: str = ""
    totals: Sequence | None = None
    notes: Sequence[str] = field(default_factory=list)


def about_sheet(title: str, lines: Sequence[tuple[str, object]], widths: Sequence[int] = (14, 80)) -> Sheet:
    """A two-column sheet of labels and values (what a workbook covers, when it was made)."""
    return Sheet(title, headers=[], rows=[list(line) for line in lines], widths=widths)


def safe_cell(value):
    """A value openpyxl will store as data, never as a formula."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return str(value)
    if value is None or isinstance(value, int | float | dt.date):
        return value
    if isinstance(value, decimal.Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_START):
        # A leading apostrophe is how spreadsheet programs themselves mark "this is text".
        return "'" + text
    return text


MONEY_FORMAT = "#,##0.00"


def _append(ws, row: Sequence) -> None:
    """One row of data; money (a Decimal in yuan with fen) keeps its two places, as finance reads it."""
    ws.append([safe_cell(v) for v in row])
    for cell, value in zip(ws[ws.max_row], row, strict=False):
        if isinstance(value, decimal.Decimal) and value.as_tuple().exponent == -2:
            cell.number_format = MONEY_FORMAT


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(str(sheet.title)[:31])
        ncols = max(len(sheet.headers), 1)
        header_row = 1
        if sheet.heading:
            ws.append([safe_cell(sheet.heading)])
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
            ws.cell(1, 1).font = Font(bold=True, size=14)
            ws.cell(1, 1).alignment = Alignment(horizontal="center")
            header_row = 2
        if sheet.headers:
            ws.append([safe_cell(str(h)) for h in sheet.headers])
            for cell in ws[header_row]:
                cell.font = bold
            ws.freeze_panes = f"A{header_row + 1}"
        for row in sheet.rows:
            _append(ws, row)
        if sheet.totals is not None:
            _append(ws, sheet.totals)
            thin = Side(style="thin")
            for cell in ws[ws.max_row]:
                cell.font = bold
                cell.border = Border(top=thin)
        if sheet.notes:
            ws.append([])
            for line in sheet.notes:
                ws.append([safe_cell(line)])
        widths = sheet.widths or [16] * ncols
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def download(data: bytes, filename: str, *, stamp: bool = True) -> HttpResponse:
    """Bytes of a workbook as an .xlsx attachment (a template, or a built export)."""
    response = HttpResponse(data, content_type=XLSX)
    suffix = "-" + timezone.localtime().strftime("%Y%m%d") if stamp else ""
    response["Content-Disposition"] = f'attachment; filename="{filename}{suffix}.xlsx"'
    return response


def xlsx_response(
    request: HttpRequest,
    *,
    filename: str,
    sheets: Sequence[Sheet],
    action: str,
    target=None,
    rows: int | None = None,
    detail: dict | None = None,
) -> HttpResponse:
    """The workbook as a download, with the export written to the audit trail.

    `detail` adds what makes the figures traceable (the filters used) to the audit entry.
    """
    sheets = [dataclasses.replace(s, rows=list(s.rows)) for s in sheets]
    data = workbook_bytes(sheets)
    count = rows if rows is not None else sum(len(s.rows) for s in sheets if s.headers)
    after = {"rows": count, "filename": filename, **(detail or {})}
    audit(request.user, action, target, after=after, request=request)
    return download(data, filename)


def template_response(filename: str, title: str, headers: Sequence[str], example: Sequence) -> HttpResponse:
    """An import template: the columns a file must have, and one example row."""
    return download(workbook_bytes([Sheet(title, headers, [example])]), filename, stamp=False)
