"""Report-in indicators: whether the party members reported in to a community serve there."""

from django.db.models import Q

from jiceng.alliance.models import ReportIn
from jiceng.alliance.queries.report_in import service_rows_between
from jiceng.assessment.catalogue.registry import Result, Subtrees, batch_of, computation, ids, share
from jiceng.regions.models import Region


def _reported_in(q, start, end) -> list[ReportIn]:
    return list(
        ReportIn.objects.filter(q, reported_on__lte=end).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=start)
        )
    )


def _served(report_ins: list[ReportIn], rows: dict[int, list]) -> Result:
    served_ids = [r.pk for r in report_ins if rows[r.pk]]
    checkins = [c.pk for r in report_ins for c in rows[r.pk]]
    records = ids("alliance.ReportIn", [r.pk for r in report_ins]) + ids("activities.CheckIn", checkins)
    return Result(share(len(served_ids), len(report_ins)), records)


@computation(
    code="reportin.served",
    name="报到党员参加服务比例",
    description="考核期内在辖区社区报到（报到日期不晚于期末、未在期初前转出）的在职党员中，"
    "在报到期间、考核期内至少有一次签到并签退的活动服务记录的比例；已取消的活动不计",
    unit="%",
    floor=30,
    target=90,
)
def served(region: Region, start, end) -> Result:
    report_ins = _reported_in(region.subtree_q("community"), start, end)
    return _served(report_ins, service_rows_between(report_ins, start, end))


@batch_of("reportin.served")
def served_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    report_ins = _reported_in(tree.within("community"), start, end)
    rows = service_rows_between(report_ins, start, end)  # one read for the whole district
    mine = tree.spread((r, r.community_id) for r in report_ins)
    return {pk: _served([r for (r,) in found], rows) for pk, found in mine.items()}
