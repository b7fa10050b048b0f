"""Scope: the one helper every list and every fetch goes through.

A user sees what lies under the regions their roles are bound to, or what belongs to
the organisations they operate. Anything else is reported as not found (404), so an
outsider cannot even learn that a row exists.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from jiceng.core.models import ROLE_RANK, Role, RoleGrant
from jiceng.regions.models import Level, Region


@dataclass
class Scope:
    roles: list[str] = field(default_factory=list)
    grants: list[tuple[str, Region]] = field(default_factory=list)  # (role, region), widest role first
    org_ids: list[int] = field(default_factory=list)

    @property
    def regions(self) -> list[Region]:
        """The regions that count by default: a staff member's work regions, or a resident's community.

        Where a worker also lives (their resident grant) gives them no staff rights
        there; pass `roles` to `scoped` or `regions_for` to ask for it explicitly.
        """
        staff = [r for role, r in self.grants if role != Role.RESIDENT]
        return staff or [r for _role, r in self.grants]

    def regions_for(self, roles) -> list[Region]:
        return [r for role, r in self.grants if role in roles]

    @property
    def primary_role(self) -> str | None:
        for role in ROLE_RANK:
            if role in self.roles:
                return role
        return None

    @property
    def primary_region(self) -> Region | None:
        return self.regions[0] if self.regions else None

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def works_in(self, community: Region | int, roles=(Role.COMMUNITY_WORKER,)) -> bool:
        """Whether the user holds one of `roles` bound to exactly this community (a Region or its id)."""
        pk = community if isinstance(community, int) else community.pk
        return any(r.pk == pk for r in self.regions_for(roles))

    def work_community(self, roles=(Role.COMMUNITY_WORKER,)) -> Region | None:
        """The community a community worker works in (the first, if several)."""
        return next((r for r in self.regions_for(roles) if r.level == Level.COMMUNITY), None)

    def covers(self, region: Region, roles=None) -> bool:
        regions = self.regions if roles is None else self.regions_for(roles)
        return any(r.contains(region) for r in regions)

    def region_q(self, path: str, roles=None) -> Q:
        """Rows whose region (reached through `path`, e.g. "community", or "" for Region) lies in scope."""
        q = Q(pk__in=[])
        for region in self.regions if roles is None else self.regions_for(roles):
            q |= region.subtree_q(path)
        return q


def scope_for(user) -> Scope:
    """The user's scope, computed once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return Scope()
    cached = getattr(user, "_jiceng_scope", None)
    if cached is not None:
        return cached
    grants = list(RoleGrant.objects.filter(user=user).select_related("region"))
    grants.sort(key=lambda g: ROLE_RANK.index(Role(g.role)))
    scope = Scope(
        roles=[g.role for g in grants],
        grants=[(g.role, g.region) for g in grants if g.region_id],
        org_ids=[g.organization_id for g in grants if g.organization_id],
    )
    user._jiceng_scope = scope
    return scope


def scoped(user, qs: QuerySet, *, region: str | None = None, org: str | None = None, roles=None) -> QuerySet:
    """Filter `qs` to what `user` may see.

    `region` names the path to a Region on the model ("community", "region", "" for
    Region itself); `org` names the path to an Organization. A row is visible if it
    matches either. `roles` limits which of the user's roles count: only the regions
    those roles are bound to are used. Without it, a staff member's work regions count
    and the community they live in does not.
    """
    scope = scope_for(user)
    if roles is not None and not scope.has(*roles):
        return qs.none()
    q = Q(pk__in=[])
    if region is not None:
        q |= scope.region_q(region, roles)
    if org is not None and scope.org_ids:
        q |= Q(**{f"{org}__in": scope.org_ids})
    return qs.filter(q)


def get_scoped_or_404(
    user, qs: QuerySet, *, region: str | None = None, org: str | None = None, roles=None, **lookup
):
    try:
        return scoped(user, qs, region=region, org=org, roles=roles).get(**lookup)
    except qs.model.DoesNotExist:
        raise Http404 from None


def require_role(user, *roles: str) -> Scope:
    """404 unless the user holds one of `roles`; pages for other roles simply don't exist for them."""
    scope = scope_for(user)
    if not scope.has(*roles):
        raise Http404
    return scope
