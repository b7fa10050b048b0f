"""Pages of actions: the owner unit reports progress, the administrators close with a result and a rating."""

import pytest

from jiceng.alliance.tests.factories import get, post

pytestmark = pytest.mark.django_db


def test_the_owner_unit_sees_its_action_and_reports_progress_but_cannot_close_it(client, personas, world):
    unit = personas["unit"]
    action = world["action"]
    assert action.title in get(client, unit, "alliance:actions").content.decode()
    assert (
        post(
            client, unit, "alliance:action_update", action.pk, data={"text": "已签约", "progress": "80"}
        ).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.progress == 80
    closing = {"result": "完成", "rating": "5", "rating_source": "residents"}
    assert post(client, unit, "alliance:action_close", action.pk, data=closing).status_code == 404
    assert get(client, personas["outsider_unit"], "alliance:action", action.pk).status_code == 404


def test_closing_from_the_page_needs_a_result_and_a_rating(client, personas, world):
    admin, action = personas["sub_admin"], world["action"]
    post(
        client,
        admin,
        "alliance:action_close",
        action.pk,
        data={"result": "完成", "rating_source": "residents"},
    )
    action.refresh_from_db()
    assert action.status == "open"
    post(
        client,
        admin,
        "alliance:action_close",
        action.pk,
        data={"result": "完成", "rating": "4", "rating_source": "community"},
    )
    action.refresh_from_db()
    assert (action.status, action.rating, action.rating_source) == ("done", 4, "community")
    assert 'class="pill overdue"' not in get(client, admin, "alliance:action", action.pk).content.decode()
