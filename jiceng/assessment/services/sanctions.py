"""Publication for objections, deciding objections, and rewards and penalties drawn from a run."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.models import (
    AssessmentRun,
    Grade,
    ObjectionState,
    Publication,
    RunObjection,
    Sanction,
    SanctionKind,
    ScoreLine,
)
from jiceng.assessment.queries.runs import run_final_problem
from jiceng.assessment.queries.subjects import speaks_for
from jiceng.assessment.services.runs import run_compute
from jiceng.bank.models import AlliancePartner
from jiceng.bank.queries.rewards import partner_honour_rates
from jiceng.bank.services.rewards import partner_rewards_suspend
from jiceng.core.audit import audit
from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.workforce.models import CommunityWorker
from jiceng.workforce.services import assessment_record

OBJECTION_DAYS = 7
PLAN_DAYS = 30
HONOUR_RATE_FLOOR = Decimal("0.8")


@transaction.atomic
def run_publish(
    *, run: AssessmentRun, by, days: int = OBJECTION_DAYS, today: dt.date | None = None
) -> Publication:
    """Show a run to its subjects for objections for `days` days."""
    if days < 1:
        raise AssessmentError(_("公示期至少为 1 天。"))
    if Publication.objects.filter(run=run).exists():
        raise AssessmentError(_("这一版考核结果已经公示过了。"))
    today = today or timezone.localdate()
    pub = Publication.objects.create(
        run=run, opens_on=today, closes_on=today + dt.timedelta(days=days - 1), published_by=by
    )
    audit(by, "run.publish", run)
    return pub


def _is_district(user) -> bool:
    return Role.DISTRICT_ADMIN in scope_for(user).roles


def _is_subject(user, line: ScoreLine) -> bool:
    return speaks_for(user, line.score.subject)


@transaction.atomic
def objection_raise(*, line: ScoreLine, reason: str, by, today: dt.date | None = None) -> RunObjection:
    """The subject objects to one figure of a published run, with a reason."""
    today = today or timezone.localdate()
    pub = Publication.objects.filter(run_id=line.score.run_id).first()
    if pub is None:
        raise AssessmentError(_("这一版考核结果没有公示，不能提出异议。"))
    if not pub.opens_on <= today <= pub.closes_on:
        raise AssessmentError(_("公示期已过（截至 %(d)s），不能再提出异议。") % {"d": pub.closes_on})
    if not _is_subject(by, line):
        raise AssessmentError(_("只有考核对象本身才能对自己的得分提出异议。"))
    if len(reason.strip()) < 5:
        raise AssessmentError(_("请写明异议理由（至少 5 个字），说明哪条记录有误。"))
    obj = RunObjection.objects.create(line=line, reason=reason.strip(), raised_by=by)
    audit(by, "objection.raise", obj)
    return obj


@transaction.atomic
def objection_decide(*, objection: RunObjection, upheld: bool, decision: str, by) -> RunObjection:
    """The district decides. An upheld objection is resolved by correcting the record and recomputing."""
    obj = RunObjection.objects.select_for_update().get(pk=objection.pk)
    if not _is_district(by):
        raise AssessmentError(_("异议由区里裁定。"))
    if obj.state != ObjectionState.OPEN:
        raise AssessmentError(_("这条异议已经裁定过了。"))
    if not decision.strip():
        raise AssessmentError(_("请写明裁定意见：成立的写明要更正哪条记录，不成立的写明理由。"))
    obj.state = ObjectionState.UPHELD if upheld else ObjectionState.REJECTED
    obj.decision = decision.strip()
    obj.decided_by = by
    obj.decided_at = timezone.now()
    obj.save()
    audit(by, "objection.decide", obj)
    return obj


@transaction.atomic
def run_recompute(*, run: AssessmentRun, by) -> AssessmentRun:
    """After the records behind upheld objections are corrected, compute the next version.

    The old run stays frozen; the new one lists the objections it resolves, and its page compares
    itself with the previous version."""
    pending = RunObjection.objects.filter(
        line__score__run=run, state=ObjectionState.UPHELD, resolved_by_run=None
    )
    if not pending.exists():
        raise AssessmentError(_("没有待更正的成立异议，无需重新计算。"))
    new = run_compute(scheme=run.scheme, period_start=run.period_start, period_end=run.period_end, by=by)
    if new.input_hash == run.input_hash:
        raise AssessmentError(_("所依据的记录还没有更正，重新计算的结果与原结果相同；请先更正记录。"))
    pending.update(resolved_by_run=new)
    return new


@transaction.atomic
def sanctions_from_run(*, run: AssessmentRun, by, today: dt.date | None = None) -> list[Sanction]:
    """From a final run: honour every 优秀 subject, criticise every 不合格 one with a plan deadline."""
    today = today or timezone.localdate()
    if not _is_district(by):
        raise AssessmentError(_("奖惩由区里决定。"))
    problem = run_final_problem(run, today)
    if problem:
        raise AssessmentError(problem)
    made = []
    for score in run.scores.filter(grade__in=[Grade.EXCELLENT, Grade.FAIL]).exclude(sanctions__isnull=False):
        honour = score.grade == Grade.EXCELLENT
        made.append(
            Sanction.objects.create(
                kind=SanctionKind.HONOUR if honour else SanctionKind.CRITICISM,
                run=run,
                score=score,
                subject_name=score.subject_name,
                cause=_("%(run)s 总分 %(t)s，等次%(g)s")
                % {"run": run, "t": score.total, "g": score.get_grade_display()},
                decided_on=today,
                decided_by=by,
                plan_due=None if honour else today + dt.timedelta(days=PLAN_DAYS),
            )
        )
    audit(by, "sanction.from_run", run)
    return made


@transaction.atomic
def plan_submit(*, sanction: Sanction, text: str, by) -> Sanction:
    """The criticised subject writes its improvement plan."""
    s = (
        Sanction.objects.select_for_update(of=("self",))
        .select_related("score__region", "score__organization")
        .get(pk=sanction.pk)
    )
    if s.kind != SanctionKind.CRITICISM:
        raise AssessmentError(_("只有通报批评需要提交整改方案。"))
    if not speaks_for(by, s.score.subject):
        raise AssessmentError(_("整改方案由被通报的对象提交。"))
    if len(text.strip()) < 20:
        raise AssessmentError(_("整改方案至少写 20 个字：问题、措施、完成时间和责任人。"))
    s.plan_text, s.plan_by, s.plan_at = text.strip(), by, timezone.now()
    s.save(update_fields=["plan_text", "plan_by", "plan_at"])
    audit(by, "sanction.plan", s)
    return s


@transaction.atomic
def partners_suspend_low_honour(
    *, district, start: dt.date, end: dt.date, by, floor: Decimal = HONOUR_RATE_FLOOR, today=None
) -> list[Sanction]:
    """Suspend from publishing rewards every partner whose honour rate over the period is below `floor`.

    Honour rate = vouchers collected ÷ (collected + cancelled + expired) resolved in the period; a
    partner with no closed voucher is not judged."""
    today = today or timezone.localdate()
    made = []
    for pk, (ok, closed) in partner_honour_rates(district, start, end).items():
        if not closed or Decimal(ok) / Decimal(closed) >= floor:
            continue
        partner = AlliancePartner.objects.select_related("organization").get(pk=pk)
        if partner.rewards_suspended_reason:
            continue
        rate = (Decimal(ok) * 100 / Decimal(closed)).quantize(Decimal("0.1"))
        cause = _("%(s)s 至 %(e)s 兑现率 %(r)s%%（%(ok)s/%(n)s），低于 %(f)s%%") % {
            "s": start,
            "e": end,
            "r": rate,
            "ok": ok,
            "n": closed,
            "f": (floor * 100).normalize(),
        }
        partner_rewards_suspend(partner=partner, reason=cause, by=by, on=today)
        made.append(
            Sanction.objects.create(
                kind=SanctionKind.SUSPENSION,
                partner=partner,
                indicator_code="bank.redemptions_honoured",
                subject_name=str(partner.organization),
                cause=cause,
                decided_on=today,
                decided_by=by,
            )
        )
    return made


# A community's grade becomes the yearly result of each of its workers (workforce's four results).
WORKER_RESULT = {
    Grade.EXCELLENT: "excellent",
    Grade.GOOD: "pass",
    Grade.PASS: "pass",
    Grade.FAIL: "fail",
}


@transaction.atomic
def worker_results_from_run(*, run: AssessmentRun, by) -> int:
    """Feed the year's result of every community worker from their community's grade in a final run.

    Through workforce's own service, so its rules hold (one result per worker and year, no year
    before hiring); a worker whose year already has a result keeps it. Returns how many were recorded."""
    if not _is_district(by):
        raise AssessmentError(_("考核结果由区里认定。"))
    if run.scheme.subject_type != "community" or not Sanction.objects.filter(run=run).exists():
        raise AssessmentError(_("只有已据此作出表彰和通报的社区考核结果，才能认定社区工作者的年度考核结果。"))
    year = run.scheme.year
    grades = dict(run.scores.values_list("region_id", "grade"))
    made = 0
    workers = CommunityWorker.objects.filter(
        community_id__in=grades, left_on__isnull=True, hired_on__year__lte=year
    )
    for worker in workers.exclude(assessments__year=year):
        assessment_record(
            actor=by, worker=worker, year=year, result=WORKER_RESULT[grades[worker.community_id]]
        )
        made += 1
    return made
