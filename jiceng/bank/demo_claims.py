"""Demo: the rule catalogue and a lived-in notice board — credited, on notice and waiting claims."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jiceng.bank.models import DeedClaim
from jiceng.bank.queries.claims import claim_can_review
from jiceng.bank.queries.rules import rule_list_for
from jiceng.bank.services import claims as svc
from jiceng.bank.services.reviews import claim_review
from jiceng.bank.services.rules import rule_catalogue_seed
from jiceng.bank.services.settlement import bank_settle
from jiceng.core.models import User
from jiceng.people.models import Person


def load_claims_demo(district, progress=False) -> None:
    rule_catalogue_seed(district=district)
    worker = User.objects.filter(username="worker").first()
    resident = User.objects.filter(username="resident").first()
    if worker is None or resident is None or DeedClaim.objects.filter(district=district).exists():
        return
    rules = {r.code: r for r in rule_list_for(resident.person.community)}
    neighbours = list(
        Person.objects.filter(community=resident.person.community, user__isnull=True).exclude(
            household=worker.person.household
        )[:6]
    )
    today = timezone.localdate()
    stories = [
        ("helping", "帮独居的李奶奶买菜、修好了漏水的水龙头"),
        ("filial", "每天陪患病的父亲去社区医院做康复"),
        ("neighbour", "暴雨天帮邻居把晾晒的衣物收回家"),
        ("environment", "组织楼栋清理了堆放多年的杂物"),
        ("helping", "在公交站扶起摔倒的老人并联系了家属"),
        ("neighbour", "为楼里的孩子免费辅导作业"),
    ]
    with transaction.atomic():
        made = []
        for person, (code, text) in zip(neighbours, stories, strict=False):
            photos = ()
            if rules[code].evidence == "photo":
                continue
            made.append(
                svc.claim_file(
                    filer=worker,
                    data=svc.ClaimInput(
                        claimant=person,
                        rule=rules[code],
                        deed_date=today - dt.timedelta(days=3),
                        text=text,
                        photos=photos,
                    ),
                )
            )
        own = svc.claim_file(
            filer=resident,
            data=svc.ClaimInput(
                claimant=resident.person,
                rule=rules["helping"],
                deed_date=today - dt.timedelta(days=8),
                text="帮楼下王大爷把轮椅抬上三楼",
            ),
        )
    # A second worker reviews what the demo worker filed in office mode.
    reviewer = User.objects.filter(username="worker2").first()
    for claim in made[:3]:
        if claim_can_review(reviewer, claim) is None:
            claim_review(reviewer=reviewer, claim=claim, approve=True)
    if claim_can_review(worker, own) is None:
        claim_review(reviewer=worker, claim=own, approve=True)
        # the resident's first award has already finished its notice period
        own.refresh_from_db()
        bank_settle(now=own.notice.ends_at + dt.timedelta(seconds=1))
