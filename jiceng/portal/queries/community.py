"""Reads of a community's own page: its party organisations and its workers (shared diary entries are the diary's)."""

from django.db.models import QuerySet

from jiceng.core.models import Role
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
