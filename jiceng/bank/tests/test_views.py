import base64
import json

from django.urls import reverse

from jiceng import transparency
from jiceng.bank import ledger, log
from jiceng.bank.models import Transfer


def _award(person, community, key, amount=5, pending=False):
    wallet = ledger.wallet_open(person)
    return ledger.award(
        wallet=wallet, community=community, key=key, amount=amount, reason="助人为乐", pending=pending
    )


def test_it_lists_checkpoints_publicly(client, personas, regions):
    _award(personas["resident"].person, regions["A1"], "a")
    log.checkpoint(regions["district"])
    body = client.get(reverse("bank:log", args=[regions["district"].code])).content.decode()
    assert "jiceng.local/moral-bank/510107000000" in body and log.verifier_key() in body


def test_it_serves_consistency_proofs(client, personas, regions):
    _award(personas["resident"].person, regions["A1"], "a")
    log.checkpoint(regions["district"])
    _award(personas["resident"].person, regions["A1"], "b")
    log.checkpoint(regions["district"])
    url = reverse("bank:consistency", args=[regions["district"].code])
    response = client.get(url, {"old": 1, "new": 2})
    assert "without rewriting it" in transparency.verify_bundle(json.loads(response.content))
    assert client.get(url, {"old": 2, "new": 9}).status_code == 404
    assert client.get(url, {"old": "x"}).status_code == 400


def test_a_resident_downloads_a_proof_of_their_own_transfer(client, personas, regions):
    t = _award(personas["resident"].person, regions["A1"], "mine")
    client.force_login(personas["resident"])
    url = reverse("bank:my_proof", args=[t.pk])
    assert client.get(url).status_code == 409  # not yet in a checkpoint: explained, not an error
    log.checkpoint(regions["district"])
    page = client.get(reverse("bank:my_points")).content.decode()
    assert "助人为乐" in page and url in page
    bundle = json.loads(client.get(url).content)
    assert transparency.verify_bundle(bundle)


def test_an_outsider_cannot_fetch_someone_elses_proof(client, personas, regions):
    t = _award(personas["resident"].person, regions["A1"], "mine")
    log.checkpoint(regions["district"])
    client.force_login(personas["outsider"])
    assert client.get(reverse("bank:my_proof", args=[t.pk])).status_code == 404
    client.force_login(personas["worker"])
    assert client.get(reverse("bank:my_proof", args=[t.pk])).status_code == 404
    assert client.get(reverse("bank:my_points")).status_code == 404


def test_my_points_shows_available_and_pending(client, personas, regions):
    _award(personas["resident"].person, regions["A1"], "p", amount=7, pending=True)
    _award(personas["resident"].person, regions["A1"], "q", amount=3)
    client.force_login(personas["resident"])
    page = client.get(reverse("bank:my_points")).content.decode()
    assert '<div class="n">3</div>' in page and "7 分" in page
    assert Transfer.objects.count() == 2


def test_a_resident_fetches_their_own_proofs_for_the_browser_check(client, personas, regions):
    mine = _award(personas["resident"].person, regions["A1"], "mine")
    _award(personas["resident"].person, regions["A1"], "on-notice", pending=True)
    _award(personas["outsider"].person, regions["B1"], "theirs")
    log.checkpoint(regions["district"])
    client.force_login(personas["resident"])
    data = client.get(reverse("bank:my_proofs")).json()
    assert (len(data["entries"]), data["waiting"], data["truncated"]) == (1, 1, False)
    # Each entry, with the checkpoint given once, is an inclusion bundle the offline verifier accepts.
    bundle = {**data["entries"][0], "checkpoint": data["checkpoint"], "verifier_key": data["verifier_key"]}
    assert transparency.verify_bundle(bundle, trusted_key=log.verifier_key())
    assert json.loads(base64.b64decode(bundle["entry"]))["id"] == mine.pk


def test_the_ledger_page_offers_the_check_only_to_residents_of_its_district(client, personas, regions):
    url = reverse("bank:log", args=[regions["district"].code])
    assert "data-check-ledger" not in client.get(url).content.decode()  # a visitor is asked to sign in
    _award(personas["resident"].person, regions["A1"], "mine")
    client.force_login(personas["resident"])
    assert "data-check-ledger" in client.get(url).content.decode()
    client.force_login(personas["worker"])
    assert "data-check-ledger" not in client.get(url).content.decode()
    assert client.get(reverse("bank:my_proofs")).status_code == 404


def test_a_resident_without_points_is_told_so(client, personas):
    client.force_login(personas["resident"])
    response = client.get(reverse("bank:my_proofs"))
    assert response.status_code == 404 and "还没有积分账户" in response.json()["error"]
