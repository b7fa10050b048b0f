"""Closing an activity: everyone checked out, Moral Bank claims filed in one step; cancelling."""

import datetime as dt
import types

import pytest
from django.utils import timezone

from conftest import make_person
from jiceng.activities import services
from jiceng.activities.models import ActivityStatus
from jiceng.activities.services import closing
from jiceng.activities.tests.factories import START, activity, minutes

pytestmark = pytest.mark.django_db


def _fake_claims(monkeypatch):
    """Stand in for the Moral Bank's filing service and record what it was asked to file."""
    calls = []

    def claims_file_for_activity(*, activity_id, attendees, filed_by, deed_date, text):
        calls.append(
            {
                "activity_id": activity_id,
                "attendees": attendees,
                "filed_by": filed_by,
                "deed_date": deed_date,
                "text": text,
            }
        )
        return [types.SimpleNamespace(pk=i) for i, _ in enumerate(attendees, start=1)]

    monkeypatch.setattr(closing, "claims_file_for_activity", claims_file_for_activity)
    return calls


def test_closing_checks_everyone_out_and_files_claims_in_one_step(regions, personas, act, monkeypatch):
    calls = _fake_claims(monkeypatch)
    worker = personas["worker"]
    a = services.checkin_record(
        activity=act, person=personas["resident"].person, method="qr", actor=worker, now=START
    )
    services.checkout_record(checkin=a, actor=worker, now=START + minutes(45))
    b = services.checkin_record(
        activity=act,
        person=make_person(regions["A1"], "乙"),
        method="qr",
        actor=worker,
        now=START + minutes(30),
    )
    result = services.activity_close(activity=act, actor=worker, now=START + minutes(200))
    b.refresh_from_db()
    assert (
        result.checked_out == 1 and b.checked_out_at == act.ends_at and b.minutes == 90
    )  # out at the end time
    assert len(result.claims) == 2
    (call,) = calls
    assert (
        call["activity_id"] == act.pk
        and call["filed_by"] == worker
        and call["deed_date"] == dt.date(2026, 3, 10)
    )
    assert [(p.pk, m) for p, m in call["attendees"]] == [(a.person_id, 45), (b.person_id, 90)]
    assert act.title in call["text"]
    act.refresh_from_db()
    assert act.status == ActivityStatus.CLOSED and act.claims_count == 2 and act.claims_filed_at is not None
    with pytest.raises(services.ActivityError, match="申报过积分"):
        services.activity_file_claims(activity=act, actor=worker)
    with pytest.raises(services.ActivityError, match="已结束"):
        services.activity_close(activity=act, actor=worker)


def test_closing_without_claims_leaves_them_for_later(regions, personas, act, monkeypatch):
    calls = _fake_claims(monkeypatch)
    worker = personas["worker"]
    services.checkin_record(
        activity=act, person=personas["resident"].person, method="qr", actor=worker, now=START
    )
    services.activity_close(activity=act, actor=worker, file_claims=False, now=START + minutes(60))
    assert calls == []
    assert len(services.activity_file_claims(activity=act, actor=worker)) == 1


def test_an_activity_not_started_cannot_be_closed_and_one_with_check_ins_cannot_be_cancelled(personas, act):
    with pytest.raises(services.ActivityError, match="还没开始"):
        services.activity_close(activity=act, actor=personas["worker"], now=START - minutes(5))
    services.checkin_record(
        activity=act, person=personas["resident"].person, method="qr", actor=personas["worker"], now=START
    )
    with pytest.raises(services.ActivityError, match="不能取消"):
        services.activity_cancel(activity=act, actor=personas["worker"])


def test_closing_files_real_moral_bank_claims_under_the_volunteer_rule(regions, personas):
    from jiceng.bank.models import ClaimState, DeedClaim
    from jiceng.bank.services.rules import rule_catalogue_seed

    worker = personas["unit"]
    start = timezone.now() - dt.timedelta(hours=2)
    act = activity(regions["A1"], worker, start, hours=2)
    with pytest.raises(services.ActivityError, match="志愿服务"):
        services.checkin_record(
            activity=act, person=personas["resident"].person, method="qr", actor=worker, now=start
        )
        services.activity_close(activity=act, actor=worker, now=start + dt.timedelta(hours=1))
    act.refresh_from_db()
    assert act.status == "published"  # nothing was closed: the whole step rolled back
    rule_catalogue_seed(district=regions["district"])
    services.activity_close(activity=act, actor=worker, now=start + dt.timedelta(hours=1))
    claim = DeedClaim.objects.get()
    assert claim.activity_id == act.pk and claim.claimant == personas["resident"].person
    assert claim.minutes == 60 and claim.points == 2 and claim.state == ClaimState.SUBMITTED
    assert claim.rule.category == "volunteer" and claim.filed_by == worker
