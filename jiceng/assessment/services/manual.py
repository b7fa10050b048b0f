"""Manual indicators: a value counts only with uploaded evidence and a second person's approval."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.models import ManualEntry
from jiceng.assessment.queries.subjects import Subject, subject_list
from jiceng.core.audit import audit
from jiceng.orgs.models import Organization


@transaction.atomic
def manual_enter(*, indicator, subject: Subject, value, evidence, by, note: str = "") -> ManualEntry:
    """Enter (or replace, pending approval again) the value of a manual indicator for one subject of
    its scheme: a region of a subdistrict or community scheme, a resident unit of a unit scheme."""
    if not indicator.is_manual:
        raise AssessmentError(_("这是系统按记录计算的指标，不能人工填报。"))
    if not evidence:
        raise AssessmentError(_("人工指标必须上传证明材料。"))
    is_unit = isinstance(subject, Organization)
    if is_unit != indicator.scheme.assesses_units or subject not in subject_list(indicator.scheme):
        raise AssessmentError(_("“%(s)s”不是本方案的考核对象。") % {"s": subject.name})
    entry, _created = ManualEntry.objects.update_or_create(
        indicator=indicator,
        region=None if is_unit else subject,
        organization=subject if is_unit else None,
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
