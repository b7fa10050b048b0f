"""Reading uploaded tables (.xlsx and .csv) into rows of strings, with their row numbers."""

import csv
import datetime as dt
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook


class TableError(Exception):
    pass


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Return the header and (row number, {header: value}) for each non-empty row.

    Row numbers are the ones a person sees in Excel: the header is row 1.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        # calamine parses large sheets many times faster than a pure-Python reader.
        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception:
            raise TableError(_("无法读取 Excel 文件，请确认是 .xlsx 格式且未加密")) from None
        raw: Iterator = ((_cell(c) for c in row) for row in sheet)
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise TableError(_("无法识别 CSV 文件的编码，请另存为 UTF-8"))
        raw = ((c.strip() for c in row) for row in csv.reader(io.StringIO(text)))
    else:
        raise TableError(_("只支持 .xlsx 或 .csv 文件"))
    rows_iter = iter(raw)
    try:
        header = [h for h in next(rows_iter)]
    except StopIteration:
        raise TableError(_("文件是空的")) from None
    header = [h.strip() for h in header]
    rows = []
    for number, values in enumerate(rows_iter, start=2):
        values = list(values)
        if not any(values):
            continue
        rows.append((number, {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h}))
    return header, rows


def require_columns(header: list[str], required: list[str]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise TableError(_("缺少必需的列：%(c)s") % {"c": "、".join(missing)})
