"""The meetings a member takes part in: the invitations of the user's own organisations.

A unit operator answers for the units they operate; a community worker for their
community's own party organisation (not for the units that happen to sit in it).
"""

from django.db.models import Q, QuerySet

from jiceng.alliance.models import Action, Invitation, Resolution
from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.orgs.models import Kind


def invitation_list_mine(user) -> QuerySet[Invitation]:
    scope = scope_for(user)
    q = Q(pk__in=[])
    if scope.has(Role.UNIT_OPERATOR) and scope.org_ids:
        q |= Q(member__organization_id__in=scope.org_ids)
    communities = [r.pk for r in scope.regions_for((Role.COMMUNITY_WORKER,))]
    if communities:
        q |= Q(member__organization__region_id__in=communities, member__organization__kind=Kind.PARTY)
    return (
        Invitation.objects.filter(q)
        .select_related("meeting__alliance", "member__organization")
        .order_by("-meeting__scheduled_at")
    )


def invitation_get_mine(user, pk: int) -> Invitation | None:
    return invitation_list_mine(user).filter(pk=pk).first()


def resolution_list_for_member(invitation: Invitation) -> list[tuple[Resolution, list[Action]]]:
    """The meeting's resolutions, each with the actions the member's organisation owns."""
    out = []
    for r in invitation.meeting.resolutions.select_related("agenda_item__proposer__organization"):
        mine = [a for a in r.actions.all() if a.owner_id == invitation.member.organization_id]
        out.append((r, mine))
    return out
