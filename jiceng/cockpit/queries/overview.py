"""Four-level overview figures, computed from records and rolled up by code prefix."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

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


def _counts_by_community(region: Region) -> tuple[Counter, Counter, Counter]:
    """Three grouped queries over the subtree, whatever its size."""
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


def region_overview_get(region: Region) -> tuple[Figures, list[Figures]]:
    """Figures for `region` and for each of its direct children."""
    subtree = list(Region.objects.filter(region.subtree_q(), is_active=True).order_by("code"))
    people, households, members = _counts_by_community(region)
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
