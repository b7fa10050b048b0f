"""The generated district's Moral Bank before its year begins: the earning rules, the communities'
issuance and love-pool accounts, partners with their rewards and operators, every wallet (its balances
are written after the year, `year.py`), and a few residents in need per community."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from jiceng.bank.models import (
    Account,
    AccountKind,
    AlliancePartner,
    Category,
    EarningRule,
    PartnerState,
    PersonInNeed,
    Reward,
)
from jiceng.bank.queries.notices import notice_heading
from jiceng.bank.services.rewards import CODE_ALPHABET, CODE_LENGTH
from jiceng.core.models import Role, RoleGrant, User
from jiceng.orgs.models import Kind, Organization
from jiceng.scale.bulk import Bulk
from jiceng.scale.people import UNUSABLE, World

DAY = 86_400
# Shares of the transfers asked for: awards, vouchers, donations, love-pool disbursements.
MIX = (0.55, 0.30, 0.12, 0.03)
RULES = (
    ("gen-help-elder", Category.HELPING, "帮扶孤寡老人", 10),
    ("gen-volunteer", Category.VOLUNTEER, "社区志愿服务", 5),
    ("gen-patrol", Category.PATROL, "平安巡逻", 8),
    ("gen-sorting", Category.ENVIRONMENT, "垃圾分类值守", 3),
    ("gen-neighbour", Category.NEIGHBOUR, "邻里互助", 5),
    ("gen-filial", Category.FILIAL, "孝老爱亲", 20),
    ("gen-honesty", Category.HONESTY, "拾金不昧", 30),
    ("gen-bravery", Category.BRAVERY, "见义勇为", 100),
)
RULE_WEIGHTS = np.array([0.15, 0.35, 0.12, 0.18, 0.12, 0.05, 0.025, 0.005])
DEEDS = {
    Category.HELPING: "陪同独居老人就医并帮忙取药",
    Category.VOLUNTEER: "参加社区志愿服务，维持秩序",
    Category.PATROL: "晚间参加小区平安巡逻两小时",
    Category.ENVIRONMENT: "在垃圾分类点值守，指导邻居分类投放",
    Category.NEIGHBOUR: "帮助邻居搬运物品、照看孩子",
    Category.FILIAL: "长期照料卧床的父母",
    Category.HONESTY: "捡到钱包交还失主",
    Category.BRAVERY: "制止偷窃行为并协助报警",
}
REWARDS = (("洗衣液一瓶", 30), ("理发一次", 50), ("粮油一份", 80), ("体检一次", 200))


@dataclass
class Ids:
    issuance: np.ndarray  # community index → account id
    pool: np.ndarray
    wallet_first: int  # wallet w's account is wallet_first + w
    partner_accounts: list[int]
    rewards: list[tuple[int, int, int, int, int, str]]  # (reward, partner, account, price, operator, name)
    in_need: dict[int, list[tuple[int, int]]]  # community index → [(person in need id, wallet index)]


def _voucher_code(n: int) -> str:
    """A distinct 8-character code for each n < 31^8 (an odd multiplier is a bijection mod 31^8)."""
    space = len(CODE_ALPHABET) ** CODE_LENGTH
    v = (n * 2_654_435_761 + 97) % space
    out = []
    for _ in range(CODE_LENGTH):
        v, r = divmod(v, len(CODE_ALPHABET))
        out.append(CODE_ALPHABET[r])
    return "".join(out)


def setup(world: World, bulk: Bulk) -> Ids:
    """Rules, the communities' issuance and love-pool accounts, partners with their rewards and
    operators, the wallets (balances written last) and a few residents in need per community."""
    district, start = world.district, dt.date.fromtimestamp(world.start)
    rules = EarningRule.objects.bulk_create(
        EarningRule(district=district, code=code, category=cat, name=name, points=points, active_from=start)
        for code, cat, name, points in RULES
    )
    world.rules = [(r.pk, r.points, r.category, r.name, notice_heading(r)) for r in rules]
    issuance = Account.objects.bulk_create(
        Account(district=district, kind=AccountKind.ISSUANCE, community=c, name=f"{c.name}积分发行")
        for c in world.communities
    )
    pools = Account.objects.bulk_create(
        Account(district=district, kind=AccountKind.LOVE_POOL, community=c, name=f"{c.name}爱心池")
        for c in world.communities
    )
    units = list(
        Organization.objects.filter(district=district, kind=Kind.UNIT).select_related("region").order_by("pk")
    )
    operators = User.objects.bulk_create(
        User(username=f"gen-unit-{o.pk}", display_name=f"{o.name}操作员", password=UNUSABLE) for o in units
    )
    RoleGrant.objects.bulk_create(
        RoleGrant(user=u, role=Role.UNIT_OPERATOR, organization=o)
        for u, o in zip(operators, units, strict=True)
    )
    subs = {s.code[:9]: s for s in world.subdistricts}
    partners = AlliancePartner.objects.bulk_create(
        AlliancePartner(
            district=district,
            subdistrict=subs[o.region.code[:9]],
            organization=o,
            state=PartnerState.APPROVED,
            address=f"{o.region.name}{o.name}",
            contact_name="联系人",
            contact_phone="13900000000",
            applied_by_id=u.pk,
            decided_by_id=world.street_admins[subs[o.region.code[:9]].pk],
        )
        for o, u in zip(units, operators, strict=True)
    )
    accounts = Account.objects.bulk_create(
        Account(district=district, kind=AccountKind.PARTNER, organization=o, name=o.name) for o in units
    )
    until = dt.date.fromtimestamp(world.end) + dt.timedelta(days=365)
    rewards = []
    for p, acc, op in zip(partners, accounts, operators, strict=True):
        for name, price in REWARDS:
            r = Reward(
                district=district,
                partner=p,
                name=name,
                points_price=price,
                stock=500,
                per_person_limit=100,
                valid_from=start,
                valid_to=until,
                place=p.address,
            )
            rewards.append((r, p.pk, acc.pk, price, op.pk))
    Reward.objects.bulk_create([r for r, *_ in rewards])
    wallet_first = bulk.ids(Account, len(world.wallet_person))
    created = bulk.ts(world.start)
    bulk.write(
        Account,
        [
            "id",
            "district_id",
            "kind",
            "person_id",
            "name",
            "posted",
            "pending_in",
            "pending_out",
            "created_at",
        ],
        (
            (
                wallet_first + w,
                district.pk,
                AccountKind.WALLET,
                int(world.person_ids[p]),
                world.names[p],
                0,
                0,
                0,
            )
            + (created,)
            for w, p in enumerate(world.wallet_person)
        ),
    )
    # Three residents in need per community, among those with a wallet.
    by_community: dict[int, list[int]] = defaultdict(list)
    for w, p in enumerate(world.wallet_person):
        ci = int(world.person_community[p])
        if len(by_community[ci]) < 3:
            by_community[ci].append(w)
    needy = [
        (
            PersonInNeed(
                district=district,
                community=world.communities[ci],
                person_id=int(world.person_ids[world.wallet_person[w]]),
                reason="独居老人，行动不便",
                named_by_id=world.workers[ci][0],
            ),
            ci,
            w,
        )
        for ci, ws in sorted(by_community.items())
        for w in ws
    ]
    PersonInNeed.objects.bulk_create([n for n, _c, _w in needy])
    in_need: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for n, ci, w in needy:
        in_need[ci].append((n.pk, w))
    return Ids(
        issuance=np.array([a.pk for a in issuance]),
        pool=np.array([a.pk for a in pools]),
        wallet_first=wallet_first,
        partner_accounts=[a.pk for a in accounts],
        rewards=[(r.pk, pid, acc, price, op, r.name) for r, pid, acc, price, op in rewards],
        in_need=dict(in_need),
    )
