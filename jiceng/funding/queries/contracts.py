"""Reads of purchased services: a contract's progress, computed from the records that exist,
and the district's year-end target (every subdistrict served by a social organisation)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.activities.models import Activity, ActivityStatus, CheckIn, OrganizerKind
from jiceng.alliance.models import Need, NeedStatus
from jiceng.core.scope import scoped
from jiceng.funding.models import ContractStatus, PurchasedService
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import PREFIX_LEN, Level, Region


@dataclass
class Progress:
    people: int
    sessions: int
    needs: int
    needs_rating: Decimal | None
    frozen: bool = False


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def contract_activities(contract: PurchasedService, *, now: dt.datetime | None = None) -> QuerySet[Activity]:
    """Activities the provider co-hosted in the buyer's area within the period and already held."""
    now = now or timezone.now()
    return Activity.objects.filter(
        contract.buyer.subtree_q("community"),
        organizer_kind=OrganizerKind.SOCIAL,
        organizer_org=contract.provider_id,
        starts_at__gte=_day_start(contract.starts_on),
        starts_at__lt=_day_start(contract.ends_on + dt.timedelta(days=1)),
        starts_at__lte=now,
    ).exclude(status=ActivityStatus.CANCELLED)


def contract_needs(contract: PurchasedService) -> QuerySet[Need]:
    """Needs in the buyer's area resolved within the period by a project the provider led."""
    return Need.objects.filter(
        contract.buyer.subtree_q("community"),
        status=NeedStatus.RESOLVED,
        resolved_at__gte=_day_start(contract.starts_on),
        resolved_at__lt=_day_start(contract.ends_on + dt.timedelta(days=1)),
        projects__owner=contract.provider_id,
    ).distinct()


def contract_progress(contract: PurchasedService, *, now: dt.datetime | None = None) -> Progress:
    """Live figures while the contract runs; the figures frozen at acceptance afterwards."""
    if contract.status == ContractStatus.ACCEPTED:
        return Progress(
            people=contract.final_people or 0,
            sessions=contract.final_sessions or 0,
            needs=contract.final_needs or 0,
            needs_rating=contract.final_needs_rating,
            frozen=True,
        )
    acts = contract_activities(contract, now=now)
    people = CheckIn.objects.filter(activity__in=acts).values("person").distinct().count()
    needs = contract_needs(contract)
    rating = Need.objects.filter(pk__in=needs.values("pk"), rating__isnull=False).aggregate(a=Avg("rating"))[
        "a"
    ]
    return Progress(
        people=people,
        sessions=acts.count(),
        needs=needs.count(),
        needs_rating=Decimal(str(rating)).quantize(Decimal("0.01")) if rating is not None else None,
    )


def contract_list_for(user, *, year: int | None = None) -> QuerySet[PurchasedService]:
    qs = scoped(user, PurchasedService.objects.select_related("buyer", "provider"), region="buyer")
    if year:
        qs = qs.filter(starts_on__year__lte=year, ends_on__year__gte=year)
    return qs


def social_org_choices(region: Region) -> QuerySet[Organization]:
    """Social organisations of the district that may take a contract of `region`."""
    return Organization.objects.filter(
        district__code=region.district_code, kind=Kind.SOCIAL, is_active=True
    ).order_by("name")


@dataclass
class SubdistrictTarget:
    subdistrict: Region
    contracts: list = field(default_factory=list)  # (contract, sessions this year)
    communities: int = 0
    served_communities: int = 0
    missing: list = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.missing


def year_target(
    district: Region, *, year: int, today: dt.date | None = None, within: Region | None = None
) -> dict:
    """For every subdistrict: at least one social organisation with a contract running this year
    that has held activities in its communities. Red rows say what is missing. With `within` (a
    subdistrict or a community), only the row of its subdistrict: a subdistrict's row reads only the
    contracts bought and the activities held inside it, so the row is the same either way."""
    today = today or timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if within is not None and within.level in (Level.SUBDISTRICT, Level.COMMUNITY):

        def area(path: str = ""):
            return within.subtree_q(path, level=Level.SUBDISTRICT)

    else:
        area = district.subtree_q
    subs = list(Region.objects.filter(area(), level=Level.SUBDISTRICT, is_active=True))
    contracts = list(
        PurchasedService.objects.filter(
            area("buyer"), starts_on__lte=end, ends_on__gte=start, provider__kind=Kind.SOCIAL
        ).select_related("buyer", "provider")
    )
    communities = list(
        Region.objects.filter(area(), level=Level.COMMUNITY, is_active=True).values_list("code", flat=True)
    )
    served = set(
        Activity.objects.filter(
            area("community"),
            organizer_kind=OrganizerKind.SOCIAL,
            starts_at__gte=_day_start(start),
            starts_at__lte=timezone.now(),
            organizer_org__in={c.provider_id for c in contracts},
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .values_list("community__code", "organizer_org")
    )
    cut = PREFIX_LEN[Level.SUBDISTRICT]
    per_sub = Counter(code[:cut] for code in communities)
    rows = []
    for sub in subs:
        row = SubdistrictTarget(subdistrict=sub)
        row.communities = per_sub[sub.prefix]
        mine = [c for c in contracts if sub.contains(c.buyer)]
        served_here = {
            code
            for code, org in served
            if code.startswith(sub.prefix) and org in {c.provider_id for c in mine}
        }
        row.served_communities = len(served_here)
        for c in mine:
            n = sum(1 for code, org in served if org == c.provider_id and code.startswith(c.buyer.prefix))
            row.contracts.append((c, n))
        if not mine:
            row.missing.append(_("本年度还没有与社会组织签订购买服务合同"))
        elif not served_here:
            row.missing.append(_("已签合同，但社会组织本年度还没有在社区开展服务活动"))
        rows.append(row)
    return {
        "year": year,
        "rows": rows,
        "met": sum(1 for r in rows if r.met),
        "days_left": max((end - today).days, 0),
        "deadline": end,
    }
