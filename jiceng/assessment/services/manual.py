"""Manual indicators: a value counts only with uploaded evidence and a second person's approval."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.models import ManualEntry
from jiceng.core.audit import audit


@transaction.atomic
def manual_enter(*, indicator, region, value, evidence, by, note: str = "") -> ManualEntry:
    if not indicator.is_manual:
        raise AssessmentError(_("这是系统按记录计算的指标，不能人工填报。"))
    if not evidence:
        raise AssessmentError(_("人工指标必须上传证明材料。"))
    entry, _created = ManualEntry.objects.update_or_create(
        indicator=indicator,
        region=region,
        defaults={
            "value": value,
            "evidence": evidence,
            "note": note,
            "entered_by": by,
            "approved_by": None,
            "approved_at": None,
        },
    )
    audit(by, "manual.enter", entry)
    return entry


@transaction.atomic
def manual_approve(*, entry: ManualEntry, by) -> ManualEntry:
    entry = ManualEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.evidence:
        raise AssessmentError(_("没有证明材料，不能复核通过。"))
    if entry.entered_by_id == by.pk:
        raise AssessmentError(_("人工指标须由填报人以外的另一人复核。"))
    entry.approved_by = by
    entry.approved_at = timezone.now()
    entry.save(update_fields=["approved_by", "approved_at"])
    audit(by, "manual.approve", entry)
    return entry
