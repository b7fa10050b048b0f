"""The one place that writes the audit trail."""

import datetime as dt
import decimal
import uuid

from django.db import models
from django.db.models.fields.files import FieldFile

from jiceng.core import crypto
from jiceng.core.models import AuditLog
from jiceng.core.redact import redact

# Encrypted and hashed columns never enter the trail, nor does the masked ID: its digits,
# added to an older masked copy, would narrow the number. A change of ID number shows as a
# change of `id_number_fingerprint`, a few characters of the keyed hash, useless without the key.
_SECRET_FIELDS = {"password", "id_number_encrypted", "id_number_hash", "id_number_masked"}
_FINGERPRINT = 8


def _masked(name: str, value):
    """A personal field as the trail keeps it: phones masked, a birth date cut to its year,
    and any phone or ID number typed into free text redacted."""
    if value in (None, ""):
        return value
    if name.endswith("phone"):
        return crypto.mask_phone(str(value))
    if name == "birth_date":
        return int(str(value)[:4])
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_masked("", v) for v in value]
    if isinstance(value, dict):
        return mask_personal(value)
    return value


def mask_personal(data):
    """A before/after as the trail stores it; `audit` applies it to every entry it writes
    (and the people migration to the entries written before it)."""
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        if key in _SECRET_FIELDS:
            continue
        out["birth_year" if key == "birth_date" else key] = _masked(key, value)
    return out


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    if isinstance(value, FieldFile):  # an uploaded file is recorded by its stored name
        return value.name or ""
    return value


def snapshot(obj: models.Model) -> dict:
    """Field values of a row as JSON, with foreign keys as ids, secrets left out and personal fields masked."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name == "id_number_hash":
            data["id_number_fingerprint"] = (getattr(obj, field.attname) or "")[:_FINGERPRINT]
        if field.name in _SECRET_FIELDS:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    for name in getattr(obj, "AUDIT_NAME_FIELDS", ()):
        if data.get(name):
            data[name] = crypto.mask_name(data[name])
    return data


def _label(target) -> str:
    """The record's label with every person's name in it masked (their `__str__` asks `name_label`)."""
    token = crypto.AUDIT_LABELLING.set(True)
    try:
        return redact(str(target))[:200]
    finally:
        crypto.AUDIT_LABELLING.reset(token)


def audit(actor, action: str, target=None, *, before=None, after=None, request=None) -> AuditLog:
    """Record who did what to which row, with the row before and after (personal fields masked)."""
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label if isinstance(target, models.Model) else (target or ""),
        target_id=str(target.pk) if isinstance(target, models.Model) else "",
        target_repr=_label(target) if target is not None else "",
        before=mask_personal(before),
        after=mask_personal(after),
        ip=ip,
    )
