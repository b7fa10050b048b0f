"""The career system's demo: workers in every community with their history, a pay table and two pay sheets."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from faker import Faker

from jiceng.core.models import User
from jiceng.people.models import Gender, Person
from jiceng.regions.models import Level, Region
from jiceng.workforce import services
from jiceng.workforce.models import AssessmentResult, CommunityWorker, Post, Result
from jiceng.workforce.models import Level as QLevel
from jiceng.workforce.queries.settings import pay_table_get

# Three communities as large as the real ones that the speech speaks of, so that staffing shows the gap.
LARGE_COMMUNITIES = (6000, 3000, 1500)
RESULTS = [Result.EXCELLENT] * 2 + [Result.PASS] * 14 + [Result.BASIC] * 2 + [Result.FAIL]


def _add_residents(district, community, n, fake, rng) -> None:
    Person.objects.bulk_create(
        [
            Person(
                district=district,
                community=community,
                name=fake.name_male()
                if (g := rng.choice([Gender.MALE, Gender.FEMALE])) == Gender.MALE
                else fake.name_female(),
                gender=g,
                birth_year=rng.randint(1935, 2006),
            )
            for _ in range(n)
        ],
        batch_size=2000,
    )


def load_workforce_demo(district: Region, progress: bool = False) -> None:
    """Workers for every demo community (once): posts, hiring years, results, qualifications, grade history."""
    if CommunityWorker.objects.filter(district=district).exists():
        return
    rng = random.Random(150)
    fake = Faker("zh_CN")
    fake.seed_instance(150)
    today = timezone.localdate()
    communities = list(
        Region.objects.filter(district.subtree_q(), level=Level.COMMUNITY, is_active=True).order_by("code")
    )
    demo_worker = User.objects.filter(username="worker").select_related("person").first()
    with transaction.atomic():
        for community, n in zip(communities[3:], LARGE_COMMUNITIES, strict=False):
            _add_residents(district, community, n, fake, rng)
        results, qualifications = [], []
        for community in communities:
            people = list(
                Person.objects.filter(community=community, user__isnull=True, id_number_hash__gt="").order_by(
                    "id"
                )[:6]
            )
            if demo_worker and demo_worker.person and demo_worker.person.community_id == community.pk:
                people.insert(0, demo_worker.person)
            count = rng.randint(2, 5)
            for i, person in enumerate(people[:count]):
                post = (
                    Post.HEAD
                    if i == 0 and person != getattr(demo_worker, "person", None)
                    else (Post.DEPUTY if i == 1 else Post.OTHER)
                )
                hired = dt.date(rng.randint(2010, today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
                worker = services.worker_hire(
                    actor=None, person=person, community=community, post=post, hired_on=hired
                )
                for year in range(hired.year, today.year):
                    results.append(
                        AssessmentResult(
                            district_id=worker.district_id,
                            worker=worker,
                            year=year,
                            result=rng.choice(RESULTS),
                        )
                    )
                roll = rng.random()
                level = (
                    QLevel.JUNIOR
                    if roll < 0.35
                    else QLevel.INTERMEDIATE
                    if roll < 0.5
                    else QLevel.SENIOR
                    if roll < 0.55
                    else None
                )
                if worker.person == getattr(demo_worker, "person", None):
                    level = QLevel.JUNIOR
                if level:
                    issued = min(today, hired + dt.timedelta(days=rng.randint(200, 2500)))
                    qualifications.append(
                        (worker, level, f"{issued.year}{rng.randint(100000, 999999)}", issued)
                    )
        AssessmentResult.objects.bulk_create(results)
        first = min(w.hired_on.year for w in CommunityWorker.objects.filter(district=district))
        for year in range(first, today.year):
            services.promotion_run(actor=None, district=district, year=year)
        # Recorded after the promotion runs, as a district recording its workers' certificates would.
        for worker, level, number, issued in qualifications:
            services.qualification_record(
                actor=None, worker=worker, level=level, cert_number=number, issued_on=issued
            )
        table, _since = pay_table_get(district, today.year)
        services.pay_table_save(actor=None, district=district, year=today.year, table=table)
        sub = Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code").first()
        # Last month's sheet is approved (its pay posts from this year's 社区工作者报酬津贴 line, which the
        # funding demo has set up by now); in January that is this month's, as last year has no line.
        last = today.replace(day=1) - dt.timedelta(days=1)
        month = last if last.year == today.year else today
        approved = services.pay_sheet_compute(actor=None, subdistrict=sub, year=month.year, month=month.month)
        try:
            services.pay_sheet_approve(actor=None, pay_sheet=approved)
        except services.WorkforceError:
            pass  # refused without a funded line (its own savepoint is undone): the sheet stays a draft
        if month != today:
            services.pay_sheet_compute(actor=None, subdistrict=sub, year=today.year, month=today.month)
