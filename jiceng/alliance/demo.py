"""Demo data of the regional alliance, appended to the demo hooks.

In the first subdistrict (浆洗街街道): an alliance of the community party committees
and the demo units, a past joint meeting whose resolutions became actions (one of them
overdue), a proposed next symposium, the three lists, reported-in party members, and
new-sector organisations across the district with varied coverage, one of them founded
and faded (边建边散). Each part is made only when missing. The activities (and what the
reported-in members attended) come from the activities app's loader, which runs after.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from jiceng.alliance import services, tokens
from jiceng.alliance.models import (
    Alliance,
    Attendance,
    BranchState,
    ListCategory,
    MeetingKind,
    MeetingStatus,
    Need,
    NeedSource,
    RatingSource,
    ReportIn,
    SectorBranch,
    ServicePost,
    Track,
    Urgency,
)
from jiceng.alliance.queries.taking_part import invitation_list_mine
from jiceng.core.models import User
from jiceng.orgs.models import Kind, Organization, PartyLevel, Sector
from jiceng.people.models import Origin, PartyMembership, Person
from jiceng.regions.models import Level, Region

POSTS = [
    ("政策宣讲岗", "在小区宣讲政策、解答居民疑问"),
    ("环境卫生岗", "楼道清理、垃圾分类督导"),
    ("平安巡逻岗", "夜间巡逻、消防安全检查"),
    ("助老服务岗", "看望独居老人、代买代办"),
]


def _short(name: str) -> str:
    for suffix in ("社区居民委员会", "居民委员会", "社区居委会", "居委会", "街道办事处", "街道"):
        name = name.removesuffix(suffix)
    return name


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _alliance(sub: Region, actor, today: dt.date) -> Alliance:
    alliance = Alliance.objects.filter(region=sub).first()
    if alliance is not None:
        return alliance
    alliance = services.alliance_create(
        region=sub, actor=actor, default_place=f"{_short(sub.name)}街道党群服务中心三楼会议室"
    )
    orgs = list(
        Organization.objects.filter(sub.subtree_q("region"), is_active=True)
        .filter(kind__in=[Kind.UNIT, Kind.NEW_SECTOR])
        .order_by("kind", "name")
    ) + list(
        Organization.objects.filter(
            sub.subtree_q("region"), kind=Kind.PARTY, region__level=Level.COMMUNITY
        ).order_by("region__code")
    )
    contacts = ["张丽", "王建华", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周婷", "吴刚", "徐芳"]
    members = []
    for i, org in enumerate(orgs):
        members.append(
            services.member_join(
                alliance=alliance,
                organization=org,
                joined_on=today - dt.timedelta(days=400 - i),
                contact_name=contacts[i % len(contacts)],
                contact_phone=f"028-8555{1000 + i}",
                actor=actor,
            )
        )
    units = [m for m in members if m.kind == "unit"] + [m for m in members if m.kind != "unit"]
    members = units
    half = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    ends = dt.date(half.year, 6, 30) if half.month == 1 else dt.date(half.year, 12, 31)
    services.chair_set(alliance=alliance, member=members[0], starts_on=half, ends_on=ends, actor=actor)
    if len(members) > 1:
        nxt = ends + dt.timedelta(days=1)
        services.chair_set(
            alliance=alliance,
            member=members[1],
            starts_on=nxt,
            ends_on=dt.date(nxt.year, 6, 30) if nxt.month == 1 else dt.date(nxt.year, 12, 31),
            actor=actor,
        )
    return alliance


def _meetings(alliance: Alliance, actor, today: dt.date) -> None:
    if alliance.meetings.exists():
        return
    members = list(alliance.members.filter(left_on__isnull=True).select_related("organization"))
    by_kind = {}
    for m in members:
        by_kind.setdefault(m.kind, []).append(m)
    units = by_kind.get("unit", []) or members
    communities = by_kind.get("community", []) or members
    past = _at(today - dt.timedelta(days=40), 9, 30)
    meeting = services.meeting_schedule(
        alliance=alliance,
        kind=MeetingKind.JOINT,
        scheduled_at=past,
        actor=actor,
        title="第三季度区域党建联席会",
    )
    services.meeting_invite(meeting=meeting, actor=actor)
    invitations = list(meeting.invitations.all())
    # present only through the on-site check-in; one in six sent its apologies
    came = [inv for i, inv in enumerate(invitations) if i % 6 != 5]
    services.meeting_check_in(
        meeting=meeting, invitations=came, token=tokens.token_for(meeting, past), actor=actor, now=past
    )
    services.meeting_record_attendance(
        meeting=meeting,
        attendance={inv.pk: Attendance.EXCUSED for inv in invitations if inv not in came},
        actor=actor,
        now=past,
    )
    topics = [
        ("老旧院落加装电梯协商", communities[0]),
        ("驻区单位场地向居民开放", units[0]),
        ("重阳节敬老联办活动", units[min(1, len(units) - 1)]),
        ("背街小巷夜间安全", communities[min(1, len(communities) - 1)]),
    ]
    items = [services.agenda_item_add(meeting=meeting, title=t, proposer=p, actor=actor) for t, p in topics]
    services.meeting_record_minutes(
        meeting=meeting,
        minutes=(
            "会议由轮值主席单位主持。各成员单位通报了上季度共建情况，围绕加装电梯、场地开放、"
            "敬老活动和夜间安全四个议题进行了协商，形成四项决议，明确了责任单位和完成时限。"
        ),
        actor=actor,
        now=past,
    )
    plans = [
        (
            items[0],
            "成立加装电梯协商小组，逐个院落征求意见",
            Track.JOINT_CONSULTATION,
            "完成三个院落的加装电梯意见征集",
            communities[0],
            20,
        ),
        (
            items[1],
            "驻区单位每周向居民开放运动场地和会议室",
            Track.JOINT_BUILDING,
            "签订场地开放共建协议",
            units[0],
            -5,
        ),
        (
            items[2],
            "联合举办重阳节敬老活动",
            Track.JOINT_ACTIVITY,
            "重阳节敬老志愿服务活动",
            units[min(1, len(units) - 1)],
            30,
        ),
        (
            items[3],
            "增设背街小巷照明并组织夜间联合巡逻",
            Track.JOINT_SAFETY,
            "组建夜间联合巡逻队",
            communities[min(1, len(communities) - 1)],
            -20,
        ),
    ]
    actions = []
    for item, text, track, title, owner, due in plans:
        resolution = services.resolution_add(
            meeting=meeting, text=text, agenda_item=item, actor=actor, now=past
        )
        actions.append(
            services.action_create(
                resolution=resolution,
                track=track,
                title=title,
                owner=owner.organization,
                due_on=today + dt.timedelta(days=due),
                served_community=owner.organization.region
                if owner.organization.region.level == Level.COMMUNITY
                else None,
                actor=actor,
            )
        )
    services.action_update_add(
        action=actions[0], text="已完成两个院落的入户征求意见", progress=60, actor=actor
    )
    services.action_update_add(
        action=actions[1], text="协议文本已起草，待单位党委审议", progress=40, actor=actor
    )
    # the safety patrol was done and rated; the site-opening agreement is the overdue one
    services.action_close(
        action=actions[3],
        result="组建了 24 人的夜间联合巡逻队，新增路灯 16 盏，巡逻每周三次。",
        rating=5,
        rating_source=RatingSource.RESIDENTS,
        actor=actor,
        now=timezone.now() - dt.timedelta(days=3),
    )
    earlier = _at(today - dt.timedelta(days=50), 14, 30)
    symposium = services.meeting_schedule(
        alliance=alliance, kind=MeetingKind.SYMPOSIUM, scheduled_at=earlier, actor=actor
    )
    services.meeting_invite(meeting=symposium, actor=actor)
    services.meeting_record_minutes(
        meeting=symposium,
        minutes="听取成员单位对区域共建的意见建议，梳理出下季度议题。",
        actor=actor,
        now=earlier,
    )
    services.symposia_propose(alliances=Alliance.objects.filter(pk=alliance.pk))
    assert alliance.meetings.filter(kind=MeetingKind.SYMPOSIUM, status=MeetingStatus.PROPOSED).exists()


def _community(worker, today: dt.date) -> None:
    """The worker's community holds its own symposium: one unit confirmed and came, one gave a reason,
    and an item a unit proposed became a resolution."""
    grant = (
        worker.grants.filter(region__level=Level.COMMUNITY).select_related("region").first()
        if worker
        else None
    )
    if grant is None:
        return
    community = grant.region
    if Alliance.objects.filter(region=community).exists():
        return
    alliance = services.alliance_create(
        region=community,
        actor=worker,
        name=f"{_short(community.name)}社区党建联席会议",
        default_place=f"{_short(community.name)}社区党群服务中心",
    )
    units = list(
        Organization.objects.filter(region=community, kind=Kind.UNIT, is_active=True).order_by("name")
    )
    for name in ("社区卫生服务站", "辖区物业服务中心")[: max(0, 2 - len(units))]:
        units.append(
            Organization.objects.create(
                district_id=community.district_id, region=community, kind=Kind.UNIT, name=name
            )
        )
    party = Organization.objects.filter(region=community, kind=Kind.PARTY).order_by("pk")
    for i, org in enumerate([*party, *units]):
        services.member_join(
            alliance=alliance, organization=org, joined_on=today - dt.timedelta(days=200 - i), actor=worker
        )
    held = _at(today - dt.timedelta(days=6), 14, 30)
    before = held - dt.timedelta(days=3)
    meeting = services.meeting_schedule(
        alliance=alliance,
        kind=MeetingKind.SYMPOSIUM,
        scheduled_at=held,
        actor=worker,
        title=f"{_short(community.name)}社区党建双月座谈会",
    )
    services.meeting_invite(meeting=meeting, actor=worker)
    invs = {i.member.organization_id: i for i in meeting.invitations.select_related("member")}
    coming, away = invs[units[0].pk], invs[units[1].pk]
    services.invitation_reply(invitation=coming, coming=True, actor=worker, now=before)
    services.invitation_reply(
        invitation=away, coming=False, reason="当天单位迎检，无法派人参会", actor=worker, now=before
    )
    item = services.agenda_propose(
        invitation=coming,
        title="小区充电桩进楼道隐患整治",
        notes="建议集中建设非机动车充电棚。",
        actor=worker,
        now=before,
    )
    services.meeting_check_in(
        meeting=meeting,
        invitations=[i for i in invs.values() if i != away],
        token=tokens.token_for(meeting, held),
        actor=worker,
        now=held,
    )
    services.meeting_record_attendance(
        meeting=meeting, attendance={away.pk: Attendance.EXCUSED}, actor=worker, now=held
    )
    services.meeting_record_minutes(
        meeting=meeting,
        minutes="社区召集辖区单位座谈，围绕楼道充电隐患形成决议，由提出单位牵头建设充电棚。",
        actor=worker,
        now=held,
    )
    services.resolution_add(
        meeting=meeting,
        text="在小区空地集中建设非机动车充电棚，楼道内不再充电",
        agenda_item=item,
        actor=worker,
        now=held,
    )


def _upcoming(alliance: Alliance, actor, today: dt.date) -> None:
    """A joint meeting next week that members are answering: one confirmed, one on leave, an item proposed."""
    title = "第四季度区域党建联席会"
    if alliance.meetings.filter(title=title).exists():
        return
    meeting = services.meeting_schedule(
        alliance=alliance,
        kind=MeetingKind.JOINT,
        scheduled_at=_at(today + dt.timedelta(days=8), 9, 30),
        actor=actor,
        title=title,
    )
    services.meeting_invite(meeting=meeting, actor=actor)
    unit_user = User.objects.filter(username="unit").first()
    operated = (
        unit_user.grants.filter(organization__isnull=False).values_list("organization_id", flat=True)
        if unit_user
        else []
    )
    unit_inv = meeting.invitations.filter(member__organization_id__in=list(operated)).first()
    if unit_inv is not None:
        services.invitation_reply(invitation=unit_inv, coming=True, actor=unit_user)
        services.agenda_propose(
            invitation=unit_inv,
            title="单位食堂向辖区老人开放助餐",
            notes="每周一至周五午餐，按成本价供应。",
            actor=unit_user,
        )
    worker = User.objects.filter(username="worker").first()
    other = invitation_list_mine(worker).filter(meeting=meeting).first() if worker else None
    if other is not None:
        services.invitation_reply(
            invitation=other, coming=False, reason="同日承办区级检查，书记另行书面提交意见", actor=worker
        )


def _lists(alliance: Alliance, actor, resident_user, today: dt.date) -> None:
    sub = alliance.region
    communities = list(Region.objects.filter(parent=sub, level=Level.COMMUNITY).order_by("code"))
    if actor is None or not communities or Need.objects.filter(community__in=communities).exists():
        return
    units = list(Organization.objects.filter(sub.subtree_q("region"), kind=Kind.UNIT).order_by("name"))
    if not units:
        return
    first, second = communities[0], communities[min(1, len(communities) - 1)]
    resources = [
        (units[0], first, "义诊和健康讲座", ListCategory.HEALTH, "每月 2 次"),
        (
            units[min(1, len(units) - 1)],
            first,
            "运动场地周末开放",
            ListCategory.VENUE,
            "每周六、日 8:00–18:00",
        ),
        (
            units[min(1, len(units) - 1)],
            second,
            "假期学生托管志愿者",
            ListCategory.CHILDREN,
            "寒暑假每天 10 人",
        ),
        (units[-1], first, "四点半课堂辅导老师", ListCategory.CHILDREN, "每周一至周五 16:30–18:00"),
        (units[-1], second, "用电安全检查", ListCategory.SAFETY, "每季度 1 次"),
        (units[0], second, "老年人健康体检", ListCategory.HEALTH, "每年 1 次，200 人"),
    ]
    made = {}
    for org, com, title, category, amount in resources:
        made[title] = services.resource_create(
            organization=org, community=com, title=title, category=category, amount=amount, actor=actor
        )
    requester = resident_user.person if resident_user and resident_user.person else None
    needs = [
        (first, "独居老人需要定期健康随访", ListCategory.HEALTH, Urgency.SOON, requester),
        (second, "放学后孩子无人看护", ListCategory.CHILDREN, Urgency.URGENT, None),
        (first, "小区缺少健身场地", ListCategory.VENUE, Urgency.NORMAL, None),
        (second, "老旧院落电线老化", ListCategory.SAFETY, Urgency.URGENT, None),
        (first, "社区需要法律咨询服务", ListCategory.LEGAL, Urgency.NORMAL, None),
    ]
    filed = []
    for com, title, category, urgency, person in needs:
        filed.append(
            services.need_create(
                community=com,
                title=title,
                category=category,
                urgency=urgency,
                source=NeedSource.RESIDENT if person else NeedSource.COMMUNITY,
                requester=person,
                actor=resident_user if person else actor,
            )
        )
    # resolved and rated; resolved and waiting for the resident's rating; in progress
    venue = services.project_create(
        need=filed[2],
        resources=[made["运动场地周末开放"]],
        title="单位运动场地向居民开放",
        owner=made["运动场地周末开放"].organization,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=10),
        actor=actor,
    )
    services.project_close(
        project=venue,
        closure_note="已签订开放协议，周末开放，累计接待居民 600 余人次。",
        actor=actor,
        now=timezone.now() - dt.timedelta(days=9),
    )
    worker = User.objects.filter(grants__role="community_worker", grants__region=first).first()
    if worker is not None:
        services.project_rate(project=venue, rating=4, comment="场地很好，希望延长开放时间", actor=worker)
    health = services.project_create(
        need=filed[0],
        resources=[made["义诊和健康讲座"], made["老年人健康体检"]],
        title="独居老人健康随访",
        owner=made["义诊和健康讲座"].organization,
        starts_on=today - dt.timedelta(days=45),
        ends_on=today - dt.timedelta(days=2),
        actor=actor,
    )
    services.project_close(
        project=health,
        closure_note="医院党员志愿者每月上门随访 12 位独居老人。",
        actor=actor,
        now=timezone.now() - dt.timedelta(days=1),
    )
    # The needs were raised before their projects began: need_create stamps them now, after the
    # resolutions backdated above, which would make a resolution precede its need.
    for n, days in ((filed[2], 62), (filed[0], 47)):
        Need.objects.filter(pk=n.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    services.project_create(
        need=filed[3],
        resources=[made["用电安全检查"]],
        title="老旧院落电线改造",
        owner=made["用电安全检查"].organization,
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=40),
        actor=actor,
    )


def _report_in(alliance: Alliance, today: dt.date) -> None:
    community = Region.objects.filter(parent=alliance.region, level=Level.COMMUNITY).order_by("code").first()
    if community is None:
        return
    for name, description in POSTS:
        ServicePost.objects.get_or_create(
            community=community, name=name, defaults={"description": description}
        )
    # The demo resident is a party member who has not reported in yet, to try the form.
    resident = Person.objects.filter(user__username="resident").first()
    if resident is not None and not PartyMembership.objects.filter(person=resident).exists():
        PartyMembership.objects.create(
            person=resident, district_id=resident.district_id, origin=Origin.IN_SERVICE
        )
    if ReportIn.objects.filter(community=community).exists():
        return
    members = (
        PartyMembership.objects.filter(person__community=community)
        .exclude(person=resident)
        .select_related("person", "home_branch")
    )
    posts = list(ServicePost.objects.filter(community=community).order_by("pk"))
    for i, membership in enumerate(members.order_by("pk")[:3]):
        services.report_in_submit(
            person=membership.person,
            origin=membership.origin,
            home_branch=membership.home_branch,
            home_unit_name="" if membership.home_branch else "成都市某国有企业党委",
            posts=posts[i % len(posts) : i % len(posts) + 1],
            actor=None,
            today=today - dt.timedelta(days=90 + 30 * i),
        )


def _coverage(district: Region, today: dt.date) -> None:
    if SectorBranch.objects.filter(district=district).exists():
        return
    rng = random.Random(510107)
    park = None
    subs = list(Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code"))
    for i, sub in enumerate(subs):
        first = Region.objects.filter(parent=sub).order_by("code").first()
        if first is None:
            continue
        if i % 3 == 0:
            Organization.objects.get_or_create(
                district=district,
                region=first,
                name=f"{_short(sub.name)}文创园区",
                defaults={"kind": Kind.NEW_SECTOR, "sector": Sector.PARK},
            )
        orgs = list(
            Organization.objects.filter(sub.subtree_q("region"), kind=Kind.NEW_SECTOR).order_by("name")
        )
        for j, org in enumerate(orgs):
            if org.sector == Sector.PARK and park is None:
                park = org  # kept for the 边建边散 case below
                continue
            roll = (i + j) % 4
            founded = today - dt.timedelta(days=rng.randint(400, 1500))
            name = f"中共{org.name}支部委员会"
            if roll in (0, 1):  # covered
                services.sector_branch_found(
                    sector_org=org, name=name, founded_on=founded, member_count=rng.randint(3, 25), actor=None
                )
            elif roll == 2 and j == 0:  # founded long ago, dissolved after years: not 边建边散
                founded = today - dt.timedelta(days=rng.randint(900, 1500))
                branch = services.sector_branch_found(
                    sector_org=org, name=name, founded_on=founded, member_count=4, actor=None
                )
                services.sector_branch_end(
                    branch=branch,
                    state=BranchState.DISSOLVED,
                    ended_on=founded + dt.timedelta(days=700),
                    note="企业搬离，党员转出",
                    actor=None,
                )
            # otherwise never covered
    # The 边建边散 case: a park branch founded ten months ago, inactive five months later.
    if park is not None:
        founded = today - dt.timedelta(days=300)
        branch = services.sector_branch_found(
            sector_org=park,
            name=f"中共{park.name}联合支部委员会",
            founded_on=founded,
            member_count=5,
            actor=None,
        )
        services.sector_branch_end(
            branch=branch,
            state=BranchState.INACTIVE,
            ended_on=founded + dt.timedelta(days=150),
            note="入驻企业流动大，书记离职后未再开展组织生活",
            actor=None,
        )


def load_alliance_demo(district: Region, progress: bool = False) -> None:
    today = timezone.localdate()
    sub = Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code").first()
    if sub is None:
        return
    street = User.objects.filter(username="street").first()
    worker = User.objects.filter(username="worker").first()
    resident = User.objects.filter(username="resident").first()
    with transaction.atomic():
        if not Organization.objects.filter(region=sub, kind=Kind.PARTY).exists():
            Organization.objects.create(
                district=district,
                region=sub,
                kind=Kind.PARTY,
                party_level=PartyLevel.WORKING_COMMITTEE,
                name=f"中共{sub.name}工作委员会",
            )
        alliance = _alliance(sub, street, today)
        _meetings(alliance, street, today)
        _upcoming(alliance, street, today)
        _community(worker, today)
        _lists(alliance, street or worker, resident, today)
        _report_in(alliance, today)
        _coverage(district, today)
