"""Report-in indicators: whether the party members reported in to a community serve there."""

from django.db.models import Q

from jiceng.alliance.models import ReportIn
from jiceng.alliance.queries.report_in import service_rows_between
from jiceng.assessment.catalogue.registry import Result, computation, ids, share
from jiceng.regions.models import Region


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
    report_ins = list(
        ReportIn.objects.filter(region.subtree_q("community"), reported_on__lte=end).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=start)
        )
    )
    rows = service_rows_between(report_ins, start, end)
    served_ids = [pk for pk, found in rows.items() if found]
    checkins = [c.pk for found in rows.values() for c in found]
    records = ids("alliance.ReportIn", [r.pk for r in report_ins]) + ids("activities.CheckIn", checkins)
    return Result(share(len(served_ids), len(report_ins)), records)
