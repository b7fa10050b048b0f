"""Sign-up: within the participant limit, and a cancelled place is free again."""

import pytest

from conftest import make_person
from jiceng.activities import services
from jiceng.activities.tests.factories import START, minutes

pytestmark = pytest.mark.django_db


def test_the_participant_limit_holds_for_sign_up(regions, personas, act):
    act.capacity = 2
    act.save()
    people = [make_person(regions["A1"], f"居民{i}") for i in range(3)]
    user = personas["resident"]
    services.signup_create(activity=act, person=people[0], actor=user, now=START - minutes(600))
    with pytest.raises(services.ActivityError, match="已经报名"):
        services.signup_create(activity=act, person=people[0], actor=user, now=START - minutes(600))
    second = services.signup_create(activity=act, person=people[1], actor=user, now=START - minutes(600))
    with pytest.raises(services.ActivityError, match="报名人数已满（上限 2 人）"):
        services.signup_create(activity=act, person=people[2], actor=user, now=START - minutes(600))
    services.signup_cancel(signup=second, actor=user)
    services.signup_create(activity=act, person=people[2], actor=user, now=START - minutes(600))
