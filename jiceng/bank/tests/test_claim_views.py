import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from jiceng.bank.models import ClaimState, DeedClaim, EarningRule, Notice, Objection
from jiceng.bank.queries.rules import rule_list_for
from jiceng.bank.services.claims import ClaimInput, claim_file
from jiceng.bank.services.reviews import claim_review
from jiceng.bank.services.rules import RULE_FIELDS, rule_create


def test_a_claim_over_the_cap_shows_the_reason_on_the_form(client, personas, rules):
    client.force_login(personas["resident"])
    data = {
        "rule": rules["helping"].pk,
        "deed_date": timezone.localdate().isoformat(),
        "text": "扶老人过马路",
    }
    for _ in range(6):
        assert client.post(reverse("bank:claim_new"), data).status_code == 302
    page = client.post(reverse("bank:claim_new"), data).content.decode()
    assert "上限 30 分" in page


def test_review_queue_and_bulk_approval(client, personas, rules, regions):
    people = [make_person(regions["A1"], f"居民{i}") for i in range(3)]
    claims = [
        claim_file(
            filer=personas["outsider"],
            data=ClaimInput(
                claimant=p, rule=rules["helping"], deed_date=timezone.localdate(), text="活动后集中申报"
            ),
        )
        for p in people
    ]
    claim_file(
        filer=personas["outsider"],
        data=ClaimInput(
            claimant=personas["outsider"].person,
            rule=rules["helping"],
            deed_date=timezone.localdate(),
            text="外社区申报",
        ),
    )
    client.force_login(personas["worker"])
    page = client.get(reverse("bank:review")).content.decode()
    assert "居民0" in page and "外社区申报" not in page
    response = client.post(
        reverse("bank:review_decide"), {"claim": [c.pk for c in claims], "decision": "approve"}
    )
    assert response.status_code == 302
    assert DeedClaim.objects.filter(state=ClaimState.ON_NOTICE).count() == 3
    # the outsider worker can't decide these
    client.force_login(personas["outsider_worker"])
    assert "居民0" not in client.get(reverse("bank:review")).content.decode()


def test_office_mode_marks_the_claim(client, personas, rules, regions):
    person = make_person(regions["A1"], "无手机老人")
    client.force_login(personas["worker"])
    assert "无手机老人" in client.get(reverse("bank:office_claim"), {"q": "无手机"}).content.decode()
    client.post(
        reverse("bank:office_claim"),
        {
            "person": person.pk,
            "rule": rules["helping"].pk,
            "deed_date": timezone.localdate().isoformat(),
            "text": "帮忙打扫楼道",
        },
    )
    assert DeedClaim.objects.get().filed_mode == "office"
    outsider_person = personas["outsider"].person
    assert client.get(reverse("bank:office_claim"), {"person": outsider_person.pk}).status_code == 404


def test_notice_board_objection_flow(client, personas, rules, regions):
    claim = claim_file(
        filer=personas["resident"],
        data=ClaimInput(
            claimant=personas["resident"].person,
            rule=rules["helping"],
            deed_date=timezone.localdate(),
            text="帮助邻居搬家",
        ),
    )
    claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    notice = Notice.objects.get()
    client.force_login(personas["outsider"])  # another subdistrict, same district: may object
    board = client.get(reverse("bank:notices", args=[regions["A1"].code])).content.decode()
    assert personas["resident"].person.masked_name in board and personas["resident"].person.name not in board
    client.post(reverse("bank:notice_object", args=[notice.pk]), {"reason": "那天他出差了"})
    objection = Objection.objects.get()
    client.force_login(personas["outsider_worker"])
    assert (
        client.post(
            reverse("bank:objection_decide", args=[objection.pk]), {"uphold": "1", "reason": "x"}
        ).status_code
        == 404
    )
    client.force_login(personas["worker"])
    client.post(
        reverse("bank:objection_decide", args=[objection.pk]),
        {"uphold": "1", "reason": "经核实不属实", "confirmed": "1"},
    )
    claim.refresh_from_db()
    assert claim.state == ClaimState.VOIDED
    assert "经核实不属实" in client.get(reverse("bank:notices", args=[regions["A1"].code])).content.decode()


def test_a_board_of_another_district_is_public_too(client, personas, regions):
    from jiceng.regions.models import Region

    other = Region.objects.create(code="510104000000", name="锦江区", level="district")
    sub = Region.objects.create(code="510104001000", name="外区街道", level="subdistrict", parent=other)
    client.force_login(personas["resident"])
    assert client.get(reverse("bank:notices", args=[sub.code])).status_code == 200  # 公示 is public
    assert client.get(reverse("bank:notices", args=["510104999000"])).status_code == 404
    assert client.get(reverse("bank:my_board")).url == reverse("bank:notices", args=[regions["A1"].code])


