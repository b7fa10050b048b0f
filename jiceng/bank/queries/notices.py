"""Reads of the public notice board: which boards a user may open, and what is on one."""

from django.conf import settings
from django.db.models import Exists, F, OuterRef, QuerySet

from jiceng.bank.models import Notice, Objection, ObjectionState, Transfer, TransferKind
from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.regions.models import Level, Region

BOARD_LEVELS = [Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY]


def notice_days() -> int:
    """How long an award stays on the board, open to objections, before it is posted."""
    return settings.NOTICE_DAYS


def board_region_get(user, code: str) -> Region | None:
    """The board region with `code`, if the user may open it: boards are open to everyone of the same district.

    Names on a board are masked, so the whole district may read it (and object).
    """
    region = Region.objects.filter(code=code, level__in=BOARD_LEVELS).first()
    person = user.person
    district_codes = {r.district_code for r in scope_for(user).regions if r.district_code}
    if person is not None:
        district_codes.add(person.community.district_code)
    if region is None or region.district_code not in district_codes:
        return None
    return region


def board_region_home(user) -> Region | None:
    """The board a user lands on: a resident's own community, a staff member's own region."""
    scope = scope_for(user)
    person = user.person
    if scope.primary_role == Role.RESIDENT and person is not None:
        return person.community
    return scope.primary_region or (person.community if person else None)


def notice_list_for_board(region: Region, limit: int = 100) -> QuerySet[Notice]:
    """Notices of every community under `region`, newest first.

    `reversed` marks an award that was posted and then reversed because an objection filed
    in time was upheld, so the board can say the points were taken back.
    """
    reversal = Transfer.objects.filter(reverses_id=OuterRef("transfer_id"), kind=TransferKind.REVERSAL)
    return (
        Notice.objects.filter(region.subtree_q("community"))
        .annotate(
            reversed=Exists(reversal),
            has_open_objection=Exists(
                Objection.objects.filter(notice_id=OuterRef("pk"), state=ObjectionState.OPEN)
            ),
            claimant_pk=F("claim__claimant_id"),
        )
        .select_related("community")
        .prefetch_related("objections")
        .order_by("-starts_at")[:limit]
    )
