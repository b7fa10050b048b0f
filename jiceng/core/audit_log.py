"""The audit log as people read it: each action code in words, and the scoped, filtered list.

Each app registers a sentence for each of its action codes (`action_register` in its
`AppConfig.ready`), so core never imports a feature app; a code nobody registered is
shown as the code itself. The write side is `core.audit.audit`, and nothing here writes.

Scope: an entry belongs to the regions its actor works or lives in (the actor's grants,
a unit operator's through the unit's region), since the trail stores no region of its
own. A subdistrict administrator sees the entries of people of their subdistrict; a
district administrator also sees the entries no person made (the system's own).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.core.models import AuditLog, Role, RoleGrant
from jiceng.core.scope import scope_for
from jiceng.core.sheets import Sheet
from jiceng.regions.models import Region

AUDIT_VIEWERS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)

_SENTENCES: dict[str, str] = {}


def action_register(code: str, sentence) -> None:
    """Register the sentence of one action code, with `%(actor)s` and `%(target)s` placeholders."""
    _SENTENCES[code] = sentence


def actions_register(sentences: dict) -> None:
    for code, sentence in sentences.items():
        action_register(code, sentence)


def action_choices() -> list[tuple[str, str]]:
    """(code, sentence with its placeholders blanked) for the filter's select, in code order."""
    return [(code, action_label(code)) for code in sorted(_SENTENCES)]


def action_label(code: str) -> str:
    sentence = _SENTENCES.get(code)
    if sentence is None:
        return code
    return str(sentence) % {"actor": "", "target": ""}


def entry_describe(entry: AuditLog) -> str:
    """Who did what to which record, in words; an unregistered code falls back to the code."""
    actor = entry.actor.display_name or entry.actor.username if entry.actor else str(_("系统"))
    target = entry.target_repr or str(_("（无）"))
    sentence = _SENTENCES.get(entry.action)
    if sentence is None:
        return f"{actor} {entry.action} {target}"
    return str(sentence) % {"actor": actor, "target": target}


@dataclass
class AuditFilters:
    person: str = ""
    action: str = ""
    region: Region | None = None
    start: dt.date | None = None
    end: dt.date | None = None


def _actor_in(regions: list[Region]) -> Q:
    """Entries whose actor holds a grant in one of `regions` (or operates a unit there)."""
    grant_q = Q(pk__in=[])
    for region in regions:
        grant_q |= region.subtree_q("region") | region.subtree_q("organization__region")
    return Q(Exists(RoleGrant.objects.filter(grant_q, user=OuterRef("actor"))))


def audit_region_list(user) -> list[Region]:
    """The regions whose log the user may read."""
    return scope_for(user).regions_for(AUDIT_VIEWERS)


def audit_entry_list(user, filters: AuditFilters | None = None) -> QuerySet[AuditLog]:
    """The entries the user may read, newest first, narrowed by `filters`."""
    f = filters or AuditFilters()
    regions = audit_region_list(user)
    if not regions:
        return AuditLog.objects.none()
    visible = _actor_in(regions)
    if scope_for(user).has(Role.DISTRICT_ADMIN):
        visible |= Q(actor__isnull=True)
    qs = AuditLog.objects.filter(visible)
    if f.region is not None:
        qs = qs.filter(_actor_in([f.region]))
    if f.person:
        qs = qs.filter(
            Q(actor__display_name__icontains=f.person)
            | Q(actor__username__icontains=f.person)
            | Q(actor__phone=f.person)
        )
    if f.action:
        qs = qs.filter(action=f.action)
    if f.start:
        qs = qs.filter(at__gte=timezone.make_aware(dt.datetime.combine(f.start, dt.time.min)))
    if f.end:
        qs = qs.filter(
            at__lt=timezone.make_aware(dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min))
        )
    return qs.select_related("actor").order_by("-at", "-id")


def audit_sheets(entries):
    """The audit log as a sheet: one row per entry, in words."""

    rows = (
        [
            timezone.localtime(e.at).replace(tzinfo=None),
            e.actor.display_name if e.actor else "",
            e.action,
            entry_describe(e),
            e.target_type,
            e.target_id,
            e.ip or "",
        ]
        for e in entries
    )
    headers = [_("时间"), _("操作人"), _("操作代码"), _("记录"), _("对象类型"), _("对象编号"), _("地址")]
    return [Sheet(str(_("审计日志")), [str(h) for h in headers], rows, widths=(18, 14, 24, 60, 18, 10, 16))]
