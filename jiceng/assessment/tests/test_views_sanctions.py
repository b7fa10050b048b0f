"""Pages of objections, decisions, the honour list and notice, and the improvement plan."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from jiceng.assessment.models import AssessmentRun, ObjectionState, Publication, RunObjection, Sanction
from jiceng.assessment.services import run_compute
from jiceng.assessment.tests.factories import published_scheme
from jiceng.assessment.tests.test_catalogue_bank import settled_claim

YEAR = timezone.localdate().year


def _run(regions, period):
    scheme = published_scheme(regions["district"], YEAR, "community", [("bank.coverage", Decimal(100), {})])
    return run_compute(scheme=scheme, period_start=period[0], period_end=period[1])


def test_a_worker_objects_and_the_district_decides_through_the_pages(
    client, personas, rules, regions, period
):
    run = _run(regions, period)
    login_client(client, personas["district_admin"])
    assert client.post(reverse("assessment:run_publish", args=[run.pk])).status_code == 302
    assert Publication.objects.get(run=run).closes_on == timezone.localdate() + dt.timedelta(days=6)
    client.logout()
    login_client(client, personas["worker"])
    page = client.get(reverse("assessment:my_scores")).content.decode()
    line = run.scores.get(region=regions["A1"]).lines.get()
    assert reverse("assessment:objection_new", args=[line.pk]) in page
    other = run.scores.get(region=regions["B1"]).lines.get()
    assert client.get(reverse("assessment:objection_new", args=[other.pk])).status_code == 404
    r = client.post(reverse("assessment:objection_new", args=[line.pk]), {"reason": "不服"})
    assert "至少 5 个字" in r.content.decode()
    r = client.post(reverse("assessment:objection_new", args=[line.pk]), {"reason": "本月评议的积分没有计入"})
    assert r.status_code == 302
    obj = RunObjection.objects.get()
    client.logout()
    login_client(client, personas["district_admin"])
    assert "本月评议的积分没有计入" in client.get(reverse("assessment:objections")).content.decode()
    r = client.post(
        reverse("assessment:objection_decide", args=[obj.pk]), {"upheld": "1", "decision": "补录评议"}
    )
    obj.refresh_from_db()
    assert obj.state == ObjectionState.UPHELD and obj.decided_by == personas["district_admin"]
    # correcting the record (a settled award in A1) and recomputing makes version 2, shown with the objection
    settled_claim(personas, rules)
    r = client.post(reverse("assessment:run_recompute", args=[run.pk]))
    new = AssessmentRun.objects.get(version=2)
    assert r.url == reverse("assessment:run", args=[new.pk])
    page = client.get(r.url).content.decode()
    assert "本次重新计算更正的异议" in page and "补录评议" in page
    assert run.scores.get(region=regions["A1"]).total == Decimal("0.0")
    # the first version says it was superseded, which objection was upheld, and links to the new one
    old = client.get(reverse("assessment:run", args=[run.pk])).content.decode()
    assert "已有更正后的版本" in old and reverse("assessment:run", args=[new.pk]) in old
    assert "记录更正后由第2次计算更正" in old
    assert "已有更正后的版本" not in page
    client.logout()
    login_client(client, personas["outsider_sub_admin"])  # B's rows only: A1's objection is not theirs
    assert "异议成立" not in client.get(reverse("assessment:run", args=[run.pk])).content.decode()


def test_the_notice_page_lists_honours_and_criticisms_and_the_subject_writes_a_plan(
    client, personas, rules, regions, period
):
    from jiceng.assessment.services import run_publish

    settled_claim(personas, rules)
    run = _run(regions, period)
    run_publish(run=run, by=personas["district_admin"], today=timezone.localdate() - dt.timedelta(days=8))
    login_client(client, personas["district_admin"])
    r = client.post(reverse("assessment:run_sanction", args=[run.pk]))
    assert r.url == reverse("assessment:notice", args=[run.pk])
    page = client.get(r.url).content.decode()
    assert "中共武侯区委组织部" in page and "洗面桥社区居委会" in page and "先进" in page
    criticism = Sanction.objects.get(kind="criticism", score__region=regions["B1"])
    r = client.post(reverse("assessment:run_workers", args=[run.pk]))
    assert r.status_code == 302 and "已认定 0 名" in client.get(r.url).content.decode()
    client.logout()
    login_client(client, personas["worker"])
    assert client.get(reverse("assessment:plan", args=[criticism.pk])).status_code == 404
    client.logout()
    login_client(client, personas["outsider_worker"])
    page = client.get(reverse("assessment:my_scores")).content.decode()
    b1_line = run.scores.get(region=regions["B1"]).lines.get()
    assert reverse("assessment:objection_new", args=[b1_line.pk]) not in page  # the notice period is over
    assert reverse("assessment:plan", args=[criticism.pk]) in page
    r = client.post(
        reverse("assessment:plan", args=[criticism.pk]),
        {"text": "问题：积分未覆盖；措施：每月评议；三月底前完成；责任人：书记"},
    )
    assert r.status_code == 302
    criticism.refresh_from_db()
    assert criticism.plan_by == personas["outsider_worker"]


def test_objection_pages_are_not_for_residents_or_units(client, personas, regions, period):
    run = _run(regions, period)
    line = run.scores.get(region=regions["A1"]).lines.get()
    for who in ("resident", "unit"):
        login_client(client, personas[who])
        assert client.get(reverse("assessment:objection_new", args=[line.pk])).status_code == 404
        assert client.get(reverse("assessment:objections")).status_code == 404
        client.logout()
    login_client(client, personas["sub_admin"])
    assert client.post(reverse("assessment:run_publish", args=[run.pk])).status_code == 404
    assert not Publication.objects.exists()


def test_the_subdistrict_reinstates_a_suspended_partner_from_its_partner_page(client, personas, regions):
    from jiceng.bank.models import AlliancePartner
    from jiceng.bank.services.rewards import partner_rewards_suspend
    from jiceng.bank.tests.test_rewards import make_partner

    partner = make_partner(personas["unit"], personas["sub_admin"])
    partner_rewards_suspend(partner=partner, reason="兑现率 33.3%，低于 80%", by=personas["district_admin"])
    login_client(client, personas["outsider_sub_admin"])
    assert client.post(reverse("bank:partner_reinstate", args=[partner.pk])).status_code == 404
    client.logout()
    login_client(client, personas["sub_admin"])
    assert "兑现率 33.3%" in client.get(reverse("bank:partner_review")).content.decode()
    assert client.post(reverse("bank:partner_reinstate", args=[partner.pk])).status_code == 302
    assert AlliancePartner.objects.get(pk=partner.pk).rewards_suspended_reason == ""


def test_the_district_suspends_partners_below_the_honour_rate_from_the_runs_page(client, personas, regions):
    from jiceng.bank.models import AlliancePartner
    from jiceng.bank.services import rewards
    from jiceng.bank.tests.test_rewards import fund, make_partner, make_reward, redeem

    partner = make_partner(personas["unit"], personas["sub_admin"])
    reward = make_reward(partner, personas["unit"])
    fund(personas["resident"].person, 50)
    rewards.redemption_cancel(redemption=redeem(personas["resident"].person, reward), user=personas["unit"])
    login_client(client, personas["sub_admin"])
    assert client.post(reverse("assessment:partners_suspend")).status_code == 404
    client.logout()
    login_client(client, personas["district_admin"])
    r = client.post(reverse("assessment:partners_suspend"), follow=True)
    assert "暂停 1 家" in r.content.decode()
    assert "兑现率 0.0%" in AlliancePartner.objects.get(pk=partner.pk).rewards_suspended_reason
