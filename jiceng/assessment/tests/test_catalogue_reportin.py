"""Report-in indicator: reported-in party members who served, built through the alliance's services."""

import datetime as dt
from decimal import Decimal

from conftest import make_person
from jiceng.activities.models import ActivityStatus
from jiceng.activities.tests.factories import activity, attended
from jiceng.alliance import services
from jiceng.alliance.tests.factories import at, party_org
from jiceng.assessment.tests.test_catalogue_bank import points, run
from jiceng.people.models import PartyMembership

PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def member(regions, personas, name, reported_on, community="A1"):
    person = make_person(regions[community], name)
    branch = party_org(regions["B1"], f"中共{name}所在单位支部委员会")
    PartyMembership.objects.create(
        person=person, district=person.district, origin="in_service", home_branch=branch
    )
    return services.report_in_submit(
        person=person, origin="in_service", home_branch=branch, actor=personas["worker"], today=reported_on
    )


def test_share_of_reported_in_members_with_a_service_record_in_the_period(regions, personas):
    worker = personas["worker"]
    served = member(regions, personas, "张服务", dt.date(2026, 2, 1))
    idle = member(regions, personas, "李未到", dt.date(2026, 2, 1))
    before = member(regions, personas, "王报到前", dt.date(2026, 4, 1))
    left = member(regions, personas, "赵转出", dt.date(2025, 5, 1))
    gone = member(regions, personas, "钱早走", dt.date(2025, 5, 1))
    later = member(regions, personas, "孙期后", dt.date(2026, 8, 1))
    elsewhere = member(regions, personas, "周乙社区", dt.date(2026, 2, 1), community="B1")
    one = attended(activity(regions["A1"], worker, at(dt.date(2026, 3, 1))), served.person, 90)
    two = attended(activity(regions["B1"], worker, at(dt.date(2026, 5, 2))), served.person, 60)  # anywhere
    cancelled = activity(regions["A1"], worker, at(dt.date(2026, 3, 5)), status=ActivityStatus.CANCELLED)
    attended(cancelled, idle.person, 60)  # a cancelled activity is no service
    attended(
        activity(regions["A1"], worker, at(dt.date(2026, 3, 8))), before.person, 60
    )  # before reporting in
    attended(activity(regions["A1"], worker, at(dt.date(2025, 12, 1))), left.person, 60)  # before the period
    services.report_in_withdraw(report_in=left, actor=worker, today=dt.date(2026, 3, 1))  # in the period
    services.report_in_withdraw(report_in=gone, actor=worker, today=dt.date(2025, 12, 31))  # before it
    attended(activity(regions["A1"], worker, at(dt.date(2026, 8, 5))), later.person, 60)  # after the period
    attended(activity(regions["B1"], worker, at(dt.date(2026, 3, 2))), elsewhere.person, 60)

    res = run("reportin.served", regions["A1"], PERIOD)
    # counted: served, idle, before, left (still reported in on 1 January); served once: only 张服务
    assert res.value == Decimal("25.0")
    assert res.records == sorted(("alliance.ReportIn", r.pk) for r in (served, idle, before, left)) + sorted(
        ("activities.CheckIn", c.pk) for c in (one, two)
    )
    assert points("reportin.served", res.value) == Decimal("0.0")  # below the floor of 30 %
    assert points("reportin.served", Decimal("60")) == Decimal("50.0")
    sub = run("reportin.served", regions["A"], PERIOD)
    assert sub.value == Decimal("25.0") and len(sub.records) == 6
    b1 = run("reportin.served", regions["B1"], PERIOD)
    assert b1.value == Decimal("100.0")
    assert run("reportin.served", regions["A2"], PERIOD).value is None  # nobody reported in
