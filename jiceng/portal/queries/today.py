"""What needs doing today in a staff member's own scope: the workbench's to-do counts.

Every count goes through the scope helper with the staff roles, so a community worker
counts their own community, and a subdistrict or district administrator the communities
under their region. Each item names the list that shows the same rows (or None where
the user's role has no such list).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.activities.queries.places import place_count_idle
from jiceng.alliance.models import NeedStatus
from jiceng.alliance.queries.visible import action_list_visible, need_list_visible
from jiceng.bank.models import (
    ClaimState,
    DeedClaim,
    Notice,
    NoticeState,
    Objection,
    ObjectionState,
    Redemption,
    RedemptionState,
)
from jiceng.core.models import Role
from jiceng.core.scope import scope_for, scoped
from jiceng.linkage.queries import assignment_count_overdue_below, assignment_list_inbox

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)
# A voucher is "near expiry" when it lapses within this many days: time enough to remind the resident.
VOUCHER_WARN_DAYS = 3


@dataclass
class Todo:
    key: str
    label: str
    count: int
    url: str | None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def claim_count_waiting(user) -> int:
    """Claims submitted or under review in the user's scope."""
    waiting = DeedClaim.objects.filter(state__in=[ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW])
    return scoped(user, waiting, region="community", roles=STAFF).count()


def objection_count_open(user) -> int:
    """Objections nobody has decided yet, on notices of the user's scope."""
    open_ = Objection.objects.filter(state=ObjectionState.OPEN)
    return scoped(user, open_, region="notice__community", roles=STAFF).count()


def notice_count_ending(user, now: dt.datetime | None = None) -> int:
    """Open notices whose period ends today or tomorrow (local time)."""
    now = now or timezone.now()
    until = _day_start(timezone.localdate(now) + dt.timedelta(days=2))
    ending = Notice.objects.filter(state=NoticeState.OPEN, ends_at__lt=until)
    return scoped(user, ending, region="community", roles=STAFF).count()


def voucher_list_expiring(user, now: dt.datetime | None = None) -> QuerySet[Redemption]:
    """Uncollected vouchers lapsing within VOUCHER_WARN_DAYS, of residents or partners in scope."""
    now = now or timezone.now()
    base = Redemption.objects.filter(
        state=RedemptionState.PENDING,
        expires_at__gte=now,
        expires_at__lt=now + dt.timedelta(days=VOUCHER_WARN_DAYS),
    )
    residents = scoped(user, base, region="person__community", roles=STAFF)
    partners = scoped(user, base, region="partner__organization__region", roles=STAFF)
    return (residents | partners).distinct().select_related("reward", "partner__organization", "person")


def todo_list_for(user, now: dt.datetime | None = None) -> list[Todo]:
    """The workbench's to-do items, in the order a worker handles them."""
    scope = scope_for(user)
    reviews = reverse("bank:review") if scope.has(Role.COMMUNITY_WORKER) else None
    board = reverse("bank:my_board")
    today = timezone.localdate(now) if now else None
    tasks = [t for t in assignment_list_inbox(user) if not t.done]
    return [
        Todo(
            "assignments",
            _("上级派来的待完成任务"),
            len(tasks),
            reverse("linkage:list"),
        ),
        Todo(
            "assignments_overdue",
            _("下级逾期未完成的任务"),
            assignment_count_overdue_below(user, now),
            reverse("linkage:list"),
        ),
        Todo("claims", _("待审核的申报"), claim_count_waiting(user), reviews),
        Todo("objections", _("待处理的异议"), objection_count_open(user), board),
        Todo("notices", _("今明两天公示期满"), notice_count_ending(user, now), board),
        Todo(
            "vouchers",
            _("快到期未领取的兑换券"),
            voucher_list_expiring(user, now).count(),
            reverse("portal:vouchers_expiring"),
        ),
        Todo(
            "actions",
            _("已超期的联盟任务"),
            action_list_visible(user).overdue(today).count(),
            reverse("alliance:actions") + "?overdue=1",
        ),
        Todo(
            "needs",
            _("待回应的居民需求"),
            need_list_visible(user).filter(status=NeedStatus.OPEN).count(),
            reverse("alliance:needs") + "?status=" + NeedStatus.OPEN,
        ),
        Todo(
            "idle_places",
            _("一个季度没有活动的空置阵地"),
            place_count_idle(user, now),
            reverse("activities:places") + "?idle=1",
        ),
    ]
