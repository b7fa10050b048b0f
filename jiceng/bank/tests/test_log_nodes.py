"""The log's interior nodes live in the database: checkpoints store them, proofs read them."""

import base64
import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from jiceng import transparency
from jiceng.bank import ledger, log
from jiceng.bank.ledger import Spec
from jiceng.bank.models import LogLeaf, LogNode, Transfer
from jiceng.bank.tests.factories import funded_wallet
from jiceng.bank.verify import verify_district


def b64(hashes):
    return [base64.b64encode(h).decode("ascii") for h in hashes]


@pytest.fixture
def grown(regions):
    """Checkpoints of uneven sizes over one district's log, as a minute-by-minute settle makes them."""
    district, a1 = regions["district"], regions["A1"]
    wallet = funded_wallet(a1, 5)
    issuance = ledger.issuance_account(a1)
    cps = [log.checkpoint(district)]
    made = 0
    for step in (16, 1, 30, 17, 64, 3, 2):
        ledger.transfer_batch(
            [
                Spec(
                    key=f"nodes-{made + i}",
                    debit=issuance.pk,
                    credit=wallet.pk,
                    amount=1,
                    kind="award",
                    reason="节点",
                )
                for i in range(step)
            ],
            district=district,
        )
        made += step
        cps.append(log.checkpoint(district))
    return district, cps


def test_proofs_from_stored_nodes_equal_a_whole_tree_at_every_checkpoint(grown):
    district, cps = grown
    hashes = log.leaf_hashes(district, cps[-1].size)
    whole = transparency.MerkleTree(hashes)
    assert [cp.size for cp in cps] == [1, 17, 18, 48, 65, 129, 132, 134]
    for cp in cps:
        assert bytes(cp.root_hash) == whole.root(cp.size)
        stored = log.tree_for(cp)
        assert stored.root() == whole.root(cp.size)
        assert stored.inclusion_proofs(range(cp.size)) == [
            whole.inclusion_proof(i, cp.size) for i in range(cp.size)
        ]
        for old in cps:
            if old.size <= cp.size:
                bundle = log.consistency_bundle(district, old, cp)
                assert bundle["proof"] == b64(whole.consistency_proof(old.size, cp.size))
    # The stored rows are exactly what a rebuild from the leaves gives, on levels 4 and 8 only.
    rows = {(n.level, n.index): bytes(n.hash) for n in LogNode.objects.filter(district=district)}
    rebuilt = {(lvl, i): h for lvl, i, h in transparency.NodeBuilder(0, log.NODE_STRIDE).extend(hashes)}
    assert rows == rebuilt and {lvl for lvl, _i in rows} == {4}
    assert len(rows) == 134 // 16


def test_a_bundle_from_stored_nodes_is_the_whole_trees_and_verifies(grown, django_assert_max_num_queries):
    district, cps = grown
    t = Transfer.objects.get(key="nodes-40")
    leaf = LogLeaf.objects.get(transfer=t)
    with django_assert_max_num_queries(8):
        bundle = log.inclusion_bundle(t)
    whole = transparency.MerkleTree(log.leaf_hashes(district, cps[-1].size))
    assert bundle["proof"] == b64(whole.inclusion_proof(leaf.index))
    assert "is in log" in transparency.verify_bundle(bundle)


def test_a_lost_node_falls_back_to_the_leaves_and_full_verify_names_it(grown, caplog):
    district, cps = grown
    LogNode.objects.filter(district=district, level=4, index=1).delete()
    t = Transfer.objects.get(key="nodes-5")
    assert "is in log" in transparency.verify_bundle(log.inclusion_bundle(t))  # still right, the slow way
    assert "全部叶子" in caplog.text
    problems, _ = verify_district(district, full=True)
    assert any("日志树第 4 层" in p for p in problems)
    call_command("ledger", "nodes")
    assert verify_district(district, full=True)[0] == []


def test_checkpoint_writes_leaves_and_nodes_in_one_go(regions, django_assert_max_num_queries):
    district, a1 = regions["district"], regions["A1"]
    wallet = funded_wallet(a1, 5)
    issuance = ledger.issuance_account(a1)
    ledger.transfer_batch(
        [
            Spec(key=f"many-{i}", debit=issuance.pk, credit=wallet.pk, amount=1, kind="award", reason="批量")
            for i in range(300)
        ],
        district=district,
    )
    with django_assert_max_num_queries(20):  # not a statement per leaf or per node
        cp = log.checkpoint(district, batch=100)
    assert cp.size == 301 and LogLeaf.objects.filter(district=district).count() == 301
    assert LogNode.objects.filter(district=district).count() == 301 // 16 + 301 // 256


# ---------------------------------------------------------------- the leaf's bytes

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
times = st.one_of(
    st.none(),
    st.datetimes(
        min_value=dt.datetime(1, 1, 1),
        timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8))]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    ids=st.tuples(*[st.integers(0, 2**63 - 1)] * 4),
    strs=st.tuples(texts, texts, texts, texts, texts),
    reverses=st.one_of(st.none(), st.integers(1, 2**63 - 1)),
    created=times,
    resolved=times,
)
def test_the_fast_leaf_bytes_are_the_canonical_json(ids, strs, reverses, created, resolved):
    id_, debit, credit, amount = ids
    key, kind, state, reason, district = strs
    values = (id_, key, debit, credit, amount, kind, state, reason, reverses, created, resolved)
    assert log.leaf_bytes(district, values) == log._leaf_json(district, values)
    assert json.loads(log.leaf_bytes(district, values))["reason"] == reason


def test_a_transfer_entry_still_reads_as_before(regions):
    wallet = funded_wallet(regions["A1"], 12)
    t = Transfer.objects.get(credit=wallet)
    entry = json.loads(log.transfer_entry(t))
    assert entry["amount"] == 12 and entry["district"] == regions["district"].code and entry["v"] == 1
    assert entry["created"].endswith("Z") and len(entry["created"]) == 27
    assert connection.vendor in ("sqlite", "postgresql")


def test_timestamps_written_by_the_database_give_the_same_leaf_bytes(regions):
    """A checkpoint reads the timestamps already in the leaf's form (on PostgreSQL, `to_char`); every
    leaf must equal the one `ledger verify` derives from the transfer in Python, whatever the instant:
    a whole second, the last microsecond of a year, a year below 1000, another time zone's midnight."""
    district, a1 = regions["district"], regions["A1"]
    wallet = funded_wallet(a1, 5)
    issuance = ledger.issuance_account(a1)
    made = ledger.transfer_batch(
        [
            Spec(key=f"ts-{i}", debit=issuance.pk, credit=wallet.pk, amount=1, kind="award", reason="时刻")
            for i in range(5)
        ],
        district=district,
    )
    instants = [
        dt.datetime(2026, 12, 1, 8, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(999, 3, 4, 5, 6, 7, 80, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 1, 0, 0, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    ]
    for t, at in zip(made, instants, strict=False):
        Transfer.objects.filter(pk=t.pk).update(created_at=at, resolved_at=at + dt.timedelta(microseconds=7))
    Transfer.objects.filter(pk=made[-1].pk).update(resolved_at=None)
    qs = Transfer.objects.filter(pk__in=[t.pk for t in made]).order_by("pk")
    fast = [log.leaf_bytes(district.code, row) for row in log._entry_rows(qs)]
    assert fast == [log.transfer_entry(t) for t in qs]
    assert (
        b'"created":"0999-03-04' not in b"".join(fast)
        and b'"created":"999-03-04T05:06:07.000080Z"' in fast[2]
    )
