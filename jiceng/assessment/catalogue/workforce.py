"""Community-worker indicators, read from the workforce app's staffing report at the period's end."""

from decimal import Decimal

from jiceng.assessment.catalogue.bank import residents_by_subject
from jiceng.assessment.catalogue.registry import Result, Subtrees, batch_of, computation, ids
from jiceng.regions.models import Level, Region
from jiceng.workforce.models import Qualification
from jiceng.workforce.queries.staffing import StaffingLine, staffing_report, worker_placement_on


def _workers(region: Region, end) -> list[tuple[str, int]]:
    """The workers the staffing report counts: those in post in the region on the period's last day."""
    return ids("workforce.CommunityWorker", worker_placement_on(region, end))


def _per_10k(line: StaffingLine, workers) -> Result:
    if not line.residents:
        return Result(None)
    return Result(Decimal(str(line.per_10k)), workers)


def _qualified(line: StaffingLine, workers) -> Result:
    if not line.workers:
        return Result(None)
    return Result((Decimal(line.qualified) * 100 / line.workers).quantize(Decimal("0.1")), workers)


def _staffing_batch(subjects: list[Region], end, summarise) -> dict[int, Result]:
    """The staffing report's total line of every subject on `end`, from one placement read and two
    grouped queries over the district: residents of active communities, workers in post and qualified."""
    tree = Subtrees(subjects)
    placed: dict[int, int] = {}
    for district in Region.objects.filter(code__in=tree.districts, level=Level.DISTRICT):
        placed.update(worker_placement_on(district, end))
    held = set(
        Qualification.objects.filter(worker_id__in=placed, issued_on__lte=end).values_list(
            "worker_id", flat=True
        )
    )
    residents = residents_by_subject(tree, active_communities=True)
    by_community: dict[int, list[int]] = {}
    for w, c in placed.items():
        by_community.setdefault(c, []).append(w)
    out = {}
    for s in subjects:
        workers = [w for c in tree.communities(s.pk) for w in by_community.get(c, ())]
        line = StaffingLine(s, residents[s.pk], len(workers), sum(1 for w in workers if w in held), 0, 0)
        out[s.pk] = summarise(line, ids("workforce.CommunityWorker", workers))
    return out


@computation(
    code="workforce.per_10k",
    name="每万名居民社区工作者配备数",
    description="考核期最后一天在岗（已入职、未离职，按当天所在社区）的社区工作者人数，"
    "按辖区在册居民每万人计（工作者队伍台账的配备口径），与区定目标比较",
    unit="人/万人",
    floor=0,
    target=18,
)
def per_10k(region: Region, start, end) -> Result:
    line = staffing_report(region, end.year, on=end).total
    if not line.residents:
        return Result(None)
    return _per_10k(line, _workers(region, end))


@batch_of("workforce.per_10k")
def per_10k_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    return _staffing_batch(subjects, end, _per_10k)


@computation(
    code="workforce.qualified",
    name="社区工作者持证比例",
    description="考核期最后一天在岗的社区工作者中，当天已取得社会工作者职业资格证书的比例",
    unit="%",
    floor=0,
    target=60,
)
def qualified(region: Region, start, end) -> Result:
    line = staffing_report(region, end.year, on=end).total
    if not line.workers:
        return Result(None)
    return _qualified(line, _workers(region, end))


@batch_of("workforce.qualified")
def qualified_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    return _staffing_batch(subjects, end, _qualified)
