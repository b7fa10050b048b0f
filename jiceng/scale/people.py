"""The generated district's ground: its regions, organisations, households, residents and logins."""

import datetime as dt
import sys
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from jiceng.core import crypto
from jiceng.core.models import Role, RoleGrant, User
from jiceng.core.validators import id_check_char
from jiceng.orgs.demo import load_orgs_demo
from jiceng.orgs.models import Kind, Organization
from jiceng.people.models import Gender, Household, Origin, PartyMembership, Person
from jiceng.regions.models import Level, Region
from jiceng.scale.bulk import Bulk

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉建国志红梅琳晨雪婷宇浩然子轩欣怡梓涵雨萱佳俊博思远嘉诚德福海燕春秋冬云飞鹏翔亮瑞祥安宁和顺兴旺"
STREETS = (
    "人民南路",
    "科华北路",
    "玉林北路",
    "棕北大道",
    "簇桥路",
    "双楠路",
    "龙井路",
    "晋阳路",
    "长寿路",
    "永丰路",
)
PHONE_PREFIXES = ("139", "138", "137", "136", "135", "158", "159", "186", "187", "189", "177", "199")
UNUSABLE = "!generated"  # no password: an administrator or the resident sets one (Django's unusable form)


@dataclass
class World:
    """What later stages need to know of the ground, as arrays indexed by person, wallet or community."""

    district: Region
    communities: list[Region]
    subdistricts: list[Region]
    rng: np.random.Generator
    start: float  # epoch seconds: the first day of generated history
    end: float  # epoch seconds: now
    person_ids: np.ndarray = field(default=None)  # person index → id
    person_community: np.ndarray = field(default=None)  # person index → community index
    names: list[str] = field(default_factory=list)
    wallet_person: np.ndarray = field(default=None)  # wallet index → person index
    user_first: int = 0  # the login of wallet w is user_first + w
    workers: list[list[int]] = field(default_factory=list)  # community index → the workers' user ids
    party_orgs: list[int] = field(default_factory=list)  # community index → its party organisation
    admin_id: int = 0
    street_admins: dict[int, int] = field(default_factory=dict)  # subdistrict id → its administrator
    rules: list[tuple] = field(default_factory=list)  # (id, points, category, name, notice heading)

    @property
    def community_ids(self) -> np.ndarray:
        return np.array([c.pk for c in self.communities], dtype=np.int64)


def _bar(total: int, desc: str, unit: str, progress: bool):
    return tqdm(total=total, desc=desc, unit=unit, disable=not progress, file=sys.stderr, mininterval=1)


def _name(rng: np.random.Generator, n: int) -> list[str]:
    sur = rng.integers(0, len(SURNAMES), n)
    g1 = rng.integers(0, len(GIVEN), n)
    g2 = rng.integers(0, len(GIVEN), n)
    two = rng.random(n) < 0.7
    return [
        SURNAMES[s] + GIVEN[a] + (GIVEN[b] if t else "") for s, a, b, t in zip(sur, g1, g2, two, strict=True)
    ]


def organisations(world: World) -> None:
    """The party committees of every level and a few units per subdistrict (the demo's own loader)."""
    load_orgs_demo(world.district)
    by_region = dict(
        Organization.objects.filter(district=world.district, kind=Kind.PARTY, region__level=Level.COMMUNITY)
        .values_list("region_id", "id")
        .order_by()
    )
    world.party_orgs = [by_region[c.pk] for c in world.communities]


def staff(world: World) -> None:
    """A district administrator, one per subdistrict and two community workers per community."""
    now = dt.datetime.fromtimestamp(world.end, dt.UTC)
    code = world.district.code[:6]
    users = [
        User(username=f"gen{code}-district", display_name=f"{world.district.name}组织部", date_joined=now)
    ]
    users += [
        User(username=f"gen{s.code[:9]}-street", display_name=f"{s.name}管理员") for s in world.subdistricts
    ]
    users += [
        User(username=f"gen{c.code}-worker{k}", display_name=f"{c.name}社工{k}")
        for c in world.communities
        for k in (1, 2)
    ]
    for u in users:
        u.password = UNUSABLE
    users = User.objects.bulk_create(users)
    world.admin_id = users[0].pk
    grants = [RoleGrant(user=users[0], role=Role.DISTRICT_ADMIN, region=world.district)]
    for s, u in zip(world.subdistricts, users[1 : 1 + len(world.subdistricts)], strict=True):
        grants.append(RoleGrant(user=u, role=Role.SUBDISTRICT_ADMIN, region=s))
        world.street_admins[s.pk] = u.pk
    workers = users[1 + len(world.subdistricts) :]
    for i, c in enumerate(world.communities):
        pair = workers[2 * i : 2 * i + 2]
        world.workers.append([u.pk for u in pair])
        grants += [RoleGrant(user=u, role=Role.COMMUNITY_WORKER, region=c) for u in pair]
    RoleGrant.objects.bulk_create(grants)


def _id_number(area: str, birth: dt.date, male: bool, seq: int, used: set[str]) -> str:
    while True:
        # The 17th digit is odd for men and even for women, as in real numbers.
        first17 = f"{area}{birth:%Y%m%d}{seq // 50 % 10}{seq % 50 * 2 + (1 if male else 0):02d}"
        if first17 not in used:
            used.add(first17)
            return first17 + id_check_char(first17)
        seq += 1


