"""The demo registry: each app's loader once, in the declared order, whatever order apps start in."""

import pytest

from jiceng.demo import registry


@pytest.fixture
def empty(monkeypatch):
    monkeypatch.setattr(registry, "_registered", {})
    return registry


def first(district, progress):
    return None


def second(district, progress):
    return [("居民", "resident", "pw")]


def test_loaders_run_in_declared_order_not_registration_order(empty):
    empty.register("late", second, order=200)
    empty.register("early", first, order=10)
    assert empty.loaders() == [first, second]


def test_registering_the_same_loader_again_is_harmless(empty):
    empty.register("early", first, order=10)
    empty.register("early", first, order=10)
    assert empty.loaders() == [first]


def test_a_name_or_a_loader_is_never_registered_twice(empty):
    empty.register("early", first, order=10)
    with pytest.raises(ValueError, match="early"):
        empty.register("early", second, order=20)
    with pytest.raises(ValueError, match="early"):
        empty.register("early", first, order=20)
    with pytest.raises(ValueError, match="early"):
        empty.register("again", first, order=30)
    assert empty.loaders() == [first]


def test_every_app_s_loader_is_registered_once_with_the_base_first():
    from jiceng.activities.demo import load_activities_demo
    from jiceng.alliance.demo import load_alliance_demo
    from jiceng.bank.demo_claims import load_claims_demo
    from jiceng.bank.demo_rewards import load_rewards_demo
    from jiceng.circle.demo import load_circle_demo
    from jiceng.orgs.demo import load_orgs_demo
    from jiceng.people.demo import load_people_demo, load_users_demo

    loaders = registry.loaders()
    assert len(loaders) == len(set(loaders))
    assert loaders[:3] == [load_orgs_demo, load_people_demo, load_users_demo]
    for loader in (
        load_alliance_demo,
        load_activities_demo,
        load_rewards_demo,
        load_circle_demo,
        load_claims_demo,
    ):
        assert loader in loaders
    assert loaders.index(load_alliance_demo) < loaders.index(load_claims_demo)
