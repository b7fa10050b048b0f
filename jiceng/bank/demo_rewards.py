"""Demo data for the Moral Alliance and passing points on: partners, rewards, vouchers, donations.

Idempotent: partners and rewards are looked up before they are made, and every
ledger movement uses a fixed request id, so a second run replays instead of repeating.
"""

import datetime as dt
import random

from django.utils import timezone

from jiceng.bank import ledger
from jiceng.bank.errors import RewardError
from jiceng.bank.models import AlliancePartner, PartnerState, PersonInNeed, RedemptionState, Reward
from jiceng.bank.services import giving, rewards
from jiceng.core.models import User
from jiceng.orgs.models import Kind, Organization, Sector
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region

MARKET_REWARDS = [
    ("鸡蛋一盒（10 枚）", "新鲜土鸡蛋", 20, 40),
    ("大米 5 斤", "当季新米", 50, 20),
    ("洗衣液一瓶", "2 公斤装", 30, 30),
]
UNIT_REWARDS = [
    ("免费体检一次", "血压、血糖、心电图，需提前一天电话预约", 80, 10),
    ("健康讲座座位", "每月第一个周六上午", 5, 100),
]


def _partner(org, sub, address, user, decider, now):
    partner, made = AlliancePartner.objects.get_or_create(
        organization=org,
        defaults={
            "district_id": org.district_id,
            "subdistrict": sub,
            "address": address,
            "contact_name": "张经理",
            "contact_phone": "028-8550" + str(1000 + org.pk)[-4:],
            "lon": (sub.lon or 104.04) + 0.003,
            "lat": (sub.lat or 30.64) - 0.002,
            "applied_by": user,
            "state": PartnerState.APPROVED,
            "decided_by": decider,
            "decision_reason": "材料齐全，同意加入",
            "decided_at": now,
        },
    )
    if made:
        ledger.partner_account(org)
    return partner


def _rewards(partner, items, today):
    out = []
    for name, desc, price, stock in items:
        reward, _made = Reward.objects.get_or_create(
            partner=partner,
            name=name,
            defaults={
                "district_id": partner.district_id,
                "description": desc,
                "points_price": price,
                "stock": stock,
                "per_person_limit": 2,
                "valid_from": today - dt.timedelta(days=30),
                "valid_to": today + dt.timedelta(days=180),
                "place": partner.address,
            },
        )
        out.append(reward)
    return out


def _seed(person, community, points, tag="seed"):
    wallet = ledger.wallet_open(person)
    ledger.award(
        wallet=wallet,
        community=community,
        key=f"demo-alliance-{tag}-{person.pk}",
        amount=points,
        reason="示范数据：志愿服务积分",
        pending=False,
    )


def _redeem(person, reward, rid, collect=False, by=None):
    try:
        r = rewards.redemption_create(person=person, reward=reward, request_id=f"demo-{rid}")
    except RewardError:
        return None
    if collect and r.state == RedemptionState.PENDING:
        rewards.redemption_collect(user=by, partner=r.partner, code=r.code)
    return r


def load_rewards_demo(district: Region, progress: bool = True) -> None:
    now = timezone.now()
    today = timezone.localdate()
    users = User.objects.in_bulk(
        ["district", "street", "unit", "worker", "resident", "resident2"], field_name="username"
    )
    if len(users) < 6:
        return  # the demo users come first; nothing to hang this on yet
    subs = list(Region.objects.filter(district.subtree_q(), level=Level.SUBDISTRICT).order_by("code"))
    partners: dict[str, list[Reward]] = {}
    for sub in subs:
        market = (
            Organization.objects.filter(
                district=district, kind=Kind.NEW_SECTOR, sector=Sector.MARKET, region__parent=sub
            )
            .order_by("pk")
            .first()
        )
        if market is None:
            continue
        p = _partner(
            market,
            sub,
            f"{sub.name}{market.name.removeprefix(sub.name.removesuffix('街道'))}一楼服务台",
            users["district"],
            users["street"] if sub == subs[0] else users["district"],
            now,
        )
        partners[sub.code] = _rewards(p, MARKET_REWARDS, today)
    unit_org = Organization.objects.filter(pk__in=users["unit"].grants.values("organization_id")).first()
    unit_rewards = []
    if unit_org is not None and unit_org.region.level == Level.COMMUNITY:
        p = _partner(
            unit_org,
            unit_org.region.parent,
            f"{unit_org.name}门诊楼一楼",
            users["unit"],
            users["street"],
            now,
        )
        unit_rewards = _rewards(p, UNIT_REWARDS, today)

    if unit_org is not None:
        # One application waiting, so the subdistrict has something to approve.
        school = (
            Organization.objects.filter(district=district, kind=Kind.UNIT, region=unit_org.region)
            .exclude(pk=unit_org.pk)
            .order_by("pk")
            .first()
        )
        if school is not None and not AlliancePartner.objects.filter(organization=school).exists():
            AlliancePartner.objects.create(
                district=district,
                subdistrict=unit_org.region.parent,
                organization=school,
                address=f"{school.name}东门传达室",
                contact_name="王老师",
                contact_phone="028-85502222",
                applied_by=users["district"],
            )

    resident, resident2 = users["resident"].person, users["resident2"].person
    _seed(resident, resident.community, 300)
    _seed(resident2, resident2.community, 300)
    home = partners.get(subs[0].code, [])
    if unit_rewards:
        # Earned in another subdistrict, spent here: a cross-subdistrict flow for the report.
        _redeem(resident2, unit_rewards[0], "r2-checkup", collect=True, by=users["unit"])
    if home:
        _redeem(resident, home[0], "r1-eggs")  # left pending, so the demo resident has a voucher to show

    # Residents across the district earn and spend, so the settlement report has flows to show.
    rng = random.Random(2026)
    communities = list(Region.objects.filter(district.subtree_q(), level=Level.COMMUNITY).order_by("code"))
    for com in communities[::6]:
        for person in Person.objects.filter(community=com, user__isnull=True).order_by("pk")[:3]:
            _seed(person, com, rng.choice([60, 90, 120, 150]))
            where = rng.choice(list(partners)) if partners else None
            if where and rng.random() < 0.8:
                _redeem(person, rng.choice(partners[where]), f"p{person.pk}", collect=True)

    # Passing points on: a donation to the love pool, a named resident in need, one disbursement.
    giving.donation_create(person=resident, points=20, request_id="demo-r1-pool", message="一点心意")
    needy = Person.objects.filter(community=resident.community, user__isnull=True).order_by("-pk").first()
    worker = users["worker"]
    if needy is not None:
        need = PersonInNeed.objects.filter(person=needy, is_active=True).first()
        if need is None:
            need = giving.person_in_need_name(
                user=worker, community=resident.community, person=needy, reason="独居老人，行动不便"
            )
        giving.donation_create(person=resident, points=10, recipient=need, request_id="demo-r1-need")
        giving.disbursement_create(
            user=worker,
            community=resident.community,
            person=needy,
            points=10,
            reason="重阳节慰问",
            request_id="demo-disburse-1",
        )
    if progress:
        print(f"道德联盟：{AlliancePartner.objects.filter(district=district).count()} 家联盟单位")
