"""Publishing, sign-up within the limit, on-site check-in and check-out, closing with claims."""

import datetime as dt
import sys
import types

import pytest
from django.utils import timezone

from conftest import make_person
from jiceng.activities import services, tokens
from jiceng.activities.models import ActivityStatus, CheckIn
from jiceng.activities.tests.factories import activity
from jiceng.alliance.tests.factories import alliance_a

pytestmark = pytest.mark.django_db
START = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))


def minutes(n):
    return dt.timedelta(minutes=n)


@pytest.fixture
def act(regions, personas):
    return activity(regions["A1"], personas["worker"], START, hours=2)


def test_it_publishes_for_a_community_a_unit_or_an_alliance(regions, personas):
    worker = personas["worker"]
    now = START - dt.timedelta(days=1)
    kw = {"title": "义诊", "place": "广场", "starts_at": START, "ends_at": START + minutes(90), "now": now}
    made = services.activity_publish(community=regions["A1"], organizer_kind="community", actor=worker, **kw)
    assert made.status == ActivityStatus.PUBLISHED and made.secret and made.district == regions["district"]
    with pytest.raises(services.ActivityError, match="主办单位"):
        services.activity_publish(community=regions["A1"], organizer_kind="unit", actor=worker, **kw)
    alliance = alliance_a(regions, personas)
    with pytest.raises(services.ActivityError, match="联盟范围内"):
        services.activity_publish(
            community=regions["B1"], organizer_kind="alliance", alliance=alliance, actor=worker, **kw
        )
    assert (
        services.activity_publish(
            community=regions["A2"], organizer_kind="alliance", alliance=alliance, actor=worker, **kw
        ).organizer_label
        == alliance.name
    )
    with pytest.raises(services.ActivityError, match="晚于开始时间"):
        services.activity_publish(
            community=regions["A1"], organizer_kind="community", actor=worker, **(kw | {"ends_at": START})
        )
    with pytest.raises(services.ActivityError, match="已经过去"):
        services.activity_publish(
            community=regions["A1"],
            organizer_kind="community",
            actor=worker,
            **(kw | {"now": START + minutes(120)}),
        )


def test_the_participant_limit_holds_for_sign_up(regions, personas, act):
    act.capacity = 2
    act.save()
    people = [make_person(regions["A1"], f"居民{i}") for i in range(3)]
    user = personas["resident"]
    services.signup_create(activity=act, person=people[0], actor=user, now=START - minutes(600))
    with pytest.raises(services.ActivityError, match="已经报名"):
        services.signup_create(activity=act, person=people[0], actor=user, now=START - minutes(600))
    second = services.signup_create(activity=act, person=people[1], actor=user, now=START - minutes(600))
    with pytest.raises(services.ActivityError, match="报名人数已满（上限 2 人）"):
        services.signup_create(activity=act, person=people[2], actor=user, now=START - minutes(600))
    services.signup_cancel(signup=second, actor=user)
    services.signup_create(activity=act, person=people[2], actor=user, now=START - minutes(600))


def test_a_signup_required_activity_checks_in_only_those_signed_up(regions, personas, act):
    act.signup_required = True
    act.save()
    person = make_person(regions["A1"], "张三")
    with pytest.raises(services.ActivityError, match="需要提前报名"):
        services.checkin_record(activity=act, person=person, method="qr", actor=personas["worker"], now=START)
    services.signup_create(activity=act, person=person, actor=personas["worker"], now=START - minutes(60))
    services.checkin_record(activity=act, person=person, method="qr", actor=personas["worker"], now=START)


def test_walk_ins_are_limited_too(regions, personas, act):
    act.capacity = 1
    act.save()
    services.checkin_record(
        activity=act,
        person=make_person(regions["A1"], "甲"),
        method="qr",
        actor=personas["worker"],
        now=START,
    )
    with pytest.raises(services.ActivityError, match="现场人数已达上限（1 人）"):
        services.checkin_record(
            activity=act,
            person=make_person(regions["A1"], "乙"),
            method="qr",
            actor=personas["worker"],
            now=START,
        )


def test_check_in_is_open_from_an_hour_before_the_start_to_the_end(regions, personas, act):
    person = personas["resident"].person
    worker = personas["worker"]
    with pytest.raises(services.ActivityError, match="开始前 1 小时内"):
        services.checkin_record(
            activity=act, person=person, method="qr", actor=worker, now=START - minutes(61)
        )
    with pytest.raises(services.ActivityError, match="已经结束"):
        services.checkin_record(
            activity=act, person=person, method="qr", actor=worker, now=START + minutes(121)
        )
    row = services.checkin_record(
        activity=act, person=person, method="qr", actor=worker, now=START - minutes(60)
    )
    assert row.checked_in_at == START - minutes(60)
    with pytest.raises(services.ActivityError, match="不用重复签到"):
        services.checkin_record(activity=act, person=person, method="qr", actor=worker, now=START)


def test_the_qr_check_in_refuses_an_expired_code(personas, act):
    person, user = personas["resident"].person, personas["resident"]
    old = tokens.token_for(act, START - minutes(2))
    with pytest.raises(services.ActivityError, match="二维码已过期"):
        services.checkin_by_qr(activity=act, person=person, token=old, actor=user, now=START)
    assert not CheckIn.objects.exists()
    current = tokens.token_for(act, START)
    assert (
        services.checkin_by_qr(
            activity=act, person=person, token=current, actor=user, now=START + dt.timedelta(seconds=40)
        ).method
        == "qr"
    )


def test_the_organiser_checks_in_by_personal_code(regions, personas, act):
    person = personas["resident"].person
    row = services.checkin_by_code(
        activity=act, code=tokens.personal_code(person), actor=personas["worker"], now=START
    )
    assert row.person == person and row.method == "code"
    with pytest.raises(services.ActivityError, match="个人码不正确"):
        services.checkin_by_code(activity=act, code="1-AAAAA", actor=personas["worker"], now=START)


def test_check_out_records_the_minutes_served(regions, personas, act):
    early = services.checkin_record(
        activity=act,
        person=personas["resident"].person,
        method="qr",
        actor=personas["worker"],
        now=START - minutes(20),
    )
    late = services.checkin_record(
        activity=act,
        person=make_person(regions["A1"], "迟到"),
        method="qr",
        actor=personas["worker"],
        now=START + minutes(31),
    )
    assert (
        services.checkout_record(checkin=early, actor=personas["worker"], now=START + minutes(95)).minutes
        == 95
    )
    assert (
        services.checkout_record(
            checkin=late,
            actor=personas["worker"],
            now=START
            + minutes(
                90,
            )
            + dt.timedelta(seconds=50),
        ).minutes
        == 59
    )
    with pytest.raises(services.ActivityError, match="已于"):
        services.checkout_record(checkin=early, actor=personas["worker"], now=START + minutes(100))
    assert services.minutes_served(START, START - minutes(5), START) == 0


def _fake_claims(monkeypatch):
    calls = []
    module = types.ModuleType("jiceng.bank.services.claims")

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

    module.claims_file_for_activity = claims_file_for_activity
    module.ClaimError = type("ClaimError", (Exception,), {})
    monkeypatch.setitem(sys.modules, "jiceng.bank.services.claims", module)
    import jiceng.bank.services as package

    monkeypatch.setattr(package, "claims", module, raising=False)
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
