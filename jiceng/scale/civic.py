"""The generated district's civic year: activities with check-ins, alliances with their meetings and
actions, and the needs residents raised. These tables are small beside the ledger (10,000 activities
at a million residents), so they are made with the ORM's bulk inserts, check-ins and needs in bulk."""

import datetime as dt

import numpy as np

from jiceng.activities.models import Activity, ActivityStatus, CheckIn, OrganizerKind
from jiceng.alliance.models import (
    Action,
    ActionStatus,
    Alliance,
    AllianceLevel,
    AllianceMember,
    Attendance,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MemberKind,
    Need,
    NeedSource,
    NeedStatus,
    RatingSource,
    Resolution,
    Track,
)
from jiceng.alliance.models.lists import ListCategory
from jiceng.orgs.models import Kind, Organization
from jiceng.scale.bulk import Bulk
from jiceng.scale.people import World

DAY = 86_400
ACTIVITY_TITLES = (
    "邻里节志愿服务",
    "垃圾分类宣传",
    "老年人防诈骗讲座",
    "社区义诊",
    "四点半课堂",
    "楼道清洁日",
)


def _at(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def activities(world: World, bulk: Bulk, per_community_resident: float = 0.01) -> int:
    """Activities held by each community through the year (one per 100 residents), each with the
    check-ins of 8 to 30 of its residents who take part in the Moral Bank."""
    rng = world.rng
    wallets_of: dict[int, np.ndarray] = {}
    order = np.argsort(world.person_community[world.wallet_person], kind="stable")
    communities_of_wallets = world.person_community[world.wallet_person][order]
    for ci in range(len(world.communities)):
        lo, hi = np.searchsorted(communities_of_wallets, [ci, ci + 1])
        wallets_of[ci] = world.wallet_person[order[lo:hi]]
    counts = np.bincount(world.person_community, minlength=len(world.communities))
    made = []
    span = world.end - world.start
    for ci, com in enumerate(world.communities):
        n = max(1, int(counts[ci] * per_community_resident))
        for k in range(n):
            starts = world.start + span * (k + rng.random()) / n
            past = starts + 3 * 3600 < world.end - 3600
            made.append(
                Activity(
                    district=world.district,
                    community=com,
                    organizer_kind=OrganizerKind.COMMUNITY,
                    organizer_org_id=world.party_orgs[ci],
                    title=ACTIVITY_TITLES[k % len(ACTIVITY_TITLES)],
                    place=f"{com.name}党群服务中心",
                    starts_at=_at(starts),
                    ends_at=_at(starts + 2 * 3600),
                    status=ActivityStatus.CLOSED if past else ActivityStatus.PUBLISHED,
                    published_by_id=world.workers[ci][0],
                    closed_at=_at(starts + 2 * 3600) if past else None,
                )
            )
    made = Activity.objects.bulk_create(made, batch_size=5000)
    rows = []
    for a in made:
        if a.status != ActivityStatus.CLOSED:
            continue
        ci = _community_index(world, a.community_id)
        pool = wallets_of[ci]
        if not len(pool):
            continue
        who = rng.choice(pool, size=min(len(pool), int(rng.integers(8, 31))), replace=False)
        start = a.starts_at.timestamp()
        for p in who:
            minutes = int(rng.integers(60, 121))
            rows.append(
                (world.district.pk, a.pk, int(world.person_ids[p]), bulk.ts(start + rng.uniform(-600, 600)))
                + (bulk.ts(start + minutes * 60), minutes, "qr", world.workers[ci][0])
            )
    bulk.write(
        CheckIn,
        [
            "district_id",
            "activity_id",
            "person_id",
            "checked_in_at",
            "checked_out_at",
            "minutes",
            "method",
            "recorded_by_id",
        ],
        rows,
    )
    return len(made)


def _community_index(world: World, community_id: int) -> int:
    index = getattr(world, "_community_index", None)
    if index is None:
        index = world._community_index = {c.pk: i for i, c in enumerate(world.communities)}
    return index[community_id]


def alliances(world: World) -> int:
    """One alliance per subdistrict and one for the district, with every party organisation and unit
    of the subdistrict as members; six bimonthly symposia with minutes and four joint meetings a year
    (those already past held, with attendance), two resolutions per joint meeting, each an action."""
    rng, district = world.rng, world.district
    orgs = list(Organization.objects.filter(district=district, is_active=True).select_related("region"))
    start = dt.date.fromtimestamp(world.start)
    meetings = 0
    for region, level in [(s, AllianceLevel.SUBDISTRICT) for s in world.subdistricts] + [
        (district, AllianceLevel.DISTRICT)
    ]:
        alliance = Alliance.objects.create(
            district=district, region=region, level=level, name=f"{region.name}区域党建联盟"
        )
        inside = [o for o in orgs if o.region.code.startswith(region.prefix) and o.region_id != region.pk]
        if level == AllianceLevel.DISTRICT:
            inside = [o for o in orgs if o.kind == Kind.UNIT]
        kinds = {
            Kind.PARTY: MemberKind.COMMUNITY,
            Kind.UNIT: MemberKind.UNIT,
            Kind.NEW_SECTOR: MemberKind.NEW_SECTOR,
        }
        members = AllianceMember.objects.bulk_create(
            AllianceMember(
                alliance=alliance, organization=o, kind=kinds.get(o.kind, MemberKind.OTHER), joined_on=start
            )
            for o in inside
        )
        units = [m for m in members if m.kind == MemberKind.UNIT] or members
        plan = [(MeetingKind.SYMPOSIUM, 60 * k + 20) for k in range(6)] + [
            (MeetingKind.JOINT, 90 * k + 45) for k in range(4)
        ]
        for kind, day in plan:
            at = world.start + day * DAY + 6 * 3600
            held = at < world.end - DAY
            meeting = Meeting.objects.create(
                alliance=alliance,
                kind=kind,
                title=f"{alliance.name}{'双月座谈会' if kind == MeetingKind.SYMPOSIUM else '联席会'}",
                scheduled_at=_at(at),
                place=f"{region.name}党群服务中心",
                status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
                minutes="会议通报了近期工作，议定了下一阶段的共建项目。" if held else "",
                created_by_id=world.admin_id,
            )
            meetings += 1
            roll = rng.random(len(members))
            Invitation.objects.bulk_create(
                Invitation(
                    meeting=meeting,
                    member=m,
                    attendance=(
                        Attendance.INVITED
                        if not held
                        else Attendance.PRESENT
                        if r < 0.85
                        else Attendance.EXCUSED
                        if r < 0.95
                        else Attendance.ABSENT
                    ),
                )
                for m, r in zip(members, roll, strict=True)
            )
            if not held or kind != MeetingKind.JOINT or not units:
                continue
            for number in (1, 2):
                resolution = Resolution.objects.create(
                    meeting=meeting, number=number, text="共建项目：为老年居民提供上门服务"
                )
                done = rng.random() < 0.7
                Action.objects.create(
                    alliance=alliance,
                    resolution=resolution,
                    track=Track.JOINT_ACTIVITY if number == 1 else Track.JOINT_SAFETY,
                    title="为老年居民提供上门服务" if number == 1 else "联合开展夜间巡逻",
                    owner_id=units[int(rng.integers(len(units)))].organization_id,
                    due_on=dt.date.fromtimestamp(at + 60 * DAY),
                    status=ActionStatus.DONE if done else ActionStatus.OPEN,
                    result="已按期完成" if done else "",
                    rating=int(rng.integers(3, 6)) if done else None,
                    rating_source=RatingSource.COMMUNITY if done else "",
                    closed_at=_at(min(at + 30 * DAY, world.end - 60)) if done else None,
                    created_by_id=world.admin_id,
                )
    return meetings


def needs(world: World, bulk: Bulk, per_resident: float = 0.005) -> int:
    """Needs raised by residents and communities (one per 200 residents), most resolved and rated."""
    rng, categories = world.rng, list(ListCategory.values)
    n = max(len(world.communities), int(len(world.person_ids) * per_resident))
    people = rng.integers(0, len(world.person_ids), n)
    rows = []
    for k, p in enumerate(people):
        ci = int(world.person_community[p])
        created = world.start + (world.end - world.start - DAY) * rng.random()
        resolved = created + rng.uniform(2, 40) * DAY
        done = resolved < world.end and rng.random() < 0.75
        rows.append(
            (
                world.district.pk,
                int(world.communities[ci].pk),
                "希望增加老年助餐点",
                "",
                categories[k % len(categories)],
            )
            + ("normal", NeedSource.RESIDENT, int(world.person_ids[p]))
            + (NeedStatus.RESOLVED if done else NeedStatus.OPEN, world.workers[ci][0], bulk.ts(created))
            + (bulk.ts(resolved) if done else None, int(rng.integers(3, 6)) if done else None)
            + (bulk.ts(resolved) if done else None,)
        )
    columns = ["district_id", "community_id", "title", "description", "category", "urgency", "source"]
    columns += ["requester_id", "status", "filed_by_id", "created_at", "resolved_at", "rating", "rated_at"]
    return bulk.write(Need, columns, rows)
