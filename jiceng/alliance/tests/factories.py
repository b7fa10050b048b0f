"""Small builders for alliance tests, on the demo district's real regions and the fixed personas."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from jiceng.alliance import services
from jiceng.alliance.models import Alliance, ListCategory, NeedSource
from jiceng.orgs.models import Kind, Organization, PartyLevel, Sector
from jiceng.people.models import PartyMembership
from jiceng.regions.models import Region


def org(region, name, kind=Kind.UNIT, **kw):
    district = Region.objects.get(code=region.district_code)
    return Organization.objects.create(district=district, region=region, kind=kind, name=name, **kw)


def party_org(region, name=None):
    return org(region, name or f"中共{region.name}委员会", kind=Kind.PARTY, party_level=PartyLevel.COMMITTEE)


def sector_org(region, name, sector=Sector.OFFICE_BUILDING):
    return org(region, name, kind=Kind.NEW_SECTOR, sector=sector)


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def alliance_a(regions, personas, *, joined=dt.date(2024, 1, 1)) -> Alliance:
    """Subdistrict A's alliance: its two community committees and the demo unit (示范单位)."""
    actor = personas["sub_admin"]
    alliance = services.alliance_create(region=regions["A"], actor=actor, default_place="街道党群服务中心")
    unit = Organization.objects.get(name="示范单位")
    for o in (unit, party_org(regions["A1"]), party_org(regions["A2"])):
        services.member_join(
            alliance=alliance, organization=o, joined_on=joined, actor=actor, contact_name="联络员"
        )
    return alliance


def held_meeting(alliance, actor, day: dt.date, *, kind="joint"):
    meeting = services.meeting_schedule(alliance=alliance, kind=kind, scheduled_at=at(day), actor=actor)
    services.meeting_invite(meeting=meeting, actor=actor)
    return meeting


def action_for(
    alliance, actor, *, day: dt.date, due_on: dt.date, track="joint_consultation", title="加装电梯协商"
):
    meeting = held_meeting(alliance, actor, day)
    resolution = services.resolution_add(meeting=meeting, text="协商加装电梯", actor=actor, now=at(day, 12))
    owner = alliance.members.filter(kind="unit").first().organization
    return services.action_create(
        resolution=resolution, track=track, title=title, owner=owner, due_on=due_on, actor=actor
    )


def need(
    community, actor, *, category=ListCategory.HEALTH, lon=None, lat=None, requester=None, title="健康随访"
):
    return services.need_create(
        community=community,
        title=title,
        category=category,
        source=NeedSource.RESIDENT if requester else NeedSource.COMMUNITY,
        requester=requester,
        lon=lon,
        lat=lat,
        actor=actor,
    )


def resource(
    organization, community, actor, *, category=ListCategory.HEALTH, lon=None, lat=None, title="义诊"
):
    return services.resource_create(
        organization=organization,
        community=community,
        title=title,
        category=category,
        lon=lon,
        lat=lat,
        actor=actor,
    )


def party_member(personas, regions, origin="in_service"):
    """The resident A1 persona as a party member whose home branch is a state enterprise's, in B1."""
    person = personas["resident"].person
    branch = party_org(regions["B1"], "中共某国企第一支部委员会")
    PartyMembership.objects.create(person=person, district=person.district, origin=origin, home_branch=branch)
    return person, branch


def reported_in(personas, regions, *, today=dt.date(2026, 2, 1)):
    """That member reported in to A1 on `today`, serving the 助老服务岗 post."""
    person, branch = party_member(personas, regions)
    post = services.service_post_create(community=regions["A1"], name="助老服务岗", actor=personas["worker"])
    return services.report_in_submit(
        person=person,
        origin="state_enterprise",
        home_branch=branch,
        posts=[post],
        actor=personas["resident"],
        today=today,
    )


def get(client, user, name, *args, **params):
    """A page as `user` sees it."""
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def post(client, user, name, *args, data=None):
    """A form sent as `user`."""
    client.force_login(user)
    return client.post(reverse(name, args=args), data or {})
