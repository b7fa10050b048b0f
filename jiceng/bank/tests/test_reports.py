"""The settlement report (互联互通) on a hand-made dataset, its export, and the fairness signals."""

import datetime as dt
import uuid
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_person, make_user
from jiceng.bank import ledger
from jiceng.bank.models import ClaimState, DeedClaim, EarningRule, Review, Transfer
from jiceng.bank.queries.reports import settlement_get
from jiceng.bank.queries.signals import signals_get
from jiceng.bank.services import rewards
from jiceng.bank.tests.test_rewards import make_partner, make_reward
from jiceng.core.models import AuditLog, Role


def award(person, points, *, pending=False):
    return ledger.award(
        wallet=ledger.wallet_open(person),
        community=person.community,
        key=f"a-{uuid.uuid4().hex}",
        amount=points,
        reason="志愿服务",
        pending=pending,
    )


def spend(person, reward, *, then="collect", user=None):
    r = rewards.redemption_create(person=person, reward=reward, request_id=uuid.uuid4().hex)
    if then == "collect":
        rewards.redemption_collect(user=user, partner=reward.partner, code=r.code)
    elif then == "cancel":
        rewards.redemption_cancel(redemption=r, user=user)
    return r


@pytest.fixture
def dataset(personas, regions):
    """Residents of A1, A2 and B1 earn points, and spend them at partners in A and in B."""
    p1, p3 = personas["resident"].person, personas["outsider"].person
    p2, p4 = make_person(regions["A2"], "钱二"), make_person(regions["B1"], "孙四")
    award(p1, 100)
    award(p2, 50)
    extra = award(p2, 20)
    ledger.reverse(extra, key="undo-extra", reason="重复申报，冲正")
    award(p3, 70)
    award(p4, 100)
    award(p1, 9, pending=True)  # still on notice: not issued yet
    old = award(p1, 1000)
    Transfer.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - dt.timedelta(days=400))
    a = make_partner(personas["unit"], personas["sub_admin"])
    b = make_partner(personas["outsider_unit"], personas["outsider_sub_admin"])
    a30 = make_reward(a, personas["unit"], name="A30", points_price=30, per_person_limit=5)
    a40 = make_reward(a, personas["unit"], name="A40", points_price=40, per_person_limit=5)
    b25 = make_reward(b, personas["outsider_unit"], name="B25", points_price=25, per_person_limit=5)
    spend(p1, a30, user=personas["unit"])  # A → A 30
    spend(p3, a40, user=personas["unit"])  # B → A 40
    spend(p1, b25, user=personas["outsider_unit"])  # A → B 25
    spend(p4, b25, user=personas["outsider_unit"])  # B → B 25
    spend(p2, a30, then="pending")  # not collected: not in the report
    spend(p4, a40, then="cancel", user=personas["outsider"])  # cancelled: not in the report
    return {"a": a, "b": b}


def _row(rows, region):
    return next(r for r in rows if r["region"] == region)


def test_it_settles_the_district(regions, dataset):
    today = timezone.localdate()
    rep = settlement_get(regions=[regions["district"]], start=today, end=today)
    a1, a2, b1 = (_row(rep.communities, regions[k]) for k in ("A1", "A2", "B1"))
    assert (a1["issued"], a1["awards"]) == (100, 1)
    assert (a2["issued"], a2["reversed"], a2["net"]) == (70, 20, 50)
    assert b1["issued"] == 170
    assert sum(c["issued"] for c in rep.communities) == 340
    sa, sb = _row(rep.subdistricts, regions["A"]), _row(rep.subdistricts, regions["B"])
    assert (sa["issued"], sa["net"], sa["redeemed_here"], sa["spent_by_residents"]) == (170, 150, 70, 55)
    assert (sb["issued"], sb["net"], sb["redeemed_here"], sb["spent_by_residents"]) == (170, 170, 50, 65)
    by_partner = {p["partner"]: (p["n"], p["points"]) for p in rep.partners}
    assert by_partner == {dataset["a"]: (2, 70), dataset["b"]: (2, 50)}
    axis = [r.code for r in rep.flow_rows]
    ia, ib = axis.index(regions["A"].code), axis.index(regions["B"].code)
    assert rep.matrix[ia][ia] == 30 and rep.matrix[ia][ib] == 25
    assert rep.matrix[ib][ia] == 40 and rep.matrix[ib][ib] == 25
    assert rep.totals == {
        "issued": 340,
        "reversed": 20,
        "net": 320,
        "redeemed": 120,
        "vouchers": 4,
        "cross": 65,
    }


