"""Reads of a community's own page: its party organisations, its workers, and shared diary entries."""

from django.db.models import QuerySet

from jiceng.core.models import Role
from jiceng.diary.models import DiaryEntry
from jiceng.orgs.models import Kind, Organization
from jiceng.people.models import Person
from jiceng.regions.models import Region


def organization_list_party(community: Region) -> QuerySet[Organization]:
    return Organization.objects.filter(region=community, kind=Kind.PARTY)


def worker_list(community: Region) -> QuerySet[Person]:
    """The people who hold a community worker's grant bound to this community."""
    return Person.objects.filter(
        user__grants__role=Role.COMMUNITY_WORKER, user__grants__region=community
    ).distinct()


def diary_entry_list_shared(community: Region, limit: int = 10) -> QuerySet[DiaryEntry]:
    """The latest diary entries its residents chose to share."""
    return DiaryEntry.objects.filter(person__community=community, is_shared=True).select_related("person")[
        :limit
    ]
