"""`jiceng demo`: the whole demo district from every app's loader, and a second run changes nothing."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from jiceng.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}


def test_it_loads_every_app_s_demo_once_and_prints_one_login_per_role(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    out = StringIO()
    call_command("demo", "--no-progress", stdout=out)
    first = _counts()
    for label in (
        "people.Person",
        "core.RoleGrant",
        "bank.DeedClaim",
        "alliance.Alliance",
        "circle.WalkNetwork",
    ):
        assert first[label] > 0, label
    from jiceng.funding.models import Expense
    from jiceng.workforce.models import PaySheet

    [approved] = PaySheet.objects.filter(status="approved")
    [paid] = Expense.objects.filter(pay_sheet=approved)
    assert paid.amount == approved.total > 0 and paid.budget.region == approved.subdistrict
    assert paid.budget.kind == "worker_pay" and paid.key == f"pay-sheet-{approved.pk}"
    again = StringIO()
    call_command("demo", "--no-progress", stdout=again)
    assert _counts() == first
    text = out.getvalue()
    assert text == again.getvalue()
    assert "演示账号" in text and "resident / 13900000001" in text and text.count(DEMO_PASSWORD) == 9
    assert "grid / 13900000005" in text and "district2 " in text
