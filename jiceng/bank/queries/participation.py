"""Moral Alliance participation per subdistrict: who joined, and whether their vouchers were honoured.

Measured from records, never typed: the resident units (organisations of kind unit) of the
subdistrict, those whose alliance partnership is approved, and the partners' vouchers by how
they ended. The value sponsored is the points of the vouchers collected.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from jiceng.bank.models import AlliancePartner, PartnerState, Redemption, RedemptionState
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level, Region


@dataclass
class Participation:
    subdistrict: Region
    units: int
    joined: int
    collected: int
    cancelled: int
    expired: int
    pending: int
    sponsored_points: int

    @property
    def share(self) -> Decimal | None:
        """Percent of the resident units that joined, one decimal; None without units."""
        if not self.units:
            return None
        return (Decimal(self.joined) * 100 / self.units).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def honoured_share(self) -> Decimal | None:
        """Percent of the vouchers that ended (collected, cancelled or expired) which were collected."""
        ended = self.collected + self.cancelled + self.expired
        if not ended:
            return None
        return (Decimal(self.collected) * 100 / ended).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def participation_list(regions: list[Region]) -> list[Participation]:
    """One row per subdistrict under `regions` (a district's or a subdistrict's own), by code."""
    q = Q(pk__in=[])
    for r in regions:
        q |= r.subtree_q()
    subs = list(Region.objects.filter(q, level=Level.SUBDISTRICT).order_by("code"))
    rows = []
    for sub in subs:
        units = Organization.objects.filter(sub.subtree_q("region"), kind=Kind.UNIT, is_active=True)
        joined = AlliancePartner.objects.filter(organization__in=units, state=PartnerState.APPROVED).count()
        ends = Redemption.objects.filter(partner__subdistrict=sub).aggregate(
            collected=Count("id", filter=Q(state=RedemptionState.COLLECTED)),
            cancelled=Count("id", filter=Q(state=RedemptionState.CANCELLED)),
            expired=Count("id", filter=Q(state=RedemptionState.EXPIRED)),
            pending=Count("id", filter=Q(state=RedemptionState.PENDING)),
            points=Sum("points", filter=Q(state=RedemptionState.COLLECTED)),
        )
        rows.append(
            Participation(
                subdistrict=sub,
                units=units.count(),
                joined=joined,
                collected=ends["collected"],
                cancelled=ends["cancelled"],
                expired=ends["expired"],
                pending=ends["pending"],
                sponsored_points=ends["points"] or 0,
            )
        )
    return rows