def test_a_subdistrict_sees_its_own_part(regions, dataset):
    today = timezone.localdate()
    rep = settlement_get(regions=[regions["A"]], start=today, end=today)
    assert {c["region"].parent_id for c in rep.communities} == {regions["A"].pk}
    assert [s["region"] for s in rep.subdistricts] == [regions["A"]]
    assert [p["partner"] for p in rep.partners] == [dataset["a"]]
    axis = [r.code for r in rep.flow_rows]
    ia, ib = axis.index(regions["A"].code), axis.index(regions["B"].code)
    assert (rep.matrix[ia][ia], rep.matrix[ia][ib], rep.matrix[ib][ia]) == (30, 25, 40)
    assert rep.matrix[ib][ib] == 0  # B's own business is not A's to see


def test_the_period_decides_what_counts(regions, dataset):
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    rep = settlement_get(regions=[regions["district"]], start=long_ago, end=long_ago)
    assert _row(rep.communities, regions["A1"])["issued"] == 1000
    assert rep.totals["redeemed"] == 0
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert settlement_get(regions=[regions["district"]], start=yesterday, end=yesterday).totals["net"] == 0


def test_the_settlement_page_and_its_export(client, personas, regions, dataset):
    client.force_login(personas["district_admin"])
    page = client.get(reverse("bank:settlement")).content.decode()
    assert "跨街道流向" in page and 'id="chart"' in page and regions["B1"].name in page
    today = timezone.localdate().isoformat()
    response = client.get(reverse("bank:settlement_xlsx"), {"start": today, "end": today})
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["说明", "社区发放", "街道汇总", "联盟单位兑换", "跨街道流向"]
    flows = {row[0]: row[1:] for row in wb["跨街道流向"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in wb["跨街道流向"][1]]
    assert flows[regions["B"].name][header.index(regions["A"].name) - 1] == 40
    assert flows["合计"][-1] == 120
    partners = {row[1]: row[2:] for row in wb["联盟单位兑换"].iter_rows(min_row=2, values_only=True)}
    assert partners["示范单位"] == (2, 70)
    assert AuditLog.objects.filter(action="bank.settlement_export", actor=personas["district_admin"]).exists()


def test_the_settlement_page_refuses_a_backwards_period(client, personas, dataset):
    client.force_login(personas["sub_admin"])
    page = client.get(
        reverse("bank:settlement"), {"start": "2026-03-01", "end": "2026-02-01"}
    ).content.decode()
    assert "结束日期不能早于开始日期" in page


def test_subdistrict_b_does_not_see_as_communities(client, personas, regions, dataset):
    client.force_login(personas["outsider_sub_admin"])
    page = client.get(reverse("bank:settlement")).content.decode()
    assert regions["B1"].name in page and regions["A1"].name not in page and "示范单位" not in page


def test_reports_are_not_for_other_roles(client, personas):
    for who in ("worker", "unit", "resident"):
        client.force_login(personas[who])
        for name in ("bank:settlement", "bank:settlement_xlsx", "bank:signals"):
            assert client.get(reverse(name)).status_code == 404, (who, name)


# ---------------------------------------------------------------- fairness signals


@pytest.fixture
def rule(regions):
    return EarningRule.objects.create(
        district=regions["district"],
        code="helping",
        category="helping",
        name="助人为乐",
        points=5,
        cap_month=30,
        active_from=dt.date(2020, 1, 1),
    )


def claim(person, rule, text, *, points=5, day=None, state=ClaimState.CREDITED, filed_by):
    return DeedClaim.objects.create(
        district_id=person.district_id,
        community=person.community,
        claimant=person,
        rule=rule,
        points=points,
        deed_date=day or timezone.localdate(),
        text=text,
        filed_by=filed_by,
        state=state,
    )


def test_it_flags_a_reviewer_whose_approvals_go_to_a_few(personas, regions, rule):
    worker, fair = personas["worker"], make_user("worker_fair", Role.COMMUNITY_WORKER, region=regions["A1"])
    few = [make_person(regions["A1"], f"熟人{i}") for i in range(3)]
    many = [make_person(regions["A1"], f"居民{i}") for i in range(15)]
    for i, person in enumerate([few[0]] * 4 + [few[1]] * 2 + [few[2]] + many[:3]):
        Review.objects.create(
            district=regions["district"],
            claim=claim(person, rule, f"事{i}", filed_by=worker),
            reviewer=worker,
            decision="approve",
        )
    for i, person in enumerate(many[3:]):
        Review.objects.create(
            district=regions["district"],
            claim=claim(person, rule, f"件{i}", filed_by=fair),
            reviewer=fair,
            decision="approve",
        )
    flagged = signals_get(regions=[regions["district"]]).reviewers
    assert [(s["reviewer"], s["approvals"], s["percent"]) for s in flagged] == [(worker, 10, 70)]
    assert flagged[0]["top"][0] == (few[0], 4)
    assert signals_get(regions=[regions["B"]]).reviewers == []


def test_it_flags_near_identical_claim_texts_in_one_community(personas, regions, rule):
    by = personas["worker"]
    x, y, z = (make_person(regions["A1"], n) for n in ("甲", "乙", "丙"))
    c1 = claim(x, rule, "今天在小区门口扶一位摔倒的老人起来，并送他回家。", filed_by=by)
    c2 = claim(y, rule, "今天在小区门口扶一位摔倒的老人起来 并送他回家!!", filed_by=by)
    c3 = claim(z, rule, "今天在小区门口扶了一位摔倒的老人起来，并送她回家。", filed_by=by)
    claim(x, rule, "帮助楼下邻居修理漏水的水管，忙了一个下午", filed_by=by)
    claim(y, rule, "参加社区垃圾分类宣传志愿服务两小时", filed_by=by)
    other = make_person(regions["A2"], "丁")
    claim(
        other, rule, "帮助楼下邻居修理漏水的水管，忙了一个下午", filed_by=by
    )  # same text, another community
    claim(z, rule, "今天在小区门口扶一位摔倒的老人起来，并送他回家。", filed_by=by, state=ClaimState.REJECTED)
    found = signals_get(regions=[regions["district"]]).similar
    assert len(found) == 1
    assert {c.pk for c in found[0]["claims"]} == {c1.pk, c2.pk, c3.pk}
    assert found[0]["claimants"] == 3 and found[0]["percent"] >= 90


def test_it_flags_totals_bunched_just_under_the_cap(personas, regions, rule):
    by = personas["worker"]
    first = timezone.localdate().replace(day=1)
    months = [(first - dt.timedelta(days=1 + 31 * i)).replace(day=10) for i in range(3)]
    gamer, keen = make_person(regions["A1"], "卡线人"), make_person(regions["A1"], "热心人")
    for day, points in zip(months, ([15, 13], [30], [27]), strict=True):
        for p in points:
            claim(gamer, rule, "帮", points=p, day=day, filed_by=by)
    for day, p in zip(months, (10, 15, 30), strict=True):
        claim(keen, rule, "帮", points=p, day=day, filed_by=by)
    capped = signals_get(regions=[regions["A"]]).capped
    assert [(s["person"], s["cap"], sorted(t for _m, t in s["months"])) for s in capped] == [
        (gamer, 30, [27, 28, 30])
    ]
    assert signals_get(regions=[regions["B"]]).capped == []


def test_normal_data_raises_no_signal(personas, regions, rule):
    worker = personas["worker"]
    texts = [
        "帮助楼下邻居修理漏水的水管",
        "参加社区垃圾分类宣传志愿服务两小时",
        "陪独居老人去医院复查身体",
        "给小区流浪猫搭了一个过冬的窝",
        "帮快递员把包裹搬上七楼",
        "组织楼栋邻居清理楼道杂物",
        "捡到钱包交还失主并拒绝酬谢",
        "教社区老人使用智能手机挂号",
        "雨天帮环卫工人疏通下水道口",
        "为社区图书角捐赠二十本图书",
        "照顾生病的邻居家孩子一个下午",
        "在地铁站为外地游客指路并带路",
    ]
    for i, text in enumerate(texts):
        person = make_person(regions["A1"], f"居民{i}")
        Review.objects.create(
            district=regions["district"],
            claim=claim(person, rule, text, points=5 + i % 3, filed_by=worker),
            reviewer=worker,
            decision="approve",
        )
    assert signals_get(regions=[regions["district"]]).count == 0


def test_the_signals_page_is_scoped(client, personas, regions, rule):
    by = personas["worker"]
    x, y = make_person(regions["A1"], "甲"), make_person(regions["A1"], "乙")
    claim(x, rule, "今天在小区门口扶一位摔倒的老人起来，并送他回家。", filed_by=by)
    claim(y, rule, "今天在小区门口扶一位摔倒的老人起来，并送他回家。", filed_by=by)
    client.force_login(personas["sub_admin"])
    assert 'data-signal="similar"' in client.get(reverse("bank:signals")).content.decode()
    client.force_login(personas["district_admin"])
    assert 'data-signal="similar"' in client.get(reverse("bank:signals")).content.decode()
    client.force_login(personas["outsider_sub_admin"])
    page = client.get(reverse("bank:signals"))
    assert page.status_code == 200 and 'data-signal="similar"' not in page.content.decode()
