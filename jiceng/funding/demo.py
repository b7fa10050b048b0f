"""Demo funding: social organisations, purchased services whose progress comes from real
activities with check-ins, and four budget lines passed down district → subdistrict → community
with some spending. Registered at order 160, after activities (110) and the alliance (100).

The first two subdistricts buy services that have been delivered (green on the year-end target);
the third has a contract but no activity yet, and the rest have none (red), so the target page
shows both. Everything is made only when the district has no contract yet.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiceng.activities.models import Activity, ActivityStatus, CheckIn, CheckInMethod, OrganizerKind
from jiceng.alliance.models import ListCategory, Need, NeedSource, NeedStatus, Project, ProjectStatus
from jiceng.core.models import User
from jiceng.core.validators import USCC_CHARS, uscc_check_char
from jiceng.funding import services
from jiceng.funding.models import BudgetKind, PaidFor, PurchasedService
from jiceng.orgs.models import Incubation, Kind, Organization, RegistrationType
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region

SOCIAL_ORGS = [
    ("武侯区乐龄社会工作服务中心", RegistrationType.PRIVATE_NONPROFIT, Incubation.GRADUATED, "52"),
    ("武侯区青少年成长促进会", RegistrationType.SOCIAL_GROUP, Incubation.NONE, "51"),
    ("武侯区邻里互助公益基金会", RegistrationType.FOUNDATION, Incubation.NONE, "53"),
    ("浆洗街社区志愿者协会", RegistrationType.COMMUNITY_FILED, Incubation.INCUBATING, ""),
]
# Yuan per kind for the whole district: what the district keeps and what it passes down.
DISTRICT_LINES = {
    BudgetKind.PARTY_WORK: Decimal(1_200_000),
    BudgetKind.OPERATIONS: Decimal(2_400_000),
    BudgetKind.SERVICE: Decimal(3_600_000),
    BudgetKind.WORKER_PAY: Decimal(9_000_000),
}
PROGRAMMES = [
    ("长者智能手机课堂", "为老服务项目"),
    ("四点半课堂", "青少年成长项目"),
]


def _credit_code(rng: random.Random, prefix: str) -> str:
    first17 = prefix + "510107" + "".join(rng.choice(USCC_CHARS) for _ in range(9))
    return first17 + uscc_check_char(first17)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _social_orgs(district: Region, rng: random.Random) -> list[Organization]:
    first_sub = Region.objects.filter(parent=district).order_by("code").first()
    orgs = []
    for name, reg_type, incubation, prefix in SOCIAL_ORGS:
        region = first_sub if reg_type == RegistrationType.COMMUNITY_FILED else district
        org, _made = Organization.objects.get_or_create(
            district=district,
            name=name,
            defaults={
                "region": region,
                "kind": Kind.SOCIAL,
                "uscc": _credit_code(rng, prefix) if prefix else "",
                "registration_type": reg_type,
                "registered_on": dt.date(2018 + len(orgs), 3 + len(orgs), 15),
                "incubation": incubation,
            },
        )
        orgs.append(org)
    return orgs


def _hosted(org: Organization, community: Region, title: str, day: dt.date, publisher, people) -> Activity:
    """A past activity the organisation hosted in the community, with its on-site check-ins."""
    act = Activity.objects.create(
        district_id=org.district_id,
        community=community,
        organizer_kind=OrganizerKind.SOCIAL,
        organizer_org=org,
        title=title,
        place=f"{community.name}党群服务中心",
        starts_at=_at(day, 14),
        ends_at=_at(day, 16),
        status=ActivityStatus.CLOSED,
        published_by=publisher,
        closed_at=_at(day, 16),
    )
    for i, person in enumerate(people):
        start = act.starts_at + dt.timedelta(minutes=i % 15)
        CheckIn.objects.create(
            district_id=person.district_id,
            activity=act,
            person=person,
            checked_in_at=start,
            checked_out_at=act.ends_at,
            minutes=int((act.ends_at - start).total_seconds() // 60),
            method=CheckInMethod.QR,
            recorded_by=publisher,
        )
    return act


def _resolved_needs(org: Organization, community: Region, filer, today: dt.date, rng: random.Random) -> None:
    """Two needs of the community's list that a project led by the organisation resolved, rated by residents."""
    for title, category in (
        ("独居老人上门助浴", ListCategory.ELDERLY),
        ("放学后无人看护", ListCategory.CHILDREN),
    ):
        when = _at(max(today - dt.timedelta(days=15), dt.date(today.year, 1, 2)), 10)
        need = Need.objects.create(
            district_id=org.district_id,
            community=community,
            title=title,
            category=category,
            source=NeedSource.COMMUNITY,
            filed_by=filer,
            status=NeedStatus.RESOLVED,
            resolved_at=when,
            rating=rng.choice([4, 5]),
            rated_at=when,
        )
        # Raised before its project began (a row written here is stamped now, after its resolution).
        Need.objects.filter(pk=need.pk).update(created_at=when - dt.timedelta(days=32))
        Project.objects.create(
            district_id=org.district_id,
            need=need,
            title=f"{title}服务",
            owner=org,
            starts_on=when.date() - dt.timedelta(days=30),
            ends_on=when.date(),
            status=ProjectStatus.CLOSED,
            closed_at=when,
            created_by=filer,
        )


