"""The audit log page: entries in words, filters, paging, export, each administrator in their own region."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jiceng.core.audit import audit
from jiceng.core.audit_log import entry_describe
from jiceng.core.models import AuditLog
from jiceng.orgs.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(personas, regions):
    a_org = Organization.objects.get(name="示范单位")
    b_org = Organization.objects.get(name="外部单位")
    return {
        "a": audit(personas["worker"], "organization.update", a_org),
        "sub_a": audit(personas["sub_admin"], "rule.create", "甲街道规则"),
        "b": audit(personas["outsider_worker"], "organization.update", b_org),
        "system": audit(None, "alliance.symposium_propose", "双月座谈会"),
        "unknown": audit(personas["worker"], "made.up_code", "某记录"),
    }


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("core:audit"), params)


def test_it_says_who_did_what_to_which_record_in_words(entries):
    assert entry_describe(entries["a"]) == "worker_a1 修改了组织「示范单位」"
    assert entry_describe(entries["system"]) == "系统拟定了双月座谈会「双月座谈会」"


def test_an_unknown_code_falls_back_to_the_code(entries):
    assert "made.up_code" in entry_describe(entries["unknown"])


def test_the_page_shows_sentences_not_dicts(client, personas, entries):
    body = page(client, personas["district_admin"]).content.decode()
    assert "worker_a1 修改了组织「示范单位」" in body
    assert "{&#x27;" not in body and "{'" not in body


def test_a_subdistrict_admin_sees_only_their_own_subdistrict(client, personas, entries):
    rows = list(page(client, personas["sub_admin"]).context["page"])
    assert entries["a"] in rows and entries["sub_a"] in rows
    assert entries["b"] not in rows and entries["system"] not in rows
    other = list(page(client, personas["outsider_sub_admin"]).context["page"])
    assert entries["a"] not in other and entries["b"] in other


def test_the_district_admin_sees_the_whole_district(client, personas, entries):
    rows = set(page(client, personas["district_admin"]).context["page"])
    assert set(entries.values()) <= rows


def test_it_filters_by_person_kind_region_and_dates(client, personas, regions, entries):
    admin = personas["district_admin"]
    assert list(page(client, admin, person="worker_b1").context["page"]) == [entries["b"]]
    assert list(page(client, admin, action="rule.create").context["page"]) == [entries["sub_a"]]
    by_region = set(page(client, admin, region=regions["B"].code).context["page"])
    assert by_region == {entries["b"]}
    AuditLog.objects.filter(pk=entries["a"].pk).update(at=timezone.now() - dt.timedelta(days=10))
    today = timezone.localdate().isoformat()
    assert entries["a"] not in set(page(client, admin, start=today).context["page"])
    old = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert list(page(client, admin, start=old, end=old).context["page"]) == [entries["a"]]


def test_bad_filters_say_what_to_do_and_keep_what_was_typed(client, personas, regions, entries):
    response = page(
        client, personas["sub_admin"], start="31/01/2026", person="worker", region=regions["B"].code
    )
    body = response.content.decode()
    assert "请按 2026-01-31 的样式填写" in body and "请从列表中选择" in body
    assert 'value="worker"' in body
    assert entries["b"] not in list(response.context["page"])


def test_it_pages_keeping_the_filters(client, personas, entries):
    for i in range(55):
        audit(personas["worker"], "organization.update", f"组织{i}")
    response = page(client, personas["district_admin"], person="worker_a1")
    assert response.context["page"].paginator.num_pages == 2
    assert "?person=worker_a1&page=2" in response.content.decode()


def test_the_export_is_in_words_scoped_and_audited(client, personas, entries):
    client.force_login(personas["sub_admin"])
    response = client.get(reverse("core:audit_xlsx"), {"person": "worker"})
    ws = load_workbook(io.BytesIO(response.content)).active
    texts = [row[3] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "worker_a1 修改了组织「示范单位」" in texts
    assert not any("外部单位" in t for t in texts)
    logged = AuditLog.objects.filter(action="core.audit_export").get()
    assert logged.actor == personas["sub_admin"] and logged.after["filters"] == {"person": "worker"}


def test_the_subdistrict_admin_reaches_the_log_from_the_menu(client, personas):
    menu = page(client, personas["sub_admin"]).context["menu"]
    assert reverse("core:audit") in [item["url"] for item in menu]
