"""On-site check-in and check-out: the window, the limits, the QR and personal codes, minutes served."""

import datetime as dt

import pytest

from conftest import make_person
from jiceng.activities import services, tokens
from jiceng.activities.models import CheckIn
from jiceng.activities.tests.factories import START, minutes

pytestmark = pytest.mark.django_db


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
