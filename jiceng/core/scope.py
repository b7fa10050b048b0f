"""Scope: the one helper every list and every fetch goes through.

A user sees what lies under the regions their roles are bound to, or what belongs to
the organisations they operate. Anything else is reported as not found (404), so an
outsider cannot even learn that a row exists.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from jiceng.core.models import ROLE_RANK, Role, RoleGrant
from jiceng.regions.models import Region, prefix_range


@dataclass
class Scope:
    roles: list[str] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    org_ids: list[int] = field(default_factory=list)

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

    def covers(self, region: Region) -> bool:
        return any(r.contains(region) for r in self.regions)

    def region_q(self, path: str) -> Q:
        """Rows whose region (reached through `path`, e.g. "community") lies in scope."""
        q = Q(pk__in=[])
        for region in self.regions:
            q |= prefix_range(region.prefix, f"{path}__code")
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
        regions=[g.region for g in grants if g.region_id and g.role != Role.RESIDENT]
        + [g.region for g in grants if g.region_id and g.role == Role.RESIDENT],
        org_ids=[g.organization_id for g in grants if g.organization_id],
    )
    user._jiceng_scope = scope
    return scope


def scoped(user, qs: QuerySet, *, region: str | None = None, org: str | None = None, roles=None) -> QuerySet:
    """Filter `qs` to what `user` may see.

    `region` names the path to a Region on the model ("community", "region", "" for
    Region itself); `org` names the path to an Organization. A row is visible if it
    matches either. `roles` optionally limits which of the user's roles count.
    """
    scope = scope_for(user)
    if roles is not None and not scope.has(*roles):
        return qs.none()
    q = Q(pk__in=[])
    if region is not None:
        if region == "":
            for r in scope.regions:
                q |= prefix_range(r.prefix)
        else:
            q |= scope.region_q(region)
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
