"""New-sector coverage: rates per subdistrict and founded-then-faded (边建边散) detection."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from jiceng.alliance import services
from jiceng.alliance.models import SectorBranch
from jiceng.alliance.queries.coverage import (
    coverage_list_by_org,
    coverage_list_by_subdistrict,
    coverage_sum,
    sector_branch_is_faded,
    sector_branch_list_faded,
)
from jiceng.alliance.tests.factories import org, sector_org
from jiceng.orgs.models import Organization

pytestmark = pytest.mark.django_db
D = dt.date


def _found(o, founded, actor, members=5):
    return services.sector_branch_found(
        sector_org=o, name=f"中共{o.name}支部", founded_on=founded, member_count=members, actor=actor
    )


@pytest.fixture
def sectors(regions, personas):
    actor = personas["district_admin"]
    a_tower = sector_org(regions["A1"], "甲大厦")
    a_market = sector_org(regions["A2"], "甲市场", sector="market")
    a_park = sector_org(regions["A1"], "甲园区", sector="park")
    b_tower = sector_org(regions["B1"], "乙大厦")
    _found(a_tower, D(2023, 5, 1), actor, members=12)
    faded = _found(a_park, D(2025, 1, 10), actor, members=4)
    services.sector_branch_end(
        branch=faded, state="inactive", ended_on=D(2025, 6, 1), note="书记离职", actor=actor
    )
    old = _found(b_tower, D(2019, 1, 1), actor)
    services.sector_branch_end(branch=old, state="dissolved", ended_on=D(2023, 1, 1), actor=actor)
    return {
        "a_tower": a_tower,
        "a_market": a_market,
        "a_park": a_park,
        "b_tower": b_tower,
        "faded": faded,
        "old": old,
    }


def test_it_computes_coverage_rates_per_subdistrict(regions, sectors):
    rows = coverage_list_by_org(Organization.objects.filter(kind="new_sector"))
    table = coverage_list_by_subdistrict(rows)
    by_name = {r.name: r for r in table}
    a, b = by_name[regions["A"].name], by_name[regions["B"].name]
    assert (a.total, a.covered, a.rate, a.members, a.faded) == (3, 1, 33.3, 12, 1)
    assert (b.total, b.covered, b.rate, b.members, b.faded) == (1, 0, 0.0, 0, 0)
    total = coverage_sum(table)
    assert (total.total, total.covered, total.rate) == (4, 1, 25.0)


def test_it_finds_organisations_founded_then_faded_within_n_months(sectors):
    faded, old = sectors["faded"], sectors["old"]
    faded.refresh_from_db()
    old.refresh_from_db()
    assert (
        sector_branch_is_faded(faded, 12)
        and sector_branch_is_faded(faded, 5)
        and not sector_branch_is_faded(faded, 4)
    )  # lived four months and three weeks
    assert not sector_branch_is_faded(old, 12) and sector_branch_is_faded(old, 48)
    assert sector_branch_list_faded(SectorBranch.objects.all(), 12) == [faded]
    assert set(sector_branch_list_faded(SectorBranch.objects.all(), 60)) == {faded, old}


def test_it_keeps_the_history_and_one_active_branch_at_a_time(regions, personas, sectors):
    actor = personas["district_admin"]
    park = sectors["a_park"]
    with pytest.raises(services.AllianceError, match="不能早于上一个"):
        _found(park, D(2025, 5, 1), actor)
    again = _found(park, D(2025, 9, 1), actor)
    assert [b.pk for b in coverage_list_by_org(Organization.objects.filter(pk=park.pk))[0].branches] == [
        again.pk,
        sectors["faded"].pk,
    ]
    with pytest.raises(services.AllianceError, match="正常运转"):
        _found(park, D(2025, 10, 1), actor)
    with pytest.raises(services.AllianceError, match="只有商务楼宇"):
        _found(org(regions["A1"], "普通单位"), D(2025, 1, 1), actor)
    with pytest.raises(IntegrityError), transaction.atomic():
        SectorBranch.objects.create(
            district=park.district, sector_org=park, name="x", founded_on=D(2025, 1, 1)
        )
    with pytest.raises(services.AllianceError, match="停止活动或已撤销"):
        services.sector_branch_end(branch=again, state="active", ended_on=D(2025, 10, 1), actor=actor)
    with pytest.raises(services.AllianceError, match="成立日期"):
        services.sector_branch_end(branch=again, state="inactive", ended_on=D(2025, 8, 1), actor=actor)
