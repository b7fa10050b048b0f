"""A run's grouped reads of a district's year: on SQLite they read their groups off an index in group
order (bank 0019), and inside a run one grouping is read once."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiceng.assessment.catalogue import bank
from jiceng.assessment.catalogue.registry import (
    MAPPED_BYTES,
    Subtrees,
    _tally_sums,
    reads_mapped,
    tallied,
    tallies_shared,
)
from jiceng.regions.models import Level, Region

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own indexes (bank 0019)")


def _district_year(regions):
    subjects = list(Region.objects.filter(level=Level.SUBDISTRICT).order_by("code"))
    today = timezone.localdate()
    return Subtrees(subjects).in_districts(), dt.date(today.year, 1, 1), today


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " | ".join(row[-1] for row in cursor.fetchall())


@sqlite_only
@pytest.mark.parametrize("group", [{"c": F("community_id")}, {"c": F("community_id"), "p": F("person_id")}])
def test_sqlite_groups_the_settled_awards_off_their_index_without_a_sort(regions, group):
    where, start, end = _district_year(regions)
    qs = bank.settled_awards(where, start, end).order_by().values(**group).annotate(**_tally_sums())
    plan = _plan(qs)
    assert "COVERING INDEX notice_earners" in plan and "TEMP B-TREE" not in plan, plan


@sqlite_only
def test_sqlite_groups_the_decided_claims_by_hour_off_the_expression_index_without_a_sort(regions):
    where, start, end = _district_year(regions)
    hours = bank.WholeHoursBetween(F("decided_at"), F("created_at"))
    qs = bank.decided_claims(where, start, end).order_by().values(c=F("community_id"), h=hours)
    plan = _plan(qs.annotate(**_tally_sums()))
    assert "INDEX claim_review_hours" in plan and "TEMP B-TREE" not in plan, plan


def test_whole_hours_are_the_milliseconds_divided_in_integers(personas, rules, regions):
    from jiceng.bank.models import DeedClaim
    from jiceng.bank.services.reviews import claim_review
    from jiceng.bank.tests.factories import file_claim

    claim = file_claim(personas["resident"], personas["resident"].person, rules["helping"])
    claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    for took, hours in ((dt.timedelta(hours=3, minutes=59, seconds=59), 3), (dt.timedelta(hours=4), 4)):
        DeedClaim.objects.filter(pk=claim.pk).update(decided_at=F("created_at") + took)
        row = DeedClaim.objects.filter(pk=claim.pk).values_list(
            bank.WholeHoursBetween(F("decided_at"), F("created_at")), flat=True
        )
        assert list(row) == [hours]


def test_inside_a_run_one_grouping_is_read_once_and_each_caller_gets_its_own_arrays(personas, rules, regions):
    from jiceng.assessment.tests.test_catalogue_bank import settled_claim

    settled_claim(personas, rules)
    where, start, end = _district_year(regions)
    awards = bank.settled_awards(where, start, end + dt.timedelta(days=60))
    with CaptureQueriesContext(connection) as outside:
        tallied(awards, c=F("community_id"))
        tallied(awards, c=F("community_id"))
    assert len(outside) == 2
    with tallies_shared(), CaptureQueriesContext(connection) as inside:
        first = tallied(awards, c=F("community_id"), p=F("person_id"))
        assert list(first[1]) == [personas["resident"].person.pk] and list(first[2]) == [1]
        first[0][:] = -1
        again = tallied(awards, c=F("community_id"), p=F("person_id"))
        other = tallied(awards, c=F("community_id"))
    assert len(inside) == 2  # the repeated grouping read once, the other grouping on its own
    assert all((column != -1).all() for column in again) and len(other) == 4


@sqlite_only
def test_a_run_reads_sqlite_through_a_mapping_and_leaves_the_connection_as_it_was():
    def mapped() -> int:
        with connection.cursor() as cursor:
            return cursor.execute("PRAGMA mmap_size").fetchone()[0]

    before = mapped()
    with reads_mapped():
        assert mapped() == MAPPED_BYTES
    assert mapped() == before
