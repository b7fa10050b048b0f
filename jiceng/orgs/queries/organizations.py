"""Which organisations a user sees."""

from django.db.models import QuerySet

from jiceng.core.scope import scoped
from jiceng.orgs.models import Kind, Organization


def organization_list_for(user, *, kind: str = "") -> QuerySet[Organization]:
    """The organisations under the user's regions, of one kind when `kind` is given."""
    orgs = scoped(user, Organization.objects.select_related("region", "parent"), region="region")
    if kind in Kind.values:
        orgs = orgs.filter(kind=kind)
    return orgs
