"""Record sets: the records behind a figure, kept as sorted ids per model, compact and order-free."""

import datetime as dt
import json
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiceng.assessment.records import RecordSet

LABELS = st.sampled_from(["bank.Notice", "bank.DeedClaim", "alliance.Meeting"])
PAIRS = st.lists(st.tuples(LABELS, st.integers(min_value=1, max_value=2**40)), max_size=200)


@settings(deadline=None)
@given(PAIRS)
def test_a_record_set_survives_encoding_and_iterates_as_sorted_unique_pairs(pairs):
    records = RecordSet.from_pairs(pairs)
    assert list(records) == sorted(set(pairs))
    assert len(records) == len(set(pairs))
    again = RecordSet.decode(records.encode())
    assert again == records and list(again) == list(records)
    assert again.digest() == records.digest()


@settings(deadline=None)
@given(PAIRS, st.randoms())
def test_the_digest_does_not_depend_on_the_order_the_records_were_found_in(pairs, rnd):
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    assert RecordSet.from_pairs(shuffled).digest() == RecordSet.from_pairs(pairs).digest()


@settings(deadline=None)
@given(PAIRS, PAIRS)
def test_union_and_difference_are_those_of_the_pairs(a, b):
    left, right = RecordSet.from_pairs(a), RecordSet.from_pairs(b)
    assert list(left + right) == sorted(set(a) | set(b))
    assert list(left - right) == sorted(set(a) - set(b))
    if set(a) != set(b):
        assert left.digest() != right.digest()


@settings(deadline=None)
@given(PAIRS, st.integers(0, 250), st.integers(1, 60))
def test_a_page_is_that_slice_of_the_pairs(pairs, offset, limit):
    assert RecordSet.from_pairs(pairs).page(offset, limit) == sorted(set(pairs))[offset : offset + limit]


def test_a_million_ids_take_a_few_bytes_each_and_compare_equal_to_their_pairs():
    ids = np.arange(1, 3_000_001, 3, dtype=np.int64)
    records = RecordSet.of("bank.Notice", ids[::-1])  # found in any order
    blob = records.encode()
    assert len(records) == 1_000_000 and len(blob) < 200_000
    assert RecordSet.decode(blob) == records
    assert RecordSet.of("bank.Notice", [4, 1]) == [("bank.Notice", 1), ("bank.Notice", 4)]
    assert RecordSet() == [] and not RecordSet() and RecordSet.decode(b"") == []


def test_an_unknown_or_truncated_blob_is_refused():
    with pytest.raises(ValueError):
        RecordSet.decode(b"XX")
    blob = RecordSet.of("bank.Notice", [1, 2, 3]).encode()
    for damaged in (blob[:-3], blob[:5], blob[:2] + b"\x01"):
        with pytest.raises(ValueError):
            RecordSet.decode(damaged)


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_stored_pairs_into_record_sets_and_back(regions):
    """Migration 0005 rewrites every score line's JSON list of [label, id] pairs as a record set; going
    back writes the same pairs, in order, so nothing a run froze is lost either way."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from jiceng.assessment.models import ScoreLine
    from jiceng.assessment.services import run_compute
    from jiceng.assessment.tests.factories import published_scheme

    year = dt.date.today().year
    scheme = published_scheme(
        regions["district"], year, "subdistrict", [("alliance.symposia", Decimal(100), {})]
    )
    run = run_compute(scheme=scheme, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31))
    line = ScoreLine.objects.filter(score__run=run).first()
    frozen = RecordSet.from_pairs([("alliance.Meeting", 9), ("bank.Notice", 7), ("alliance.Meeting", 3)])
    ScoreLine.objects.filter(pk=line.pk).update(record_ids=frozen.encode(), record_count=3)
    executor = MigrationExecutor(connection)
    executor.migrate([("assessment", "0004_manual_entry_for_units")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT records FROM assessment_scoreline WHERE id = %s", [line.pk])
        stored = cursor.fetchone()[0]
    stored = json.loads(stored) if isinstance(stored, str) else stored  # SQLite's text, PostgreSQL's jsonb
    assert stored == [["alliance.Meeting", 3], ["alliance.Meeting", 9], ["bank.Notice", 7]]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("assessment"))
    again = ScoreLine.objects.get(pk=line.pk)
    assert again.records == frozen and again.record_count == 3
    assert ScoreLine.objects.exclude(pk=line.pk).filter(record_count=0).count() == run.scores.count() - 1


@settings(deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=2**40), max_size=200), st.integers(0, 200))
def test_a_tally_is_the_sum_of_its_groups_and_equals_its_pairs(ids, cut):
    from jiceng.assessment.records import Tally, decode

    ids = sorted(set(ids))
    whole = Tally.of_ids("bank.Notice", ids)
    parts = [Tally.of_ids("bank.Notice", ids[:cut]), Tally.of_ids("bank.Notice", ids[cut:])]
    added = Tally.of_groups(
        "bank.Notice", *(np.array([getattr(p, f) for p in parts]) for f in ("count", "id_sum", "mix_sum"))
    )
    assert added == whole and len(whole) == len(ids) and whole == [("bank.Notice", pk) for pk in ids]
    assert decode(whole.encode()) == whole and decode(whole.encode()).digest() == whole.digest()
    if ids:
        moved = [*ids[:-1], ids[-1] + 1]  # one record swapped for another: same count, other tally
        assert Tally.of_ids("bank.Notice", moved) != whole
        assert Tally.of_ids("bank.Notice", moved).digest() != whole.digest()
        assert whole != [("bank.DeedClaim", pk) for pk in ids]


def test_a_damaged_tally_is_refused_and_differences_are_counted_only_between_id_sets():
    from jiceng.assessment.records import Tally, decode, difference

    blob = Tally("bank.Notice", 3, 6, 9).encode()
    for damaged in (blob[:-1], blob + b"\x00", blob[:3]):
        with pytest.raises(ValueError):
            decode(damaged)
    a, b = RecordSet.of("bank.Notice", [1, 2, 3]), RecordSet.of("bank.Notice", [3, 4])
    assert difference(b, a) == (1, 2) and difference(Tally("bank.Notice", 2, 7, 0), a) == (None, None)
