"""The database the load run serves, prepared through the product's own services.

`prepare(...)` is the one place the load run's data is made: a district at scale made by
`jiceng generate` (residents in households, a year of claims, notices, awards, vouchers and
donations; `_district`), then what a load run needs on top of it through the product's own
services: logins for some residents without one and for community workers, points in their
wallets from their communities' issuance accounts (the ledger's batch), rewards with ample
stock published by the district's approved partners, and claims the residents filed
themselves for the workers to review.

Returns the plan the Locust users read (written as JSON by the driver): the shared
password, the resident and worker logins, the rewards they may redeem, and each reward's
stock before the run.
"""

import datetime as dt

PASSWORD = "jiceng-load-2026"
POINTS = 1_000_000  # each login's starting points: nobody runs out during a run
STOCK = 10_000_000
RULE_CODE = "load-help"  # the rule of the claims the workers review


def prepare(
    *,
    residents: int = 100_000,
    transfers: int = 2_000_000,
    logins: int = 200,
    workers: int = 10,
    claims: int = 1500,
    progress: bool = True,
) -> dict:
    """Make the load run's data in the database Django points at; see the module's doc."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from jiceng.bank import ledger
    from jiceng.bank.ledger import Spec
    from jiceng.bank.models import AlliancePartner, PartnerState
    from jiceng.bank.services import claims as claim_services
    from jiceng.bank.services import rewards as reward_services
    from jiceng.bank.services.rules import rule_create
    from jiceng.core.models import Role, RoleGrant, User
    from jiceng.people.models import Person
    from jiceng.regions.models import Level, Region

    district, admin, generated = _district(residents, transfers, progress)
    communities = list(Region.objects.filter(district.subtree_q(), level=Level.COMMUNITY).order_by("code"))
    chosen = communities[:: max(1, len(communities) // max(workers, 1))][:workers] or communities[:1]
    # Residents who log in: spread over the communities that have a worker, so every worker has claims.
    people = []
    per = -(-logins // len(chosen))
    for com in chosen:
        people += list(Person.objects.filter(community=com, user__isnull=True).order_by("pk")[:per])
    people = people[:logins]
    password = make_password(PASSWORD)  # argon2 once: the logins share the load run's password
    resident_users = User.objects.bulk_create(
        [
            User(username=f"load-r{i}", display_name=p.name, person=p, password=password)
            for i, p in enumerate(people)
        ]
    )
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=u, role=Role.RESIDENT, region_id=p.community_id)
            for u, p in zip(resident_users, people, strict=True)
        ]
    )
    worker_users = User.objects.bulk_create(
        [
            User(username=f"load-w{i}", display_name=f"社区工作者{i}", password=password)
            for i in range(len(chosen))
        ]
    )
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=u, role=Role.COMMUNITY_WORKER, region=c)
            for u, c in zip(worker_users, chosen, strict=True)
        ]
    )

    wallets = [ledger.wallet_open(p) for p in people]
    ledger.transfer_batch(
        [
            Spec(
                key=f"load-seed-{w.pk}",
                debit=ledger.issuance_id(p.community_id),
                credit=w.pk,
                amount=POINTS,
                kind="award",
                reason="压力测试：初始积分",
            )
            for p, w in zip(people, wallets, strict=True)
        ],
        district=district,
        objects=False,
    )

    today = timezone.localdate()
    rewards = []
    for partner in AlliancePartner.objects.filter(district=district, state=PartnerState.APPROVED).order_by(
        "pk"
    ):
        operator = User.objects.filter(grants__organization=partner.organization_id).first() or admin
        rewards.append(
            reward_services.reward_create(
                user=operator,
                partner=partner,
                name="压力测试兑换券",
                description="压力测试用，库存充足",
                points_price=1,
                stock=STOCK,
                per_person_limit=STOCK,
                valid_from=today - dt.timedelta(days=1),
                valid_to=today + dt.timedelta(days=365),
            )
        )

    rule = rule_create(
        actor=admin,
        district=district,
        subdistrict=None,
        code=RULE_CODE,
        category="help",
        name="压力测试：邻里互助",
        points=1,
        active_from=today - dt.timedelta(days=30),
    )
    bar = _bar(claims, "申报", progress)
    for i in range(claims):
        user = resident_users[i % len(resident_users)]
        claim_services.claim_file(
            filer=user,
            data=claim_services.ClaimInput(
                claimant=user.person, rule=rule, deed_date=today, text=f"帮邻居搬东西（第 {i} 次）"
            ),
        )
        bar.update()
    bar.close()
    return {
        "password": PASSWORD,
        "residents": [u.username for u in resident_users],
        "workers": [u.username for u in worker_users],
        "rewards": {str(r.pk): STOCK for r in rewards},
        "generate_seconds": generated,
    }


def _district(residents: int, transfers: int, progress: bool):
    """A district made by `jiceng generate` (its year of records included); the district, its admin and
    the seconds of each of the generator's stages."""
    from jiceng.core.models import Role, RoleGrant
    from jiceng.regions.models import Region
    from jiceng.scale.generate import district_generate

    report = district_generate(residents=residents, transfers=transfers, progress=progress)
    district = Region.objects.get(code=report.district)
    admin = RoleGrant.objects.filter(role=Role.DISTRICT_ADMIN, region=district).order_by("pk").first().user
    return district, admin, report.seconds


def _bar(total: int, what: str, shown: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=what, unit="条", disable=not shown)
