"""Transparency log, keys, signed notes and checkpoints.

Needs no Django; run with ``pytest -p no:django`` when no settings module is available.
"""

import base64

import pytest

from jiceng import transparency as tl
from jiceng.tests.transparency_vectors import (
    NOTE_SIGNED,
    NOTE_SIGNER,
    NOTE_TEXT,
    NOTE_VERIFIER,
    ROOT_8_HEX,
    sha,
)

# ── Keys and signed notes ────────────────────────────────────────────────────────────


def test_signed_note_matches_published_example_byte_for_byte():
    assert tl.verifier_from_signer(NOTE_SIGNER) == NOTE_VERIFIER
    assert tl.sign_note(NOTE_TEXT, NOTE_SIGNER) == NOTE_SIGNED
    assert tl.open_note(NOTE_SIGNED, NOTE_VERIFIER) == NOTE_TEXT
    assert tl.open_note(NOTE_SIGNED.encode(), NOTE_VERIFIER) == NOTE_TEXT


def test_generated_keys_have_the_documented_shape():
    signer, verifier = tl.generate_signer_key("moralbank.example/log")
    assert signer.startswith("PRIVATE+KEY+moralbank.example/log+")
    name, key_id, material = verifier.split("+", 2)
    assert name == "moralbank.example/log"
    raw = base64.b64decode(material)
    assert raw[0] == 0x01 and len(raw) == 33
    assert key_id == sha(b"moralbank.example/log\n\x01" + raw[1:])[:4].hex()
    assert tl.verifier_from_signer(signer) == verifier


def test_sign_open_round_trip():
    signer, verifier = tl.generate_signer_key("log.example")
    text = "第一行 first line\nsecond\n"
    note = tl.sign_note(text, signer)
    assert note.startswith(text + "\n— log.example ")
    assert tl.open_note(note, verifier) == text


def test_tampered_note_is_refused():
    with pytest.raises(tl.SignatureError):
        tl.open_note(NOTE_SIGNED.replace("cryptography", "cryptographY"), NOTE_VERIFIER)
    signer, verifier = tl.generate_signer_key("log.example")
    note = tl.sign_note("hello\n", signer)
    with pytest.raises(tl.SignatureError):
        tl.open_note(note.replace("hello", "hellp"), verifier)
    sig = note.rsplit(" ", 1)[1].strip()
    raw = bytearray(base64.b64decode(sig))
    raw[10] ^= 1
    with pytest.raises(tl.SignatureError):
        tl.open_note(note.replace(sig, base64.b64encode(bytes(raw)).decode()), verifier)


def test_wrong_key_is_refused():
    signer, _ = tl.generate_signer_key("log.example")
    _, other_verifier = tl.generate_signer_key("log.example")
    note = tl.sign_note("hello\n", signer)
    with pytest.raises(tl.SignatureError, match="not signed by"):
        tl.open_note(note, other_verifier)
    with pytest.raises(tl.SignatureError):
        tl.open_note(NOTE_SIGNED, other_verifier)


def test_other_signers_are_ignored_but_one_valid_signature_is_required():
    signer, verifier = tl.generate_signer_key("log.example")
    witness, witness_verifier = tl.generate_signer_key("witness.example")
    note = tl.sign_note("hello\n", signer)
    cosigned = note + tl.sign_note("hello\n", witness).split("\n\n", 1)[1]
    assert tl.open_note(cosigned, verifier) == "hello\n"
    assert tl.open_note(cosigned, witness_verifier) == "hello\n"


@pytest.mark.parametrize(
    "note",
    [
        "hello\n",  # no signature block
        "hello\n\n",  # blank line but no signatures
        "hello\n\n— log.example AAAA",  # no final newline
        "hello\n\n- log.example AAAAAAAA\n",  # ASCII hyphen instead of em dash
        "hello\n\n— log.example\n",  # no signature
        "hello\n\n— log.example not*base64\n",
        "hello\n\n— log.example AAAA\n",  # too short to hold a key ID and signature
        "hel\x07lo\n\n— log.example AAAAAAAA\n",  # control character
        "hello\n\n— log.example AAAAAAAA\n\n",
    ],
)
def test_malformed_notes_are_refused(note):
    _, verifier = tl.generate_signer_key("log.example")
    with pytest.raises(tl.FormatError):
        tl.open_note(note, verifier)


def test_malformed_keys_are_refused():
    bad_verifiers = [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong key ID
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # not type 0x01
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ]
    for key in bad_verifiers:
        with pytest.raises(tl.FormatError):
            tl.open_note(NOTE_SIGNED, key)
    with pytest.raises(tl.FormatError):
        tl.sign_note(NOTE_TEXT, NOTE_VERIFIER)
    with pytest.raises(tl.FormatError):
        tl.sign_note(NOTE_TEXT, NOTE_SIGNER.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(tl.FormatError):
        tl.sign_note("no newline", NOTE_SIGNER)
    for name in ["", "a+b", "a b", "a\tb"]:
        with pytest.raises(tl.FormatError):
            tl.generate_signer_key(name)


# ── Checkpoints ──────────────────────────────────────────────────────────────────────


def test_checkpoint_format_and_parse_round_trip():
    root8 = bytes.fromhex(ROOT_8_HEX)
    text = tl.format_checkpoint("moralbank.example/log", 8, root8)
    assert text == f"moralbank.example/log\n8\n{base64.b64encode(root8).decode()}\n"
    assert tl.parse_checkpoint(text) == ("moralbank.example/log", 8, root8)
    with_ext = tl.format_checkpoint("moralbank.example/log", 8, root8, ["ext one", "ext two"])
    assert with_ext.endswith("\next one\next two\n")
    assert tl.parse_checkpoint(with_ext) == ("moralbank.example/log", 8, root8)
    assert tl.parse_checkpoint(tl.format_checkpoint("o", 0, tl.EMPTY_ROOT)) == ("o", 0, tl.EMPTY_ROOT)


@pytest.mark.parametrize(
    "text",
    [
        "origin\n8\n",
        "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=",  # no final newline
        "\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",
        "origin\n08\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",
        "origin\n-8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",
        "origin\n+8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",
        "origin\n٨\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",  # non-ASCII digit
        f"origin\n{2**64}\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",
        "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQ=\n",  # 31 bytes
        "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg\n",  # unpadded
        "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyh=\n",  # non-canonical
        "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n\n",  # empty extension
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(tl.FormatError):
        tl.parse_checkpoint(text)


def test_format_checkpoint_rejects_bad_input():
    with pytest.raises(ValueError):
        tl.format_checkpoint("", 1, tl.EMPTY_ROOT)
    with pytest.raises(ValueError):
        tl.format_checkpoint("a\nb", 1, tl.EMPTY_ROOT)
    with pytest.raises(ValueError):
        tl.format_checkpoint("o", -1, tl.EMPTY_ROOT)
    with pytest.raises(ValueError):
        tl.format_checkpoint("o", 1, b"short")
    with pytest.raises(ValueError):
        tl.format_checkpoint("o", 1, tl.EMPTY_ROOT, [""])
