"""Objections to a published run, and the rewards and penalties drawn from a final run."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.models import ObjectionState, Sanction, SanctionKind, Score, SubjectType
from jiceng.assessment.services import (
    manual_approve,
    manual_enter,
    objection_decide,
    objection_raise,
    partners_suspend_low_honour,
    plan_submit,
    run_compute,
    run_publish,
    run_recompute,
    sanctions_from_run,
    worker_results_from_run,
)
from jiceng.assessment.tests.factories import published_scheme
from jiceng.assessment.tests.test_catalogue_bank import settled_claim
from jiceng.assessment.tests.test_manual import pdf
from jiceng.bank.errors import RewardError
from jiceng.bank.services import rewards
from jiceng.bank.tests.test_rewards import fund, make_partner, make_reward, redeem

YEAR = timezone.localdate().year
TODAY = timezone.localdate()


@pytest.fixture
def manual_run(regions, personas, period):
    scheme = published_scheme(
        regions["district"],
        YEAR,
        SubjectType.SUBDISTRICT,
        [("manual", Decimal(100), {"name": "安全生产无事故", "target": Decimal(1)})],
    )
    ind = scheme.indicators.get(code="manual")
    entry = manual_enter(
        indicator=ind, subject=regions["A"], value=0, evidence=pdf(), by=personas["district_admin"]
    )
    manual_approve(entry=entry, by=personas["outsider_sub_admin"])
    run = run_compute(
        scheme=scheme, period_start=period[0], period_end=period[1], by=personas["district_admin"]
    )
    run_publish(run=run, by=personas["district_admin"], today=TODAY)
    return run


def line_of(run, region):
    return run.scores.get(region=region).lines.get()


def test_an_upheld_objection_corrects_the_record_and_makes_a_new_version(manual_run, regions, personas):
    line = line_of(manual_run, regions["A"])
    assert line.points == 0
    obj = objection_raise(
        line=line, reason="全年无事故，证明材料登记错了", by=personas["sub_admin"], today=TODAY
    )
    objection_decide(objection=obj, upheld=True, decision="更正人工指标为 1", by=personas["district_admin"])
    with pytest.raises(AssessmentError, match="还没有更正"):
        run_recompute(run=manual_run, by=personas["district_admin"])
    # the correction is made on the record, never on the score
    ind = line.indicator
    entry = manual_enter(
        indicator=ind, subject=regions["A"], value=1, evidence=pdf(), by=personas["district_admin"]
    )
    manual_approve(entry=entry, by=personas["outsider_sub_admin"])
    new = run_recompute(run=manual_run, by=personas["district_admin"])
    assert new.version == manual_run.version + 1 and new.input_hash != manual_run.input_hash
    assert line_of(new, regions["A"]).points == Decimal("100.0")
    obj.refresh_from_db()
    assert obj.state == ObjectionState.UPHELD and obj.resolved_by_run == new
    # the old run stays frozen
    assert line_of(manual_run, regions["A"]).points == 0
    assert Score.objects.get(run=manual_run, region=regions["A"]).total == Decimal("0.0")


def test_only_the_subject_objects_within_the_notice_period(manual_run, regions, personas):
    line = line_of(manual_run, regions["A"])
    with pytest.raises(AssessmentError, match="考核对象本身"):
        objection_raise(
            line=line, reason="不是我的街道也要提", by=personas["outsider_sub_admin"], today=TODAY
        )
    with pytest.raises(AssessmentError, match="公示期已过"):
        objection_raise(
            line=line, reason="过了七天才提出", by=personas["sub_admin"], today=TODAY + dt.timedelta(days=7)
        )
    with pytest.raises(AssessmentError, match="异议理由"):
        objection_raise(line=line, reason="不服", by=personas["sub_admin"], today=TODAY)
    obj = objection_raise(
        line=line, reason="这一项的记录不完整", by=personas["sub_admin"], today=TODAY + dt.timedelta(days=6)
    )
    with pytest.raises(AssessmentError, match="区里裁定"):
        objection_decide(objection=obj, upheld=False, decision="自己裁定", by=personas["sub_admin"])
    objection_decide(objection=obj, upheld=False, decision="记录无误", by=personas["district_admin"])
    with pytest.raises(AssessmentError, match="无需重新计算"):
        run_recompute(run=manual_run, by=personas["district_admin"])


def community_run(regions, personas, rules, period):
    settled_claim(personas, rules)
    scheme = published_scheme(
        regions["district"], YEAR, SubjectType.COMMUNITY, [("bank.coverage", Decimal(100), {})]
    )
    run = run_compute(
        scheme=scheme, period_start=period[0], period_end=period[1], by=personas["district_admin"]
    )
    run_publish(run=run, by=personas["district_admin"], today=TODAY - dt.timedelta(days=10))
    return run


def test_a_final_run_honours_the_excellent_and_criticises_the_failing(regions, personas, rules, period):
    run = community_run(regions, personas, rules, period)
    with pytest.raises(AssessmentError, match="区里决定"):
        sanctions_from_run(run=run, by=personas["sub_admin"])
    made = sanctions_from_run(run=run, by=personas["district_admin"], today=TODAY)
    honour = Sanction.objects.get(kind=SanctionKind.HONOUR)
    assert (
        honour.score.region == regions["A1"]
        and honour.run == run
        and honour.decided_by == personas["district_admin"]
    )
    assert "优秀" in honour.cause and honour.decided_on == TODAY
    criticised = Sanction.objects.filter(kind=SanctionKind.CRITICISM)
    assert criticised.filter(score__region=regions["B1"]).exists()
    assert all(s.plan_due == TODAY + dt.timedelta(days=30) for s in criticised)
    assert len(made) == 1 + criticised.count()
    assert sanctions_from_run(run=run, by=personas["district_admin"], today=TODAY) == []  # once only
    s = criticised.get(score__region=regions["B1"])
    with pytest.raises(AssessmentError, match="被通报的对象"):
        plan_submit(sanction=s, text="整改" * 20, by=personas["worker"])
    with pytest.raises(AssessmentError, match="20 个字"):
        plan_submit(sanction=s, text="马上改", by=personas["outsider_worker"])
    plan_submit(
        sanction=s,
        text="问题：积分未覆盖；措施：每月评议一次；三月底前完成；责任人：书记",
        by=personas["outsider_worker"],
    )
    s.refresh_from_db()
    assert s.plan_by == personas["outsider_worker"] and s.plan_text.startswith("问题")


def test_a_run_still_open_for_objections_is_not_final(regions, personas, rules, period):
    settled_claim(personas, rules)
    scheme = published_scheme(
        regions["district"], YEAR, SubjectType.COMMUNITY, [("bank.coverage", Decimal(100), {})]
    )
    run = run_compute(scheme=scheme, period_start=period[0], period_end=period[1])
    with pytest.raises(AssessmentError, match="公示期满"):
        sanctions_from_run(run=run, by=personas["district_admin"], today=TODAY)
    run_publish(run=run, by=personas["district_admin"], today=TODAY)
    with pytest.raises(AssessmentError, match="公示期满"):
        sanctions_from_run(run=run, by=personas["district_admin"], today=TODAY)
    assert not Sanction.objects.exists()


def test_a_partner_that_does_not_honour_vouchers_is_suspended_until_reinstated(regions, personas):
    partner = make_partner(personas["unit"], personas["sub_admin"])
    reward = make_reward(partner, personas["unit"], stock=10, per_person_limit=5)
    person = personas["resident"].person
    fund(person, 200)
    collected = redeem(person, reward)
    rewards.redemption_collect(user=personas["unit"], partner=partner, code=collected.code)
    for _n in range(2):
        rewards.redemption_cancel(redemption=redeem(person, reward), user=personas["unit"])
    made = partners_suspend_low_honour(
        district=regions["district"], start=TODAY, end=TODAY, by=personas["district_admin"]
    )
    assert [s.kind for s in made] == [SanctionKind.SUSPENSION]
    assert "33.3%" in made[0].cause and made[0].partner == partner
    with pytest.raises(RewardError, match="暂停发布兑换物品"):
        make_reward(partner, personas["unit"], name="理发一次")
    with pytest.raises(RewardError, match="所在街道"):
        rewards.partner_rewards_reinstate(partner=partner, by=personas["outsider_sub_admin"])
    rewards.partner_rewards_reinstate(partner=partner, by=personas["sub_admin"])
    assert make_reward(partner, personas["unit"], name="理发一次").pk


def test_a_partner_that_honours_its_vouchers_is_not_suspended(regions, personas):
    partner = make_partner(personas["unit"], personas["sub_admin"])
    reward = make_reward(partner, personas["unit"])
    person = personas["resident"].person
    fund(person, 50)
    rewards.redemption_collect(user=personas["unit"], partner=partner, code=redeem(person, reward).code)
    assert (
        partners_suspend_low_honour(
            district=regions["district"], start=TODAY, end=TODAY, by=personas["district_admin"]
        )
        == []
    )
    assert make_reward(partner, personas["unit"], name="理发一次").pk


def test_a_final_community_run_feeds_each_workers_yearly_result(regions, personas, rules, period):
    from jiceng.workforce.models import AssessmentResult
    from jiceng.workforce.tests.factories import hire

    run = community_run(regions, personas, rules, period)
    a1 = hire(regions["A1"], personas["district_admin"], name="社工甲")
    b1 = hire(regions["B1"], personas["district_admin"], name="社工乙")
    with pytest.raises(AssessmentError, match="已据此作出表彰和通报"):
        worker_results_from_run(run=run, by=personas["district_admin"])
    sanctions_from_run(run=run, by=personas["district_admin"], today=TODAY)
    with pytest.raises(AssessmentError, match="区里认定"):
        worker_results_from_run(run=run, by=personas["sub_admin"])
    assert worker_results_from_run(run=run, by=personas["district_admin"]) == 2
    results = dict(AssessmentResult.objects.filter(year=YEAR).values_list("worker_id", "result"))
    assert results == {a1.pk: "excellent", b1.pk: "fail"}
    assert worker_results_from_run(run=run, by=personas["district_admin"]) == 0  # a year's result stays
