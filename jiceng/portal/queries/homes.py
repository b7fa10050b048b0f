"""Reads of the role homes that no other app offers as a public query."""

from django.db.models import QuerySet

from jiceng.core.scope import Scope
from jiceng.orgs.models import Organization


def organization_list_operated(scope: Scope) -> QuerySet[Organization]:
    """The organisations a unit operator operates."""
    return Organization.objects.filter(pk__in=scope.org_ids).select_related("region")