def test_rules_are_versioned_through_the_page(client, personas, rules):
    client.force_login(personas["district_admin"])
    rule = rules["helping"]
    data = {f: getattr(rule, f) or "" for f in RULE_FIELDS} | {"code": rule.code, "points": 9}
    data["active_from"] = data["active_from"].isoformat()
    response = client.post(reverse("bank:rule_edit", args=[rule.pk]), data)
    assert response.status_code == 302
    assert EarningRule.objects.get(code="helping", is_current=True).points == 9
    client.force_login(personas["worker"])
    assert client.get(reverse("bank:rule_edit", args=[rule.pk])).status_code == 404
    assert client.get(reverse("bank:rules")).status_code == 200


def test_a_subdistrict_adds_a_local_rule(client, personas, rules, regions):
    client.force_login(personas["sub_admin"])
    client.post(
        reverse("bank:rule_new"),
        {
            "code": "lane",
            "category": "environment",
            "name": "街巷清洁",
            "points_mode": "fixed",
            "points": 2,
            "evidence": "none",
            "active_from": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        },
    )
    local = EarningRule.objects.get(code="lane")
    assert local.subdistrict == regions["A"]
    assert rule_list_for(regions["A1"]).filter(code="lane").exists()
    assert not rule_list_for(regions["B1"]).filter(code="lane").exists()


@pytest.mark.parametrize(
    "url", ["bank:review", "bank:office_claim", "bank:claim_new", "bank:my_claims", "diary:list"]
)
def test_role_pages_are_404_for_the_wrong_role(client, personas, url):
    client.force_login(personas["unit"])
    assert client.get(reverse(url)).status_code == 404


def test_a_witness_puts_forward_a_neighbour_by_phone(client, personas, rules, regions):
    neighbour = make_person(regions["A2"], "热心邻居", phone="13600001111")  # same subdistrict
    client.force_login(personas["resident"])
    page = client.get(reverse("bank:witness_claim"), {"phone": "13600001111"}).content.decode()
    assert neighbour.masked_name in page and "热心邻居" not in page
    assert "没有找到" in client.get(reverse("bank:witness_claim"), {"phone": "13600009999"}).content.decode()
    client.post(
        reverse("bank:witness_claim"),
        {
            "phone": "13600001111",
            "rule": rules["honesty"].pk,
            "deed_date": timezone.localdate().isoformat(),
            "text": "捡到钱包交还失主",
        },
    )
    claim = DeedClaim.objects.get()
    assert (claim.claimant, claim.filed_mode, claim.filed_by) == (neighbour, "witness", personas["resident"])
    assert "举荐" in client.get(reverse("bank:my_claims")).content.decode()


def test_a_subdistrict_admin_edits_their_own_local_rule(client, personas, rules, regions):
    local = rule_create(
        actor=personas["sub_admin"],
        district=regions["district"],
        subdistrict=regions["A"],
        code="lane",
        category="environment",
        name="街巷清洁",
        points_mode="fixed",
        points=2,
        evidence="none",
        active_from=timezone.localdate(),
    )
    client.force_login(personas["sub_admin"])
    assert client.get(reverse("bank:rule_edit", args=[local.pk])).status_code == 200
    assert (
        client.get(reverse("bank:rule_edit", args=[rules["helping"].pk])).status_code == 404
    )  # district's rule
    client.force_login(personas["outsider_sub_admin"])
    assert client.get(reverse("bank:rule_edit", args=[local.pk])).status_code == 404


def test_the_witness_lookup_stays_within_the_subdistrict(client, personas, regions):
    make_person(regions["B1"], "远方居民", phone="13600002222")
    client.force_login(personas["resident"])
    assert "没有找到" in client.get(reverse("bank:witness_claim"), {"phone": "13600002222"}).content.decode()


def test_the_review_queue_reads_reviews_once_and_still_refuses_a_second_review_by_the_same_worker(
    client, personas, rules, regions
):
    """The queue's refusal for a claim the worker already reviewed comes from the prefetched reviews:
    the page's queries do not grow with the claims waiting."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    EarningRule.objects.filter(pk=rules["helping"].pk).update(second_review_above=0)  # two reviews each
    rule = EarningRule.objects.get(pk=rules["helping"].pk)
    filed = [
        claim_file(
            filer=personas["outsider"],
            data=ClaimInput(
                claimant=make_person(regions["A1"], f"邻居{i}"),
                rule=rule,
                deed_date=timezone.localdate(),
                text="帮邻居搬家",
            ),
        )
        for i in range(2)
    ]
    claim_review(reviewer=personas["worker"], claim=filed[0], approve=True)
    client.force_login(personas["worker"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("bank:review")).content.decode()
        assert "您已经审核过这条申报" in page  # 邻居0's claim, reviewed once, waits for another worker
        return len(ctx.captured_queries)

    before = queries()
    for i in range(2, 8):
        claim_review(
            reviewer=personas["worker"],
            claim=claim_file(
                filer=personas["outsider"],
                data=ClaimInput(
                    claimant=make_person(regions["A1"], f"邻居{i}"),
                    rule=rule,
                    deed_date=timezone.localdate(),
                    text="帮邻居搬家",
                ),
            ),
            approve=True,
        )
    assert queries() == before
