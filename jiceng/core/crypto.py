"""Encryption at rest and keyed lookup hashes for personal identifiers."""

import hashlib
import hmac
from contextvars import ContextVar
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(plain: str) -> bytes:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plain.encode())


def decrypt(token: bytes) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(bytes(token)).decode()


def lookup_hash(plain: str) -> str:
    """A keyed hash, so a leaked table can't be reversed by hashing every possible ID."""
    return hmac.new(settings.LOOKUP_HASH_KEY.encode(), plain.encode(), hashlib.sha256).hexdigest()


# While the audit trail labels a record, a person's name stands masked in it (`audit` sets this).
AUDIT_LABELLING: ContextVar[bool] = ContextVar("audit_labelling", default=False)


def name_label(name: str) -> str:
    """A person's name as a record's label: in full on staff pages, masked in the audit trail."""
    return mask_name(name) if AUDIT_LABELLING.get() else name


def mask_name(name: str) -> str:
    """张*明 for three characters, 张* for two; the surname stays so neighbours recognise it."""
    if not name:
        return ""
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    if not phone or len(phone) < 7:
        return "*" * len(phone or "")
    return phone[:3] + "****" + phone[-4:]


def mask_id_number(number: str) -> str:
    """510107**********1X: the region digits and the last two, never the birth date or sequence.

    With the birth year and sex stored in clear, the hidden digits 7-16 still leave
    365 days x 100 sequences / 11 check characters, about 3,300 candidate numbers
    (docs/ARCHITECTURE.md, "Personal information"). Showing digits 15-16 as well would
    leave about 33.
    """
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 8) + number[-2:]
