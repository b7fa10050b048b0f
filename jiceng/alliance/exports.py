"""Excel (.xlsx) exports of every list: one helper builds the workbook and audits the export."""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from jiceng.core.audit import audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()


def _cell(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, int | float | str | dt.date):
        return value
    return str(value)


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(str(sheet.title)[:31])
        ws.append([str(h) for h in sheet.headers])
        for cell in ws[1]:
            cell.font = bold
        for row in sheet.rows:
            ws.append([_cell(v) for v in row])
        for i, width in enumerate(sheet.widths or [16] * len(sheet.headers)):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(
    request: HttpRequest,
    *,
    filename: str,
    sheets: Sequence[Sheet],
    action: str,
    target=None,
    rows: int | None = None,
) -> HttpResponse:
    """The workbook as a download, with the export written to the audit trail."""
    sheets = [Sheet(s.title, s.headers, list(s.rows), s.widths) for s in sheets]
    data = workbook_bytes(sheets)
    count = rows if rows is not None else sum(len(s.rows) for s in sheets)
    audit(request.user, action, target, after={"rows": count, "filename": filename}, request=request)
    response = HttpResponse(data, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response