def residents(
    world: World, n: int, *, wallet_share: float, id_share: float, bulk: Bulk, progress: bool
) -> None:
    """`n` residents in households over every community (community sizes vary), party members among
    them, and a login for each resident who takes part in the Moral Bank (`wallet_share` of adults)."""
    rng, district = world.rng, world.district
    weights = rng.gamma(4.0, 1.0, len(world.communities))
    # every community has residents; the rest are spread by the community's size
    per = 1 + np.floor(weights / weights.sum() * (n - len(weights))).astype(np.int64)
    per[: n - per.sum()] += 1
    community = np.repeat(np.arange(len(world.communities)), per)
    today = dt.date.fromtimestamp(world.end)
    ages = np.clip(rng.gamma(6.0, 7.5, n), 0, 98).astype(np.int64)
    male = rng.random(n) < 0.5
    births = rng.integers(0, 365, n)
    names = _name(rng, n)
    first_person = bulk.ids(Person, n)
    hh_sizes = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.2, 0.3, 0.25, 0.17, 0.08])
    area = district.code[:6]
    created = bulk.ts(world.start)
    used: set[str] = set()
    households, household_of = [], np.empty(n, dtype=np.int64)
    first_household = bulk.ids(Household, n)  # at most one per person; the counter is set back below
    i = 0
    for ci, count in enumerate(per):
        lo, hi, h = i, i + int(count), 0
        while i < hi:
            size = int(hh_sizes[i])
            hid = first_household + len(households)
            b, u, r = h // 72 + 1, h // 18 % 4 + 1, h % 18 + 1
            households.append(
                (
                    hid,
                    district.pk,
                    world.communities[ci].pk,
                    f"{b}-{u}-{r:02d}01",
                    f"{STREETS[(ci + b) % len(STREETS)]}{ci % 300 + 1}号{b}栋{u}单元{r}01",
                )
            )
            household_of[i : min(i + size, hi)] = hid
            i, h = min(i + size, hi), h + 1
        assert i == hi and lo <= hi
    bulk.next[Household] = first_household + len(households)
    bulk.write(Household, ["id", "district_id", "community_id", "number", "address"], households)

    phone_key = np.arange(n, dtype=np.int64) * 7_919 + int(rng.integers(0, 10**8))

    def people():
        bar = _bar(n, "居民", "人", progress)
        for k in range(n):
            year = today.year - int(ages[k])
            phone = f"{PHONE_PREFIXES[k % len(PHONE_PREFIXES)]}{int(phone_key[k]) % 10**8:08d}"
            enc = digest = masked = None
            if ages[k] >= 16 and (id_share >= 1 or (k * 0.618034) % 1 < id_share):
                birth = dt.date(year, 1, 1) + dt.timedelta(days=int(births[k]) % (365 if year % 4 else 366))
                number = _id_number(area, birth, bool(male[k]), k % 500, used)
                enc, digest, masked = (
                    crypto.encrypt(number),
                    crypto.lookup_hash(number),
                    crypto.mask_id_number(number),
                )
            if k % 10_000 == 0:
                bar.update(min(10_000, n - k))
            yield (
                first_person + k,
                district.pk,
                world.communities[community[k]].pk,
                int(household_of[k]),
                names[k],
                Gender.MALE if male[k] else Gender.FEMALE,
                year,
                phone,
                enc,
                digest or "",
                masked or "",
                True,
                created,
            )
        bar.close()

    columns = ["id", "district_id", "community_id", "household_id", "name", "gender", "birth_year", "phone"]
    columns += ["id_number_encrypted", "id_number_hash", "id_number_masked", "is_active", "created_at"]
    bulk.write(Person, columns, people())
    world.person_ids = np.arange(first_person, first_person + n, dtype=np.int64)
    world.person_community = community
    world.names = names

    adults = np.flatnonzero(ages >= 18)
    members = adults[rng.random(len(adults)) < 0.08]
    origins = list(Origin.values)
    joined = [
        dt.date(
            min(today.year - int(ages[p]) + 18 + int(rng.integers(0, 30)), today.year - 1), 7, 1
        ).isoformat()
        for p in members
    ]
    bulk.write(
        PartyMembership,
        ["person_id", "district_id", "origin", "home_branch_id", "joined_on"],
        (
            (
                first_person + int(p),
                district.pk,
                origins[int(p) % len(origins)],
                world.party_orgs[community[p]],
                j,
            )
            for p, j in zip(members, joined, strict=True)
        ),
    )
    wallets = adults[rng.random(len(adults)) < wallet_share]
    world.wallet_person = wallets
    _logins(
        world,
        wallets,
        [f"{PHONE_PREFIXES[k % len(PHONE_PREFIXES)]}{int(phone_key[k]) % 10**8:08d}" for k in wallets],
        bulk,
        progress,
    )


def _logins(world: World, wallets: np.ndarray, phones: list[str], bulk: Bulk, progress: bool) -> None:
    """A login (no password yet) and the resident role in their community for each Moral Bank resident."""
    first = bulk.ids(User, len(wallets))
    world.user_first = first
    joined = bulk.ts(world.start)
    code = world.district.code[:6]
    bulk.write(
        User,
        ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff"]
        + ["is_active", "date_joined", "phone", "person_id", "display_name"],
        (
            (first + w, UNUSABLE, False, f"gen{code}-r{world.person_ids[p]}", "", "", "", False, True, joined)
            + (phones[w], int(world.person_ids[p]), world.names[p])
            for w, p in enumerate(
                tqdm(
                    wallets, desc="登录账号", unit="人", disable=not progress, file=sys.stderr, mininterval=1
                )
            )
        ),
    )
    bulk.write(
        RoleGrant,
        ["user_id", "role", "region_id", "created_at"],
        (
            (first + w, Role.RESIDENT, int(world.communities[world.person_community[p]].pk), joined)
            for w, p in enumerate(wallets)
        ),
    )
