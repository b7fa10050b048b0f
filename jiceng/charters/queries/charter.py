"""The current charter and convention of a community, and every version staff may see."""

from collections.abc import Callable, Iterable

from django.db.models import Max, OuterRef, QuerySet, Subquery

from jiceng.charters.models import Charter
from jiceng.core.models import Role
from jiceng.core.scope import scoped
from jiceng.regions.models import Level, Region

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)

# reader(charter): the current Moral Bank earning rules that cite that version, each with `name`,
# `points_label` and `charter_article`. The bank sits above charters, so it hands its reader in
# at start-up (`BankConfig.ready`) and charters never imports it.
CitationReader = Callable[[Charter], Iterable]
_citation_readers: list[CitationReader] = []


def citation_reader_register(reader: CitationReader) -> None:
    """Set where the rules citing a charter come from (called once, by the bank at start-up)."""
    _citation_readers[:] = [reader]


def citation_list(charter: Charter) -> list:
    """The rules that cite this version, by article; none when no app has registered a reader."""
    return [r for reader in _citation_readers for r in reader(charter)]


def charter_list_current(community: Region) -> list[Charter]:
    """The latest version of each kind the community has adopted (charter first)."""
    latest = (
        Charter.objects.filter(community=community, kind=OuterRef("kind"))
        .order_by("-version")
        .values("version")[:1]
    )
    current = Charter.objects.filter(community=community, version=Subquery(latest))
    return sorted(current, key=lambda c: c.kind)


def charter_list_for(user) -> QuerySet[Charter]:
    """Every version in the communities under the user's staff regions, latest first per kind."""
    return scoped(user, Charter.objects.select_related("community"), region="community", roles=STAFF)


def charter_is_current(charter: Charter) -> bool:
    latest = Charter.objects.filter(community=charter.community_id, kind=charter.kind).aggregate(
        v=Max("version")
    )["v"]
    return charter.version == latest


def community_list_for(user) -> QuerySet[Region]:
    """The communities a member of staff records charters for."""
    return scoped(user, Region.objects.filter(level=Level.COMMUNITY), region="", roles=STAFF).order_by("code")


def charter_list_current_in(region: Region) -> QuerySet[Charter]:
    """The current version of each charter and convention of the communities under ``region``."""
    latest = (
        Charter.objects.filter(community=OuterRef("community"), kind=OuterRef("kind"))
        .order_by("-version")
        .values("version")[:1]
    )
    return (
        Charter.objects.filter(region.subtree_q("community"), version=Subquery(latest))
        .select_related("community")
        .order_by("community__code", "kind")
    )
