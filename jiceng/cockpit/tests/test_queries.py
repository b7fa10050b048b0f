"""The overview figures are counted from the records and roll up exactly, level by level."""

import pytest

from jiceng.cockpit.queries.overview import region_can_drill, region_overview_get, region_summary_get
from jiceng.cockpit.tests.factories import SPREAD, populate
from jiceng.regions.models import Region

pytestmark = pytest.mark.django_db


def _figures(f):
    return (f.residents, f.households, f.party_members)


def test_a_community_counts_its_active_residents_households_and_members(regions):
    populate(regions)
    for key, (residents, members, households, _inactive) in SPREAD.items():
        assert _figures(region_summary_get(regions[key])) == (residents, households, members), key


def test_every_level_is_the_exact_sum_of_its_children(regions):
    populate(regions)
    for region in (regions["district"], regions["A"], regions["B"]):
        total, children = region_overview_get(region)
        assert children and all(c.region.parent_id == region.id for c in children)
        for attr in ("residents", "households", "party_members", "communities"):
            assert getattr(total, attr) == sum(getattr(c, attr) for c in children), (region.code, attr)
    district, subs = region_overview_get(regions["district"])
    assert district.subdistricts == len(subs) == Region.objects.filter(parent=regions["district"]).count()
    assert district.subdistricts == sum(s.subdistricts for s in subs)
    assert _figures(district) == (12, 6, 6)
    assert _figures(region_summary_get(regions["A"])) == (8, 5, 3)
    assert _figures(region_summary_get(regions["B"])) == (4, 1, 3)


def test_a_closed_community_drops_out_of_the_figures_but_not_its_people(regions):
    populate(regions)
    before = region_summary_get(regions["A"])
    Region.objects.filter(pk=regions["A2"].pk).update(is_active=False)
    after = region_summary_get(regions["A"])
    assert after.communities == before.communities - 1
    assert _figures(after) == _figures(before)


def test_only_levels_above_a_community_drill_down(regions):
    assert region_can_drill(regions["district"]) and region_can_drill(regions["A"])
    assert not region_can_drill(regions["A1"])
    assert region_overview_get(regions["A1"])[1] == []
