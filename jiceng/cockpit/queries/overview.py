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


FIELDS = ("subdistricts", "communities", "residents", "households", "party_members")


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
    return overview_from(region, subtree, *_counts(region))


def overview_from(
    region: Region, subtree: list[Region], people: Counter, households: Counter, members: Counter
) -> tuple[Figures, list[Figures]]:
    """`region_overview_get` from the active regions of the subtree and the counts per community code
    that a caller has read already (the cockpit, from the same roll-up rows)."""
    child_level = CHILD_LEVEL.get(Level(region.level))
    children = [r for r in subtree if r.level == child_level and r.parent_id == region.id]

    # Every count is added once under each prefix length in use, so a node's figure is the bucket of
    # its own prefix: one pass over the communities' groups, not one per child.
    cuts = {len(n.prefix) for n in (region, *children)}
    at: dict[str, Counter] = {name: Counter() for name in FIELDS}
    for r in subtree:
        if r.level in (Level.SUBDISTRICT, Level.COMMUNITY):
            for cut in cuts:
                at["subdistricts" if r.level == Level.SUBDISTRICT else "communities"][r.code[:cut]] += 1
    for counter, name in ((people, "residents"), (households, "households"), (members, "party_members")):
        for code, n in counter.items():
            for cut in cuts:
                at[name][code[:cut]] += n

    def figures_for(node: Region) -> Figures:
        return Figures(region=node, **{name: at[name][node.prefix] for name in FIELDS})

    return figures_for(region), [figures_for(c) for c in children]


def region_summary_get(region: Region) -> Figures:
    """The figures of `region` alone."""
    return region_overview_get(region)[0]


def region_can_drill(region: Region) -> bool:
    """Whether the overview of `region` has children to open (everything above a community)."""
    return PREFIX_LEN[Level(region.level)] < PREFIX_LEN[Level.COMMUNITY]
