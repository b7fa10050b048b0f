import datetime as dt

import pytest
from django.utils import timezone

from jiceng.alliance import services
from jiceng.alliance.tests.factories import action_for, alliance_a, need, resource, sector_org
from jiceng.people.models import PartyMembership


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas are made for every test; a fast hasher keeps that cheap (the test passwords are not secrets)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(regions, personas):
    """Subdistrict A's alliance with an overdue action, a need with a project, a report-in and a tower."""
    admin, worker = personas["sub_admin"], personas["worker"]
    alliance = alliance_a(regions, personas)
    today = timezone.localdate()
    overdue = action_for(
        alliance, admin, day=today - dt.timedelta(days=30), due_on=today - dt.timedelta(days=2)
    )
    a_need = need(regions["A1"], worker)
    res = resource(alliance.members.get(kind="unit").organization, regions["A1"], worker)
    project = services.project_create(
        need=a_need,
        resources=[res],
        title="随访",
        owner=res.organization,
        starts_on=today,
        ends_on=today,
        actor=worker,
    )
    person = personas["resident"].person
    PartyMembership.objects.create(person=person, district=person.district, origin="retired")
    report = services.report_in_submit(
        person=person, origin="retired", home_unit_name="某厂", actor=personas["resident"]
    )
    tower = sector_org(regions["A1"], "甲大厦")
    return {
        "alliance": alliance,
        "meeting": overdue.resolution.meeting,
        "resolution": overdue.resolution,
        "action": overdue,
        "need": a_need,
        "resource": res,
        "project": project,
        "report": report,
        "tower": tower,
    }
