"""Demo residents, households and party members, and one demo login per role."""

import datetime as dt
import functools
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from jiceng.core.models import Role, RoleGrant, User
from jiceng.core.validators import id_check_char
from jiceng.demo import DEMO_PASSWORD
from jiceng.orgs.models import Kind, Organization
from jiceng.people.models import Gender, Household, Origin, PartyMembership, Person
from jiceng.regions.models import Level, Region

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


def load_people_demo(district: Region, progress: bool = False) -> None:
    """Synthetic residents for every community that has none yet."""
    communities = list(Region.objects.filter(district.subtree_q(), level=Level.COMMUNITY).order_by("code"))
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
        with transaction.atomic():
            _community_people(district, com, fake, rng, branches, used)


def _community_people(district, com, fake, rng, branches, used) -> None:
    households = Household.objects.bulk_create(
        [
            Household(
                district=district,
                community=com,
                number=f"{b}-{u}-{r}01",
                address=f"{fake.street_name()}{rng.randint(1, 300)}号{b}栋{u}单元{r}01",
            )
            for b, u, r in {(rng.randint(1, 20), rng.randint(1, 4), rng.randint(1, 18)) for _ in range(10)}
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
                # A day of its own: a joining date derived from the birth date would give it away.
                joined_on=dt.date(p.birth_year + 25, rng.randint(1, 12), rng.randint(1, 28)),
            )
            for p in people
            if rng.random() < 0.14
        ]
    )


DEMO_USERS = [
    # username, phone, display name, role, where
    ("district", None, "区委组织部管理员", Role.DISTRICT_ADMIN, "district"),
    # a second district administrator: manual indicators count only once someone else approves them
    ("district2", None, "区委组织部复核员", Role.DISTRICT_ADMIN, "district"),
    ("street", None, "浆洗街街道管理员", Role.SUBDISTRICT_ADMIN, "subdistrict"),
    ("worker", "13900000002", None, Role.COMMUNITY_WORKER, "community"),
    ("worker2", "13900000004", None, Role.COMMUNITY_WORKER, "community"),
    ("unit", None, "驻区单位操作员", Role.UNIT_OPERATOR, "unit"),
    ("resident", "13900000001", None, Role.RESIDENT, "community"),
    ("resident2", "13900000003", None, Role.RESIDENT, "other_community"),
]


def load_users_demo(district: Region, progress: bool = False) -> list[tuple[str, str, str]]:
    """One login per role (made only when missing); returns (role, login, password) for each."""
    with transaction.atomic():
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
            if not User.objects.filter(username=username).exists():
                _user_create(
                    username, phone, display, role, where[place] if place != "unit" else unit, residents
                )
            label = Role(role).label
            out.append((str(label), username if not phone else f"{username} / {phone}", DEMO_PASSWORD))
    return out


@functools.cache
def _password_hash(hashers: tuple) -> str:
    return make_password(DEMO_PASSWORD)


def _demo_password_hash() -> str:
    # The demo logins share one published password; argon2 runs once, not once per login.
    return _password_hash(tuple(settings.PASSWORD_HASHERS))


def _user_create(username, phone, display, role, where, residents) -> None:
    person = None
    if role in (Role.RESIDENT, Role.COMMUNITY_WORKER):
        person = next(p for p in residents if p.community_id == where.id)
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
    user.password = _demo_password_hash()
    user.save()
    if role == Role.UNIT_OPERATOR:
        RoleGrant.objects.create(user=user, role=role, organization=where)
    else:
        RoleGrant.objects.create(user=user, role=role, region=where)
    if role == Role.COMMUNITY_WORKER:
        RoleGrant.objects.create(user=user, role=Role.RESIDENT, region=where)
