"""New-sector indicators: coverage on the period's last day and 边建边散, through the alliance's services."""

import datetime as dt
from decimal import Decimal

from jiceng.alliance import services
from jiceng.alliance.tests.factories import sector_org
from jiceng.assessment.tests.test_catalogue_bank import points, run

PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def branch(org, actor, founded, ended=None, state="inactive"):
    b = services.sector_branch_found(
        sector_org=org, name=f"{org.name}党支部", founded_on=founded, actor=actor
    )
    if ended:
        b = services.sector_branch_end(branch=b, state=state, ended_on=ended, actor=actor)
    return b


def test_coverage_on_the_last_day_and_faded_organisations_in_the_period(regions, personas):
    actor = personas["sub_admin"]
    orgs = [sector_org(regions["A1"], f"楼宇{i}") for i in range(1, 7)]
    closed = sector_org(regions["A1"], "已注销市场")
    closed.is_active = False
    closed.save()
    branch(closed, actor, dt.date(2025, 1, 1))
    alive = branch(orgs[0], actor, dt.date(2025, 3, 1))
    faded = branch(orgs[1], actor, dt.date(2025, 10, 1), dt.date(2026, 3, 1))  # 5 months: 边建边散
    new = branch(orgs[2], actor, dt.date(2026, 5, 1))
    branch(orgs[3], actor, dt.date(2026, 8, 1))  # founded after the period: not covered on 30 June
    long_lived = branch(orgs[4], actor, dt.date(2024, 1, 1), dt.date(2026, 9, 1), "dissolved")  # alive then
    branch(orgs[5], actor, dt.date(2025, 1, 1), dt.date(2025, 6, 1))  # faded before the period
    b1 = branch(sector_org(regions["B1"], "乙园区"), actor, dt.date(2025, 1, 1))

    res = run("sectors.coverage", regions["A1"], PERIOD)
    assert res.value == Decimal("50.0")  # 3 of 6 active organisations
    assert res.records == sorted(("orgs.Organization", o.pk) for o in orgs) + sorted(
        ("alliance.SectorBranch", b.pk) for b in (alive, new, long_lived)
    )
    assert points("sectors.coverage", res.value) == Decimal("0.0")
    assert points("sectors.coverage", Decimal("75")) == Decimal("50.0")
    assert run("sectors.coverage", regions["B"], PERIOD).records == [
        ("orgs.Organization", b1.sector_org_id),
        ("alliance.SectorBranch", b1.pk),
    ]
    assert run("sectors.coverage", regions["A2"], PERIOD).value is None  # no new-sector organisation

    gone = run("sectors.faded", regions["A"], PERIOD)
    assert gone.value == 1 and gone.records == [("alliance.SectorBranch", faded.pk)]
    assert points("sectors.faded", gone.value) == Decimal("75.0")  # 100 − 25 per organisation
    assert points("sectors.faded", Decimal("5")) == Decimal("0.0")  # never below zero
    assert run("sectors.faded", regions["A1"], (dt.date(2025, 1, 1), dt.date(2025, 12, 31))).value == 1
    assert run("sectors.faded", regions["B"], PERIOD).value == 0
