"""The funding demo: contracts with progress from real activities, a red and a green subdistrict, money spent."""

import pytest
from django.utils import timezone

from jiceng.funding.models import Allocation, Budget, Expense, PurchasedService
from jiceng.funding.queries.contracts import contract_progress, year_target
from jiceng.funding.queries.funds import funds_overview

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Budget, Allocation, Expense, PurchasedService)]


def test_the_demo_hook_is_registered_after_activities_idempotent_and_complete():
    from jiceng.activities.demo import load_activities_demo
    from jiceng.alliance.demo import load_alliance_demo
    from jiceng.demo import registry
    from jiceng.demo.district import load_regions_demo
    from jiceng.funding.demo import load_funding_demo
    from jiceng.orgs.demo import load_orgs_demo
    from jiceng.people.demo import load_people_demo, load_users_demo

    loaders = registry.loaders()
    from jiceng.workforce.demo import load_workforce_demo

    assert loaders.index(load_activities_demo) < loaders.index(load_funding_demo)
    # the workforce demo approves a pay sheet, which pays from a line the funding demo sets up
    assert loaders.index(load_funding_demo) < loaders.index(load_workforce_demo)
    district = load_regions_demo(False)
    for loader in (
        load_orgs_demo,
        load_people_demo,
        load_users_demo,
        load_alliance_demo,
        load_activities_demo,
    ):
        loader(district)
    load_funding_demo(district)
    first = _counts()
    load_funding_demo(district)
    assert _counts() == first
    progress = [contract_progress(c) for c in PurchasedService.objects.order_by("buyer__code")]
    assert sum(1 for p in progress if p.people > 0 and p.sessions > 0) == 2
    assert any(p.needs > 0 and p.needs_rating for p in progress)
    target = year_target(district, year=timezone.localdate().year)
    assert 0 < target["met"] < len(target["rows"])  # some green, some red
    whole, children = funds_overview(district, year=timezone.localdate().year)
    assert whole.spent > 0 and whole.allocated > 0 and all(c.budget > 0 for c in children)
