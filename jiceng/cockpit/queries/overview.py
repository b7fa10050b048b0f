"""Four-level overview figures, computed from records and rolled up by code prefix."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from jiceng.people.models import Household, PartyMembership, Person
from jiceng.regions.models import CHILD_LEVEL, PREFIX_LEN, Level, Region


@dataclass
class Figures:
    region: Region
    subdistricts: int = 0
    communities: int = 0
    residents: int = 0
    households: int = 0
    party_members: int = 0


def people_counts_by_community(region: Region) -> tuple[Counter, Counter, Counter]:
    """Active residents, households and party members per community code: three grouped queries over
    the subtree, whatever its size."""
    people = Counter(
        dict(
            Person.objects.filter(region.subtree_q("community"), is_active=True)
            .values_list("community__code")
            .annotate(n=Count("id"))
        )
    )
    households = Counter(
        dict(
            Household.objects.filter(region.subtree_q("community"))
            .values_list("community__code")
            .annotate(n=Count("id"))
        )
    )
    members = Counter(
        dict(
            PartyMembership.objects.filter(region.subtree_q("person__community"), person__is_active=True)
            .values_list("person__community__code")
            .annotate(n=Count("id"))
        )
    )
    return people, households, members


def _counts(region: Region) -> tuple[Counter, Counter, Counter]:
    """From the cockpit's latest roll-up when there is one, else counted now."""
    from jiceng.cockpit.models import Rollup, RollupStamp

    stamp = RollupStamp.objects.filter(
        district__code=region.district_code, year=timezone.localdate().year
    ).first()
    if stamp is None:
        return people_counts_by_community(region)
    out = (Counter(), Counter(), Counter())
    rows = Rollup.objects.filter(region.subtree_q(), district_id=stamp.district_id, year=stamp.year)
    for code, figures in rows.values_list("code", "figures"):
        for counter, name in zip(out, ("residents", "households", "party_members"), strict=True):
            if figures.get(name):
                counter[code] = figures[name]
    return out


def region_overview_get(region: Region) -> tuple[Figures, list[Figures]]:
    """Figures for `region` and for each of its direct children."""
    subtree = list(Region.objects.filter(region.subtree_q(), is_active=True).order_by("code"))
    people, households, members = _counts(region)
    child_level = CHILD_LEVEL.get(Level(region.level))
    children = [r for r in subtree if r.level == child_level and r.parent_id == region.id]

    def figures_for(node: Region) -> Figures:
        prefix = node.prefix
        f = Figures(region=node)
        for r in subtree:
            if r.code.startswith(prefix):
                if r.level == Level.SUBDISTRICT:
                    f.subdistricts += 1
                elif r.level == Level.COMMUNITY:
                    f.communities += 1
        for counter, attr in ((people, "residents"), (households, "households"), (members, "party_members")):
            setattr(f, attr, sum(n for code, n in counter.items() if code.startswith(prefix)))
        return f

    return figures_for(region), [figures_for(c) for c in children]


def region_summary_get(region: Region) -> Figures:
    """The figures of `region` alone."""
    return region_overview_get(region)[0]


def region_can_drill(region: Region) -> bool:
    """Whether the overview of `region` has children to open (everything above a community)."""
    return PREFIX_LEN[Level(region.level)] < PREFIX_LEN[Level.COMMUNITY]
