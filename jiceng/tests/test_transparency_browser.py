"""The browser's verifier (jiceng/static/bank/verify.js) and the offline one agree, in a real Chromium.

The same bundles go to both: valid ones for every leaf of trees of 1 to 9 leaves and a real
bank transfer's, and each with one thing tampered (a byte of the leaf, a sibling hash, the
tree size, the index, the signature, the signed size or root, the key). Both must accept the
valid ones, refuse every tampered one, and name the same kind of failure.
"""

import base64
import copy

import pytest

from jiceng import transparency
from jiceng.bank import ledger, log
from jiceng.bank.models import Transfer
from jiceng.bank.tests.factories import funded_wallet
from jiceng.tests.transparency_vectors import LEAVES, NOTE_SIGNER, NOTE_VERIFIER

pytestmark = pytest.mark.django_db(transaction=True)

KIND = {
    transparency.FormatError: "format",
    transparency.SignatureError: "signature",
    transparency.ProofError: "proof",
}

JS_VERIFY = """async ([bundle, key]) => {
  try { await JicengLedger.verifyBundle(bundle, key); return "ok"; }
  catch (e) { return e.kind || ("crash: " + e); }
}"""


def python_verdict(bundle, key) -> str:
    try:
        transparency.verify_bundle(bundle, trusted_key=key)
    except transparency.VerificationError as err:
        return KIND[type(err)]
    return "ok"


def bundles_for(entries: list[bytes], signer: str, verifier: str, origin: str = "example.org/log"):
    tree = transparency.MerkleTree([transparency.leaf_hash(e) for e in entries])
    note = transparency.sign_note(transparency.format_checkpoint(origin, tree.size, tree.root()), signer)
    return [
        transparency.inclusion_bundle(e, i, tree.inclusion_proof(i), note, verifier)
        for i, e in enumerate(entries)
    ]


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def flip_b64(text: str, at: int = 0) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[at] ^= 0x01
    return b64(bytes(raw))


def flip_entry(text: str) -> str:
    raw = base64.b64decode(text)
    return flip_b64(text, len(raw) // 2) if raw else b64(b"\x00")


def respell(text: str) -> str:
    """The same bytes in a spelling that is not canonical padded base64."""
    return text.rstrip("=") if text.endswith("=") else text + "\n"


def resign(bundle: dict, body: str, signer: str) -> None:
    bundle["checkpoint"] = transparency.sign_note(body, signer)


def tamperings(bundle: dict, signer: str) -> dict[str, dict]:
    """Named copies of `bundle`, each with one thing changed."""
    out = {}

    def variant(name, change):
        b = copy.deepcopy(bundle)
        change(b)
        out[name] = b

    text, _, sigs = bundle["checkpoint"].rpartition("\n\n")
    origin, size, root = transparency.parse_checkpoint(text + "\n")
    sig_name, _, sig = sigs.rstrip("\n").partition(" ")[2].partition(" ")
    variant("a byte of the leaf", lambda b: b.update(entry=flip_entry(b["entry"])))
    if bundle["proof"]:
        variant("a sibling hash", lambda b: b["proof"].__setitem__(0, flip_b64(b["proof"][0], 5)))
        variant("a proof hash dropped", lambda b: b["proof"].pop())
    variant("a proof hash added", lambda b: b["proof"].append(b64(bytes(32))))
    variant("the tree size", lambda b: b.update(tree_size=b["tree_size"] + 1))
    variant("the index", lambda b: b.update(index=(b["index"] + 1) % (b["tree_size"] + 1)))
    variant("the signature", lambda b: b.update(checkpoint=f"{text}\n\n— {sig_name} {flip_b64(sig, 10)}\n"))
    variant(
        "the signed size",
        lambda b: b.update(checkpoint=b["checkpoint"].replace(f"\n{size}\n", f"\n{size + 1}\n", 1)),
    )
    variant(
        "the signed size, re-signed by another key",
        lambda b: resign(b, transparency.format_checkpoint(origin, size + 1, root), NOTE_SIGNER),
    )
    variant(
        "the root, re-signed by the district's key",
        lambda b: resign(b, transparency.format_checkpoint(origin, size, bytes(32)), signer),
    )
    variant("the entry's base64 spelling", lambda b: b.update(entry=respell(b["entry"])))
    variant("no checkpoint", lambda b: b.pop("checkpoint"))
    variant("an index that is not a number", lambda b: b.update(index=str(b["index"])))
    return out


@pytest.fixture
def js(browser, live_server, regions):
    """A page that loads the browser's verifier, served by the site (as residents get it)."""
    page = browser.new_page()
    page.goto(f"{live_server.url}/bank/log/{regions['district'].code}/")
    page.wait_for_function("() => window.JicengLedger !== undefined")
    return lambda bundle, key: page.evaluate(JS_VERIFY, [bundle, key])


def test_both_verifiers_accept_every_leaf_of_small_trees(js):
    signer, verifier = transparency.generate_signer_key("example.org/log")
    for n in range(1, len(LEAVES) + 2):
        entries = [*LEAVES, b"ninth"][:n]
        for bundle in bundles_for(entries, signer, verifier):
            assert python_verdict(bundle, verifier) == "ok"
            assert js(bundle, verifier) == "ok", (n, bundle["index"])


def test_both_verifiers_refuse_every_tampering_and_agree_on_why(js):
    signer, verifier = transparency.generate_signer_key("example.org/log")
    checked = 0
    for n in (1, 2, 5, 8, 9):
        entries = [*LEAVES, b"ninth"][:n]
        for bundle in bundles_for(entries, signer, verifier):
            for name, bad in tamperings(bundle, signer).items():
                expected = python_verdict(bad, verifier)
                assert expected != "ok", f"the offline verifier accepted {name} (n={n}, #{bundle['index']})"
                assert js(bad, verifier) == expected, f"{name} (n={n}, #{bundle['index']})"
                checked += 1
    assert checked > 300


def test_both_refuse_a_note_signed_by_another_key(js):
    signer, verifier = transparency.generate_signer_key("example.org/log")
    bundle = bundles_for(LEAVES[:3], NOTE_SIGNER, NOTE_VERIFIER)[1]
    assert python_verdict(bundle, verifier) == js(bundle, verifier) == "signature"
    assert python_verdict(bundle, NOTE_VERIFIER) == js(bundle, NOTE_VERIFIER) == "ok"
    broken_key = verifier[:-4] + "AAA="
    assert python_verdict(bundle, broken_key) == js(bundle, broken_key) == "format"


def test_both_agree_on_a_real_transfers_proof(js, regions):
    a1 = regions["A1"]
    wallet = funded_wallet(a1, 40)
    for i in range(4):
        ledger.post(ledger.award(wallet=wallet, community=a1, key=f"aw-{i}", amount=3 + i, reason="助人为乐"))
    log.checkpoint(regions["district"])
    bundle = log.inclusion_bundle(Transfer.objects.get(key="aw-2"))
    key = log.verifier_key()
    assert python_verdict(bundle, key) == js(bundle, key) == "ok"
    tampered = copy.deepcopy(bundle)
    tampered["entry"] = b64(base64.b64decode(bundle["entry"]).replace(b'"amount":5', b'"amount":50'))
    assert python_verdict(tampered, key) == js(tampered, key) == "proof"
