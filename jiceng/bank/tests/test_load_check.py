"""The load run's checker (`bench/load_check.py`) finds every success it was told of, and only those,
and sees a use case written by halves."""

import json
import sys
from pathlib import Path

import pytest
from django.db.models import F

from jiceng.bank import ledger
from jiceng.bank.models import Reward
from jiceng.bank.services import rewards
from jiceng.bank.services.reviews import claim_review
from jiceng.bank.tests.factories import file_claim
from jiceng.bank.tests.test_rewards import make_partner, make_reward, org_of

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
import load_check  # noqa: E402


@pytest.fixture
def redeemed(personas, regions):
    """The resident, with points, redeemed one reward once; the client's record of that success."""
    resident = personas["resident"]
    ledger.award(
        wallet=ledger.wallet_open(resident.person),
        community=regions["A1"],
        key="load-check-seed",
        amount=100,
        reason="初始积分",
        pending=False,
    )
    partner = make_partner(personas["unit"], personas["sub_admin"])
    reward = make_reward(partner, personas["unit"], per_person_limit=5)
    voucher = rewards.redemption_create(person=resident.person, reward=reward, request_id="load-check-1")
    record = {
        "kind": "redeem",
        "user": resident.username,
        "request_id": "load-check-1",
        "voucher": voucher.pk,
    }
    return {"record": record, "reward": reward, "partner": partner, "stock": {str(reward.pk): 10}}


def test_a_recorded_redemption_is_found_and_an_invented_one_is_not(redeemed):
    assert load_check.problems([redeemed["record"]], stock_before=redeemed["stock"]) == []
    invented = redeemed["record"] | {"request_id": "never-posted"}
    elsewhere = redeemed["record"] | {"voucher": redeemed["record"]["voucher"] + 1}
    found = load_check.problems([invented, elsewhere], stock_before=redeemed["stock"])
    assert len(found) == 2
    assert "never-posted" in found[0] and "没有兑换券" in found[0]
    assert f"#{redeemed['record']['voucher']}" in found[1]


def test_a_hold_without_its_voucher_and_stock_that_did_not_move_are_half_written(redeemed, personas):
    resident = personas["resident"]
    hold = ledger.transfer(
        district=resident.person.district_id,
        pending=True,
        key="load-check-bare-hold",
        debit=ledger.wallet_id(resident.person),
        credit=ledger.partner_account_id(org_of(personas["unit"])),
        amount=20,
        kind="redemption",
        reason="兑换：没有兑换券",
    )
    Reward.objects.filter(pk=redeemed["reward"].pk).update(stock=F("stock") + 1)
    found = load_check.problems([redeemed["record"]], stock_before=redeemed["stock"])
    assert found == [
        f"积分流水 #{hold.pk} 是兑换冻结，却没有兑换券",
        f"兑换物品 #{redeemed['reward'].pk} 库存少了 0 份，但有效兑换券是 1 张",
    ]


def test_an_approved_claim_is_found_with_its_award_and_notice(personas, rules, regions):
    resident, worker = personas["resident"], personas["worker"]
    approved = file_claim(resident, resident.person, rules["helping"])
    claim_review(reviewer=worker, claim=approved, approve=True)
    waiting = file_claim(resident, resident.person, rules["helping"])
    record = {"kind": "review", "user": worker.username, "claim": approved.pk}
    assert load_check.problems([record], stock_before={}) == []
    found = load_check.problems([record | {"claim": waiting.pk}], stock_before={})
    assert found == [f"审核通过成功（{worker.username}，申报 #{waiting.pk}）却没有审核记录"]
    loose = ledger.award(
        wallet=ledger.wallet_open(resident.person),
        community=regions["A1"],
        key="load-check-loose-award",
        amount=1,
        reason="没有申报的奖励",
        cause=("bank.deedclaim", str(waiting.pk)),
    )
    assert load_check.problems([record], stock_before={}) == [
        f"积分流水 #{loose.pk} 是申报的奖励，却没有申报指向它"
    ]


def test_records_cut_short_by_a_killed_client_are_left_out(tmp_path):
    path = tmp_path / "successes.jsonl"
    path.write_text(json.dumps({"kind": "redeem", "user": "a"}) + "\n" + '{"kind": "rev', encoding="utf-8")
    assert load_check.records_read(path) == [{"kind": "redeem", "user": "a"}]
    assert load_check.records_read(tmp_path / "missing.jsonl") == []