def _budgets(district: Region, subs: list[Region], admin, year: int, rng: random.Random) -> dict:
    """District lines, a share passed to every subdistrict and on to every community, some spent."""
    lines = {}
    for kind, amount in DISTRICT_LINES.items():
        top = services.budget_set(actor=admin, region=district, year=year, kind=kind, amount=amount)
        share = (amount * Decimal("0.8") / len(subs)).quantize(Decimal(1000))
        for sub in subs:
            sub_line = services.allocation_make(
                actor=admin, source=top, target_region=sub, amount=share, note="年度经费下拨"
            ).target
            lines[(sub.pk, kind)] = sub_line
            communities = list(Region.objects.filter(parent=sub, level=Level.COMMUNITY).order_by("code"))
            per = (share * Decimal("0.6") / max(len(communities), 1)).quantize(Decimal(100))
            for com in communities:
                com_line = services.allocation_make(
                    actor=admin, source=sub_line, target_region=com, amount=per, note="年度经费下拨"
                ).target
                spent = (per * Decimal(rng.randint(25, 85)) / 100).quantize(Decimal(1))
                services.expense_post(
                    budget=com_line,
                    amount=spent,
                    paid_for_kind=PaidFor.OTHER,
                    description=f"{kind.label}日常支出",
                    spent_on=dt.date(year, rng.randint(1, 10), rng.randint(1, 28)),
                    key=f"demo-{com.code}-{kind}",
                    actor=admin,
                )
        services.expense_post(
            budget=top,
            amount=(amount * Decimal("0.05")).quantize(Decimal(1)),
            paid_for_kind=PaidFor.OTHER,
            description=f"区级{kind.label}统筹支出",
            spent_on=dt.date(year, 6, 30),
            key=f"demo-{district.code}-{kind}",
            actor=admin,
        )
    return lines


def load_funding_demo(district: Region, progress: bool = False) -> None:
    if PurchasedService.objects.filter(district=district).exists():
        return
    admin = User.objects.filter(username="district").first()
    publisher = User.objects.filter(username="worker").first() or admin
    if admin is None:
        return
    rng = random.Random(160)
    today = timezone.localdate()
    year = today.year
    subs = list(Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code"))
    if len(subs) < 3:
        return
    with transaction.atomic():
        orgs = _social_orgs(district, rng)
        lines = _budgets(district, subs, admin, year, rng)
        for n, sub in enumerate(subs[:3]):
            org = orgs[n % 2]
            title, programme = PROGRAMMES[n % 2]
            contract = services.contract_create(
                actor=admin,
                buyer=sub,
                provider=org,
                budget=lines[(sub.pk, BudgetKind.SERVICE)],
                title=f"{sub.name}{programme}",
                amount=Decimal(120_000 - n * 20_000),
                starts_on=dt.date(year, 1, 1),
                ends_on=dt.date(year, 12, 31),
                method=["consultation", "inquiry", "single_source"][n],
                target_people=120,
                target_sessions=12,
                target_needs=4,
            )
            first = services.milestone_add(
                actor=admin,
                contract=contract,
                title="首期款（40%）",
                amount=contract.amount * Decimal("0.4"),
                due_on=dt.date(year, 3, 1),
            )
            services.milestone_add(
                actor=admin,
                contract=contract,
                title="中期款（30%）",
                amount=contract.amount * Decimal("0.3"),
                due_on=dt.date(year, 7, 1),
            )
            services.milestone_add(
                actor=admin,
                contract=contract,
                title="尾款（验收后 30%）",
                amount=contract.amount * Decimal("0.3"),
                due_on=dt.date(year, 12, 20),
            )
            services.milestone_pay(actor=admin, milestone=first)
            if n == 2:
                continue  # signed, paid its first instalment, and nothing delivered yet: red
            communities = list(Region.objects.filter(parent=sub, level=Level.COMMUNITY).order_by("code")[:3])
            _resolved_needs(org, communities[0], publisher, today, rng)
            for k, community in enumerate(communities):
                people = list(Person.objects.filter(community=community, is_active=True).order_by("pk"))
                for session in range(3 - k):
                    day = max(today - dt.timedelta(days=20 + 25 * session + 3 * k), dt.date(year, 1, 2))
                    if day >= today:
                        continue
                    picked = rng.sample(people, min(len(people), rng.randint(8, 16)))
                    act = _hosted(org, community, f"{title}（第 {session + 1} 期）", day, publisher, picked)
                    services.expense_post(
                        budget=lines[(sub.pk, BudgetKind.SERVICE)],
                        amount=Decimal(rng.randint(3, 9) * 100),
                        paid_for_kind=PaidFor.ACTIVITY,
                        activity=act,
                        description=f"{act.title}物料",
                        spent_on=day,
                        key=f"demo-activity-{act.pk}",
                        actor=admin,
                    )
