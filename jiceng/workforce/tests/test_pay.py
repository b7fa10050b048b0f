"""A pay sheet's total is the sum of its rows, matches a hand computation, and freezes on approval."""

import datetime as dt
from decimal import Decimal

import pytest

from jiceng.workforce import services
from jiceng.workforce.models import GRADES, PaySheet
from jiceng.workforce.signals import pay_sheet_approved
from jiceng.workforce.tests.factories import hire

pytestmark = pytest.mark.django_db


def test_a_sheet_total_is_the_sum_of_rows_and_matches_a_hand_computed_case(regions, personas):
    admin, district = personas["sub_admin"], regions["district"]
    table = {g: (Decimal("3200.00"), Decimal("1.00") + Decimal("0.10") * (g - 1)) for g in GRADES}
    services.pay_table_save(actor=personas["district_admin"], district=district, year=2026, table=table)
    hire(regions["A1"], admin, name="甲", post="other", hired_on=dt.date(2020, 1, 1))
    b = hire(regions["A2"], admin, name="乙", post="head", hired_on=dt.date(2021, 1, 1))
    services.qualification_record(
        actor=admin, worker=b, level="intermediate", cert_number="Z1", issued_on=dt.date(2022, 3, 1)
    )
    hire(regions["B1"], admin, name="丙")  # another subdistrict: not on A's sheet
    left = hire(regions["A1"], admin, name="丁", hired_on=dt.date(2019, 1, 1))
    services.worker_leave(actor=admin, worker=left, on=dt.date(2025, 12, 31))
    sheet = services.pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2026, month=3)
    rows = {r.name: r for r in sheet.rows.all()}
    assert set(rows) == {"甲", "乙"}
    # 甲: grade 1, 3200 × 1.00 × 0.70 = 2240.00, no allowance.
    assert (rows["甲"].grade, rows["甲"].fixed_pay, rows["甲"].allowance, rows["甲"].total) == (
        1,
        Decimal("2240.00"),
        Decimal("0.00"),
        Decimal("2240.00"),
    )
    # 乙: 正职 7 + 2 (社会工作师) = 9, coefficient 1.80: 3200 × 1.80 × 0.70 = 4032.00, + 300 allowance.
    assert (rows["乙"].grade, rows["乙"].coefficient, rows["乙"].total) == (
        9,
        Decimal("1.80"),
        Decimal("4332.00"),
    )
    assert sheet.total == sum(r.total for r in rows.values()) == Decimal("6572.00")


def test_the_fixed_pay_rounds_half_up_to_the_cent():
    assert services.pay_fixed(Decimal("3000.05"), Decimal("1.07"), Decimal("0.70")) == Decimal("2247.04")
    assert services.pay_fixed(Decimal("1000.00"), Decimal("1.00"), Decimal("0.70")) == Decimal("700.00")


def test_approval_freezes_the_sheet_and_signals_inside_the_transaction(regions, personas, worker_pay_line):
    admin = personas["sub_admin"]
    hire(regions["A1"], admin)
    sheet = services.pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2026, month=1)
    seen = []

    def receiver(sender, pay_sheet, **kwargs):
        seen.append((pay_sheet.pk, PaySheet.objects.get(pk=pay_sheet.pk).status))

    pay_sheet_approved.connect(receiver)
    try:
        services.pay_sheet_approve(actor=admin, pay_sheet=sheet)
    finally:
        pay_sheet_approved.disconnect(receiver)
    assert seen == [(sheet.pk, "approved")]
    with pytest.raises(services.WorkforceError):
        services.pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2026, month=1)
    with pytest.raises(services.WorkforceError):
        services.pay_sheet_approve(actor=admin, pay_sheet=sheet)


def test_a_receiver_that_fails_undoes_the_approval(regions, personas, worker_pay_line):
    admin = personas["sub_admin"]
    hire(regions["A1"], admin)
    sheet = services.pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2026, month=2)

    def receiver(sender, pay_sheet, **kwargs):
        raise RuntimeError("expense refused")

    pay_sheet_approved.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            services.pay_sheet_approve(actor=admin, pay_sheet=sheet)
    finally:
        pay_sheet_approved.disconnect(receiver)
    sheet.refresh_from_db()
    assert sheet.status == "draft"
    assert not sheet.expenses.exists()  # the expense funding posted first is undone with it


def test_a_draft_is_computed_again_from_the_latest_records(regions, personas):
    admin = personas["sub_admin"]
    worker = hire(regions["A1"], admin)
    first = services.pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2026, month=4)
    services.qualification_record(
        actor=admin, worker=worker, level="junior", cert_number="J1", issued_on=dt.date(2026, 1, 5)
    )
    again = services.pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2026, month=4)
    assert again.pk == first.pk and again.rows.count() == 1
    assert again.total - first.total == Decimal("200.00") + (
        services.pay_fixed(Decimal("3000.00"), Decimal("1.06"), Decimal("0.70"))
        - services.pay_fixed(Decimal("3000.00"), Decimal("1.00"), Decimal("0.70"))
    )


def test_settings_of_a_year_change_the_sheet_from_that_year_on(regions, personas):
    from jiceng.workforce.models import DEFAULTS

    admin = personas["sub_admin"]
    hire(regions["A1"], admin)
    values = dict(DEFAULTS) | {"fixed_share": Decimal("0.80")}
    services.settings_save(
        actor=personas["district_admin"], district=regions["district"], year=2026, values=values
    )
    s2025 = services.pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2025, month=12)
    s2026 = services.pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2026, month=1)
    assert s2025.total == Decimal("2100.00") and s2026.total == Decimal("2400.00")
