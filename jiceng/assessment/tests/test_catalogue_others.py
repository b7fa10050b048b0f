"""Workforce, funding and task indicators, built through those apps' own services."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from conftest import make_person
from jiceng.assessment.tests.test_catalogue_bank import points, run
from jiceng.funding import services as funding
from jiceng.funding.tests.factories import contract, funded, social_org
from jiceng.linkage import services as linkage
from jiceng.linkage.tests.factories import issue
from jiceng.workforce import services as workforce
from jiceng.workforce.tests.factories import hire


def test_staffing_per_ten_thousand_and_qualified_share(personas, regions, period):
    admin = personas["district_admin"]
    workers = [hire(regions["A2"], admin, name=f"社工{i}") for i in range(2)]
    gone = hire(regions["A2"], admin, name="离职者")
    workforce.worker_leave(actor=admin, worker=gone, on=timezone.localdate())
    for i in range(7):
        make_person(regions["A2"], f"居民{i}")
    workforce.qualification_record(
        actor=admin, worker=workers[0], level="junior", cert_number="A123456", issued_on=dt.date(2020, 1, 1)
    )
    # A2: 2 workers in post among 10 active residents (7 + the 3 hired, the one who left still lives there)
    res = run("workforce.per_10k", regions["A2"], period)
    assert res.value == Decimal("2000.0")
    assert res.records == sorted(("workforce.CommunityWorker", w.pk) for w in workers)
    assert points("workforce.per_10k", Decimal("9")) == Decimal("50.0")  # half of the target of 18
    q = run("workforce.qualified", regions["A2"], period)
    assert q.value == Decimal("50.0") and points("workforce.qualified", q.value) == Decimal("83.3")
    assert run("workforce.qualified", regions["B1"], period).value is None


def test_staffing_counts_the_workers_in_post_on_the_last_day_of_the_period(personas, regions):
    admin = personas["district_admin"]
    period = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    kept = hire(regions["A2"], admin, name="在岗")
    left_later = hire(regions["A2"], admin, name="期后离职")
    hire(regions["A2"], admin, name="期后入职", hired_on=dt.date(2026, 8, 1))
    moved_later = hire(regions["A2"], admin, name="期后调出")
    left_before = hire(regions["A2"], admin, name="期内离职")
    moved_in_later = hire(regions["B1"], admin, name="期后调入")
    for i in range(5):
        make_person(regions["A2"], f"居民{i}")
    workforce.worker_leave(actor=admin, worker=left_later, on=dt.date(2026, 9, 1))
    workforce.worker_leave(actor=admin, worker=left_before, on=dt.date(2026, 3, 1))
    workforce.worker_place(
        actor=admin, worker=moved_later, community=regions["B1"], post="other", on=dt.date(2026, 10, 1)
    )
    workforce.worker_place(
        actor=admin, worker=moved_in_later, community=regions["A2"], post="other", on=dt.date(2026, 7, 15)
    )
    workforce.qualification_record(
        actor=admin, worker=kept, level="junior", cert_number="A100001", issued_on=dt.date(2020, 1, 1)
    )
    workforce.qualification_record(
        actor=admin, worker=left_later, level="junior", cert_number="A100002", issued_on=dt.date(2026, 8, 1)
    )
    # on 30 June: 在岗, 期后离职 and 期后调出 served A2, among its 10 registered residents
    res = run("workforce.per_10k", regions["A2"], period)
    assert res.value == Decimal("3000.0")
    assert res.records == sorted(("workforce.CommunityWorker", w.pk) for w in (kept, left_later, moved_later))
    q = run("workforce.qualified", regions["A2"], period)
    assert q.value == Decimal("33.3") and q.records == res.records  # the August certificate came later
    assert run("workforce.per_10k", regions["B1"], period).records == [
        ("workforce.CommunityWorker", moved_in_later.pk)
    ]


def test_social_organisations_under_contract(personas, regions, period):
    admin = personas["district_admin"]
    year = period[1].year
    _top, line = funded(regions, admin, year=year, sub=60000)
    c = contract(regions, admin, social_org(regions["A"]), line, year=year)
    res = run("funding.social_org", regions["A"], (dt.date(year, 1, 1), dt.date(year, 12, 31)))
    assert res.value == 1 and res.records == [("funding.PurchasedService", c.pk)]
    assert points("funding.social_org", res.value) == Decimal("100.0")
    assert run("funding.social_org", regions["B"], (dt.date(year, 1, 1), dt.date(year, 12, 31))).value == 0


def test_funding_execution_rate(personas, regions):
    admin = personas["district_admin"]
    year = timezone.localdate().year
    _top, line = funded(regions, admin, year=year, sub=40000)
    e = funding.expense_post(
        budget=line,
        amount=Decimal("10000"),
        paid_for_kind="other",
        description="重阳活动",
        key="t-1",
        actor=admin,
    )
    res = run("funding.execution", regions["A"], (dt.date(year, 1, 1), dt.date(year, 12, 31)))
    assert res.value == Decimal("25.0") and res.records == [("funding.Expense", e.pk)]
    assert points("funding.execution", res.value) == Decimal("27.8")  # 25 of the target 90


def test_tasks_done_on_time(personas, regions, period):
    admin, sub = personas["district_admin"], personas["sub_admin"]
    on_time = issue(regions["district"], [regions["A"]], admin, days=-2, start_days=-20)
    row = on_time.children.get()
    linkage.assignment_report(
        assignment=row, actor=sub, number=1, now=row.deadline_end() - dt.timedelta(hours=1)
    )
    late = issue(regions["district"], [regions["A"]], admin, days=-2, start_days=-20, title="迟报")
    linkage.assignment_report(assignment=late.children.get(), actor=sub, number=1)
    missed = issue(regions["district"], [regions["A"]], admin, days=-1, start_days=-20, title="未报")
    running = issue(regions["district"], [regions["A"]], admin, days=5, title="进行中")
    # due before the period began, and after it ends: neither is counted
    issue(regions["district"], [regions["A"]], admin, days=-40, start_days=-60, title="上期任务")
    issue(regions["district"], [regions["A"]], admin, days=90, start_days=-5, title="下期任务")
    res = run("linkage.on_time", regions["A"], period)
    assert res.value == Decimal("33.3")  # on time 1 of 3 due; the one still running is left out
    assert res.records == sorted(
        ("linkage.Assignment", t.children.get().pk) for t in (on_time, late, missed, running)
    )
    assert points("linkage.on_time", res.value) == Decimal("0.0")
    assert points("linkage.on_time", Decimal("80")) == Decimal("50.0")
