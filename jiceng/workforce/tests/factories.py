"""Workers for tests, made through the services as the product makes them."""

import datetime as dt

from conftest import make_person
from jiceng.workforce import services


def hire(community, actor, *, name="社工甲", post="other", hired_on=dt.date(2015, 3, 1), **person):
    return services.worker_hire(
        actor=actor,
        person=make_person(community, name, **person),
        community=community,
        post=post,
        hired_on=hired_on,
    )
