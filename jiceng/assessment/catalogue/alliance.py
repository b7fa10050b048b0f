"""Regional party-building alliance indicators: symposia and actions."""

from django.utils import timezone

from jiceng.alliance.models import Action, ActionStatus, Meeting, MeetingKind, MeetingStatus
from jiceng.assessment.catalogue.registry import (
    Result,
    Subtrees,
    batch_of,
    computation,
    ids,
    share,
    window,
)
from jiceng.regions.models import Region


def _symposia_held(q, start, end, *extra) -> list[tuple]:
    lo, hi = window(start, end)
    return list(
        Meeting.objects.filter(
            q,
            kind=MeetingKind.SYMPOSIUM,
            status=MeetingStatus.HELD,
            scheduled_at__gte=lo,
            scheduled_at__lt=hi,
        )
        .exclude(minutes="")
        .values_list("pk", *extra)
    )


def _count(rows) -> Result:
    found = ids("alliance.Meeting", [pk for pk, *_rest in rows])
    return Result(len(found), found)


@computation(
    code="alliance.symposia",
    name="双月座谈会按期召开并有纪要",
    description="考核期内辖区联盟已召开、且录入了会议纪要的双月座谈会次数（每年6次）",
    unit="次",
    floor=0,
    target=6,
)
def symposia(region: Region, start, end) -> Result:
    return _count(_symposia_held(region.subtree_q("alliance__region"), start, end))


@batch_of("alliance.symposia")
def symposia_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    rows = _symposia_held(tree.within("alliance__region"), start, end, "alliance__region")
    return {pk: _count(r) for pk, r in tree.spread(rows).items()}


def _actions_due(q, start, end, *extra) -> list[tuple]:
    return list(
        Action.objects.filter(q, due_on__gte=start, due_on__lte=end).values_list(
            "pk", "status", "due_on", "closed_at", *extra
        )
    )


def _on_time(rows) -> Result:
    on_time = sum(
        1
        for _pk, status, due, closed in rows
        if status == ActionStatus.DONE and closed and timezone.localtime(closed).date() <= due
    )
    return Result(share(on_time, len(rows)), ids("alliance.Action", [r[0] for r in rows]))


@computation(
    code="alliance.actions_on_time",
    name="联盟任务按期办结率",
    description="完成时限落在考核期内的联盟任务中，在时限当天或之前办结的比例",
    unit="%",
    floor=50,
    target=100,
)
def actions_on_time(region: Region, start, end) -> Result:
    return _on_time(_actions_due(region.subtree_q("alliance__region"), start, end))


@batch_of("alliance.actions_on_time")
def actions_on_time_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    rows = _actions_due(tree.within("alliance__region"), start, end, "alliance__region")
    return {pk: _on_time(r) for pk, r in tree.spread(rows).items()}
