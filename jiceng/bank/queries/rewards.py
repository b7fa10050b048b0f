"""Reads of the Moral Alliance: rewards a resident may redeem, their vouchers, and a partner's books."""

import datetime as dt
import math

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank.errors import RewardError
from jiceng.bank.models import AlliancePartner, PartnerState, Redemption, RedemptionState, Reward
from jiceng.core.scope import scope_for, scoped
from jiceng.core.validators import ascii_normalize
from jiceng.orgs.models import Organization


def normalise_code(raw: str) -> str:
    """What a person typed, as a code: full-width letters and digits as ASCII (a phone's Chinese
    keyboard types "ＡＢ１２"), upper case, and nothing but letters and digits (no spaces, dashes
    or anything else a code never holds)."""
    return "".join(ch for ch in ascii_normalize(raw).upper() if ch.isascii() and ch.isalnum())


def _km(lon1, lat1, lon2, lat2) -> float | None:
    if None in (lon1, lat1, lon2, lat2):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(a))


# ---------------------------------------------------------------- residents: rewards and vouchers


def reward_list_open_to(person) -> QuerySet[Reward]:
    """Rewards a resident may look at: on the shelf, at an approved partner anywhere in their district."""
    return Reward.objects.filter(
        partner__district_id=person.district_id, partner__state=PartnerState.APPROVED, is_active=True
    ).select_related("partner__organization", "partner__subdistrict")


def reward_list_near(person, today: dt.date | None = None) -> list[Reward]:
    """Rewards redeemable today: the resident's own subdistrict first, then the rest of the district by distance.

    Each reward carries `local` (0 in the resident's subdistrict, 1 elsewhere) and `km`.
    """
    today = today or timezone.localdate()
    own_sub = person.community.parent_id
    rows = list(reward_list_open_to(person).filter(valid_from__lte=today, valid_to__gte=today))
    home = person.community
    for r in rows:
        r.local = 0 if r.partner.subdistrict_id == own_sub else 1
        r.km = _km(home.lon, home.lat, r.partner.lon, r.partner.lat)
    rows.sort(
        key=lambda r: (r.local, r.stock == 0, r.km if r.km is not None else math.inf, r.points_price, r.pk)
    )
    return rows


def redemption_count_taken(person, reward: Reward) -> int:
    """How many of `reward` the person holds or has collected: what the per-person limit counts."""
    return Redemption.objects.filter(
        reward=reward, person=person, state__in=[RedemptionState.PENDING, RedemptionState.COLLECTED]
    ).count()


def redemption_list_of(person) -> QuerySet[Redemption]:
    """A resident's vouchers, newest first."""
    return Redemption.objects.filter(person=person).select_related("reward", "partner__organization")


# ---------------------------------------------------------------- partners


def organization_list_operated(user) -> list[Organization]:
    """The organisations a unit operator works for."""
    return list(Organization.objects.filter(pk__in=scope_for(user).org_ids).order_by("pk"))


def partner_get_for(org: Organization | None) -> AlliancePartner | None:
    """The organisation's Moral Alliance partner row, if it ever applied."""
    if org is None:
        return None
    return (
        AlliancePartner.objects.filter(organization=org).select_related("organization", "subdistrict").first()
    )


def partner_list_for_review(user, roles) -> tuple[list[AlliancePartner], list[AlliancePartner]]:
    """Partners under an administrator's regions: (applications waiting, everyone else)."""
    rows = scoped(user, AlliancePartner.objects.all(), region="subdistrict", roles=roles)
    rows = rows.select_related("organization", "subdistrict", "decided_by").order_by("state", "-applied_at")
    waiting = [p for p in rows if p.state == PartnerState.APPLIED]
    return waiting, [p for p in rows if p.state != PartnerState.APPLIED]


def reward_list_of_partner(partner: AlliancePartner | None) -> QuerySet[Reward] | list:
    """A partner's rewards, those on the shelf and newest first."""
    return partner.rewards.order_by("-is_active", "-created_at") if partner else []


def redemption_count_pending(partner: AlliancePartner | None) -> int:
    """Vouchers of a partner waiting to be collected."""
    return partner.redemptions.filter(state=RedemptionState.PENDING).count() if partner else 0


def redemption_list_of_partner(partner: AlliancePartner | None, state: str = "", limit: int = 200) -> list:
    """A partner's vouchers, newest first, optionally in one state."""
    if partner is None:
        return []
    rows = partner.redemptions.select_related("reward", "person").order_by("-created_at")
    if state in RedemptionState.values:
        rows = rows.filter(state=state)
    return list(rows[:limit])


def redemption_get_by_code(*, partner: AlliancePartner, code: str) -> Redemption:
    """The voucher a partner typed or scanned, or an error that says what is wrong with the code."""
    code = normalise_code(code)
    if not code:
        raise RewardError(_("请输入兑换券上的 8 位兑换码"))
    r = (
        Redemption.objects.filter(district_id=partner.district_id, code=code)
        .select_related("reward", "person")
        .first()
    )
    if r is None:
        raise RewardError(
            _("找不到兑换码 %(c)s，请核对后重新输入（兑换码是 8 位，不含数字 0 和 1）") % {"c": code}
        )
    if r.partner_id != partner.pk:
        raise RewardError(_("这张兑换券不是本单位的，请居民到兑换地点领取：%(p)s") % {"p": r.reward.place})
    return r


# ---------------------------------------------------------------- a partner's monthly statement


def partner_month_list(partner: AlliancePartner) -> list[dict]:
    """Per month: vouchers collected and points received, newest first."""
    rows = (
        Redemption.objects.filter(partner=partner, state=RedemptionState.COLLECTED)
        .annotate(month=TruncMonth("resolved_at"))
        .values("month")
        .annotate(n=Count("id"), points=Sum("points"))
        .order_by("-month")
    )
    return [
        {
            "month": timezone.localtime(r["month"]).date()
            if isinstance(r["month"], dt.datetime)
            else r["month"],
            "n": r["n"],
            "points": r["points"],
        }
        for r in rows
    ]


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return tuple(timezone.make_aware(dt.datetime.combine(d, dt.time.min)) for d in (first, nxt))


def redemption_list_collected(partner: AlliancePartner, month: dt.date | None) -> QuerySet[Redemption]:
    """Vouchers the partner handed over (in one month, or ever), in the order they were collected."""
    qs = Redemption.objects.filter(partner=partner, state=RedemptionState.COLLECTED).select_related(
        "reward", "person", "collected_by"
    )
    if month is not None:
        start, end = _month_bounds(month)
        qs = qs.filter(resolved_at__gte=start, resolved_at__lt=end)
    return qs.order_by("resolved_at", "pk")


def partner_honour_rates(district, start, end) -> dict[int, tuple[int, int]]:
    """Per approved partner of the district: (vouchers collected, vouchers closed) resolved in the period.

    Closed = collected + expired + cancelled by anyone but the resident who held the voucher (a
    resident's own change of mind is no refusal); the honour rate is the first over the second."""
    closed = [RedemptionState.COLLECTED, RedemptionState.CANCELLED, RedemptionState.EXPIRED]
    rows = AlliancePartner.objects.filter(district=district).annotate(
        ok=Count(
            "redemptions",
            filter=Q(
                redemptions__state=RedemptionState.COLLECTED,
                redemptions__resolved_at__date__range=(start, end),
            ),
        ),
        closed=Count(
            "redemptions",
            filter=Q(redemptions__state__in=closed, redemptions__resolved_at__date__range=(start, end))
            & ~Q(redemptions__cancelled_by_resident=True),
        ),
    )
    return {p.pk: (p.ok, p.closed) for p in rows}
