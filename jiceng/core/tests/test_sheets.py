"""Workbooks as finance offices read them: money with its two places, text never a formula."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from jiceng.core.sheets import MONEY_FORMAT, Sheet, workbook_bytes


def test_money_keeps_two_places_and_a_formula_stays_text():
    sheet = Sheet(
        "工资表",
        headers=["姓名", "应发", "人数"],
        rows=[["王*芳", Decimal("2856.00"), 1], ['=HYPERLINK("x")', Decimal("3000.50"), 2]],
        heading="2026 年 11 月工资表",
        totals=["合计", Decimal("5856.50"), 3],
    )
    ws = load_workbook(io.BytesIO(workbook_bytes([sheet])))["工资表"]
    assert ws["B3"].value == 2856 and ws["B3"].number_format == MONEY_FORMAT
    assert ws["B5"].number_format == MONEY_FORMAT  # the totals row
    assert ws["C3"].number_format == "General"
    assert ws["A4"].value == '\'=HYPERLINK("x")' and ws["A4"].data_type == "s"
