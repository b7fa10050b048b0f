"""Reading uploaded tables (.xlsx and .csv) into rows of strings, with their row numbers.

Cells are trimmed, except that a leading tab or carriage return is kept: with `=`,
`+`, `-` and `@` it is one of the starts a spreadsheet may run as a formula (OWASP
CSV injection), and `formula_problems` refuses it in the text columns an import
names. Numeric columns are left to their own rules, so "-5" is a number there.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook


class TableError(Exception):
    pass


class ImportRejected(Exception):
    """The file had bad rows; nothing was written. `errors` lists every one, with its row number."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(_("导入被拒绝：共 %(n)d 处错误，未写入任何数据") % {"n": len(errors)})


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _trim(text: str) -> str:
    stripped = text.strip()
    lead = text.lstrip(" \u3000")[:1]
    return lead + stripped if lead in ("\t", "\r") and stripped else stripped


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _trim(str(value))


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
        raw = ((_trim(c) for c in row) for row in csv.reader(io.StringIO(text)))
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
        if not any(v.strip() for v in values):
            continue
        rows.append((number, {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h}))
    return header, rows


def require_columns(header: list[str], required: list[str]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise TableError(_("缺少必需的列：%(c)s") % {"c": "、".join(missing)})


def formula_problems(rec: dict[str, str], text_columns) -> list[str]:
    """What is wrong with the text cells of a row that a spreadsheet would run as a formula.

    One message per cell, naming its column; the caller puts them on the row's line,
    so a refused import lists every bad row at once.
    """
    problems = []
    for column in text_columns:
        value = rec.get(column, "")
        if value.startswith(FORMULA_STARTS):
            start = {"\t": _("制表符"), "\r": _("回车符")}.get(value[0], value[0])
            problems.append(
                _("“%(c)s”以“%(s)s”开头，表格软件会把它当成公式：请删去开头的符号，或在前面加上文字")
                % {"c": column, "s": start}
            )
    return problems


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")


def cell_date(value: str) -> dt.date | None:
    """A date cell as people write it (2024-01-31, 2024/1/31, 2024.01.31, 20240131), normalised
    first; empty is None, anything else a ValidationError that says how to write it."""
    from django.core.exceptions import ValidationError

    from jiceng.core.validators import ascii_normalize

    value = ascii_normalize(value)
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("日期 %(v)s 无法识别，请写成 2024-01-31") % {"v": value})
