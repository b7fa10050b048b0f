import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from jiceng.bank import ledger, log
from jiceng.bank.models import DeedClaim
from jiceng.bank.services.rules import rule_catalogue_seed


def test_it_serves_the_openapi_schema_and_local_docs(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/me" in schema["paths"] and "/api/claims" in schema["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "cdn." not in docs and "/static/ninja/" in docs


def test_it_needs_a_login(client):
    assert client.get("/api/me").status_code == 401


def test_a_resident_sees_balance_and_files_a_claim(client, personas, regions):
    rule_catalogue_seed(district=regions["district"])
    person = personas["resident"].person
    ledger.award(
        wallet=ledger.wallet_open(person),
        community=person.community,
        key="a",
        amount=7,
        reason="奖励",
        pending=False,
    )
    client.force_login(personas["resident"])
    assert client.get("/api/me").json()["available"] == 7
    assert client.get("/api/me/transfers").json()[0]["amount"] == 7
    rule = next(r for r in client.get("/api/rules").json() if r["code"] == "helping")
    body = {"rule_id": rule["id"], "deed_date": timezone.localdate().isoformat(), "text": "帮邻居搬家"}
    response = client.post("/api/claims", json.dumps(body), content_type="application/json")
    assert response.status_code == 201 and DeedClaim.objects.get().points == 5
    too_old = body | {"deed_date": (timezone.localdate() - dt.timedelta(days=200)).isoformat()}
    response = client.post("/api/claims", json.dumps(too_old), content_type="application/json")
    assert response.status_code == 400 and "90 天" in response.json()["detail"]


def test_it_enforces_csrf_for_session_writes(personas, regions):
    client = Client(enforce_csrf_checks=True)
    client.post("/login/", {"username": "res_a1", "password": PASSWORD})
    client.force_login(personas["resident"])
    response = client.post("/api/claims", "{}", content_type="application/json")
    assert response.status_code == 403


def test_proofs_and_notices_are_scoped(client, personas, regions):
    person = personas["resident"].person
    t = ledger.award(
        wallet=ledger.wallet_open(person),
        community=person.community,
        key="a",
        amount=7,
        reason="奖励",
        pending=False,
    )
    client.force_login(personas["resident"])
    assert client.get(f"/api/me/transfers/{t.pk}/proof").status_code == 409
    log.checkpoint(regions["district"])
    assert client.get(f"/api/me/transfers/{t.pk}/proof").json()["type"] == "inclusion"
    client.force_login(personas["outsider"])
    assert client.get(f"/api/me/transfers/{t.pk}/proof").status_code == 404
    assert client.get(f"/api/notices/{regions['A1'].code}").status_code == 200
    client.force_login(personas["unit"])
    assert client.get("/api/me").status_code == 404
    assert client.get(f"/api/notices/{regions['A1'].code}").status_code == 404


def test_checkpoints_are_public(client, personas, regions):
    person = personas["resident"].person
    ledger.award(
        wallet=ledger.wallet_open(person),
        community=person.community,
        key="a",
        amount=7,
        reason="奖励",
        pending=False,
    )
    log.checkpoint(regions["district"])
    data = client.get(f"/api/ledger/{regions['district'].code}/checkpoints").json()
    assert data[0]["size"] == 1 and "jiceng.local/moral-bank" in data[0]["note"]


def _claim_body(client, **changes):
    rule = next(r for r in client.get("/api/rules").json() if r["code"] == "helping")
    return {
        "rule_id": rule["id"],
        "deed_date": timezone.localdate().isoformat(),
        "text": "帮邻居搬家",
    } | changes


def _post(client, raw: str):
    return client.post("/api/claims", raw, content_type="application/json")


def test_malformed_text_is_refused_with_422_and_a_chinese_message(client, personas, regions):
    rule_catalogue_seed(district=regions["district"])
    client.force_login(personas["resident"])
    body = json.dumps(_claim_body(client))
    for bad in ('"\\ud800"', '"\\u0000"', '"好\\udfff"'):
        response = _post(client, body.replace('"\\u5e2e\\u90bb\\u5c45\\u642c\\u5bb6"', bad))
        assert response.status_code == 422, bad
        assert "text" in response.json()["detail"] and "无法识别" in response.json()["detail"]
    response = _post(client, body.replace('"witness"', '"x"')[:-1] + ', "witness": "\\ud83d"}')
    assert response.status_code == 422 and "witness" in response.json()["detail"]
    assert not DeedClaim.objects.exists()


def test_the_api_holds_the_forms_text_limits(client, personas, regions):
    rule_catalogue_seed(district=regions["district"])
    client.force_login(personas["resident"])
    response = _post(client, json.dumps(_claim_body(client, text="善" * 100_000)))
    assert response.status_code == 422 and "最多填 1000 个字" in response.json()["detail"]
    response = _post(client, json.dumps(_claim_body(client, witness="张" * 10_000)))
    assert response.status_code == 422 and "最多填 100 个字" in response.json()["detail"]
    assert not DeedClaim.objects.exists()
    assert _post(client, json.dumps(_claim_body(client, text="善" * 1000))).status_code == 201


def test_bad_bodies_are_explained_in_chinese(client, personas, regions):
    rule_catalogue_seed(district=regions["district"])
    client.force_login(personas["resident"])
    response = _post(client, "{not json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    response = _post(client, json.dumps({"rule_id": "x", "deed_date": "明天"}))
    detail = response.json()["detail"]
    assert response.status_code == 422 and "rule_id：应为整数" in detail and "text：缺少这一项" in detail
