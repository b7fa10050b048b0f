"""Reads of meetings and actions: a meeting's resolutions with their actions, who closes an action."""

from django.db.models import Prefetch, QuerySet

from jiceng.alliance.models import Action, Meeting, Resolution
from jiceng.alliance.queries.visible import ADMINS
from jiceng.core.scope import scope_for


def resolution_list_with_actions(meeting: Meeting) -> QuerySet[Resolution]:
    """The meeting's resolutions, each with its actions by due date."""
    return meeting.resolutions.prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("due_on"))
    )


def action_may_close(user, action: Action) -> bool:
    """Closing records the served residents' rating, so only the alliance's administrators do it."""
    return scope_for(user).covers(action.alliance.region, roles=ADMINS)
