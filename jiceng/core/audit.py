"""The one place that writes the audit trail."""

import datetime as dt
import decimal
import uuid

from django.db import models

from jiceng.core.models import AuditLog

# Encrypted and hashed columns never enter the trail; the masked copy does.
_SECRET_FIELDS = {"password", "id_number_encrypted", "id_number_hash"}


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def snapshot(obj: models.Model) -> dict:
    """Field values of a row as JSON, with foreign keys as ids and secrets left out."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SECRET_FIELDS:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def audit(actor, action: str, target=None, *, before=None, after=None, request=None) -> AuditLog:
    """Record who did what to which row, with the row before and after."""
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
        target_repr=str(target)[:200] if target is not None else "",
        before=before,
        after=after,
        ip=ip,
    )
