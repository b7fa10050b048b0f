"""Which residents a member of staff sees."""

from django.db.models import QuerySet

from jiceng.core.scope import scoped
from jiceng.people.models import Person


def person_list_for(user, *, q: str = "") -> QuerySet[Person]:
    """Residents of the communities under the user's regions, by community, those named like `q`."""
    people = scoped(user, Person.objects.select_related("community", "household"), region="community")
    if q:
        people = people.filter(name__contains=q)
    return people.order_by("community__code", "id")
