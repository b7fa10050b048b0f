"""Scheme writes. A published scheme never changes: a revision copies it into a new draft version."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.assessment.catalogue import CATALOGUE
from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.models import MANUAL, Indicator, Scheme, SchemeState, ScoringRule
from jiceng.core.audit import audit

_INDICATOR_FIELDS = (
    "code",
    "name",
    "weight",
    "max_points",
    "rule",
    "floor",
    "target",
    "base_points",
    "per_event",
)


@transaction.atomic
def scheme_create(*, district, year: int, subject_type: str, name: str, by=None, **bands) -> Scheme:
    last = Scheme.objects.filter(district=district, year=year, subject_type=subject_type).aggregate(
        v=Max("version")
    )
    scheme = Scheme.objects.create(
        district=district,
        year=year,
        subject_type=subject_type,
        name=name,
        version=(last["v"] or 0) + 1,
        created_by=by,
        **bands,
    )
    audit(by, "scheme.create", scheme)
    return scheme


def _check_editable(scheme: Scheme) -> None:
    if scheme.is_frozen:
        raise AssessmentError(_("已发布的方案不能修改；请先“修订”生成新版本，再修改新版本。"))


@transaction.atomic
def indicator_add(*, scheme: Scheme, code: str, weight, name: str = "", by=None, **scoring) -> Indicator:
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    _check_editable(scheme)
    if code != MANUAL and code not in CATALOGUE:
        raise AssessmentError(_("没有编号为“%(code)s”的计算口径。") % {"code": code})
    comp = CATALOGUE.get(code)
    if comp and scheme.subject_type not in comp.subjects:
        raise AssessmentError(_("指标“%(name)s”不适用于这类考核对象。") % {"name": comp.name})
    if code == MANUAL and not name:
        raise AssessmentError(_("人工指标需要填写指标名称。"))
    if comp:
        for key, val in comp.suggest.items():
            scoring.setdefault(key, val if key == "rule" else Decimal(str(val)))
        scoring.setdefault("rule", ScoringRule.LINEAR)
    last = scheme.indicators.aggregate(p=Max("position"))["p"] or 0
    ind = Indicator.objects.create(
        scheme=scheme, position=last + 1, code=code, name=name or comp.name, weight=weight, **scoring
    )
    audit(by, "indicator.add", ind)
    return ind


@transaction.atomic
def indicator_remove(*, indicator: Indicator, by=None) -> None:
    scheme = Scheme.objects.select_for_update().get(pk=indicator.scheme_id)
    _check_editable(scheme)
    indicator.delete()


@transaction.atomic
def scheme_publish(*, scheme: Scheme, by=None) -> Scheme:
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    _check_editable(scheme)
    indicators = list(scheme.indicators.all())
    if not indicators:
        raise AssessmentError(_("方案还没有指标，不能发布。"))
    total = sum((i.weight for i in indicators), Decimal(0))
    if total != 100:
        raise AssessmentError(_("各指标权重之和应为100，现为%(total)s。") % {"total": total})
    scheme.state = SchemeState.PUBLISHED
    scheme.published_at = timezone.now()
    scheme.save(update_fields=["state", "published_at"])
    audit(by, "scheme.publish", scheme)
    return scheme


@transaction.atomic
def scheme_revise(*, scheme: Scheme, by=None) -> Scheme:
    """A new draft version with the same bands and indicators; the published one stays as it was."""
    bands = {k: getattr(scheme, k) for k in ("band_excellent", "band_good", "band_pass")}
    new = scheme_create(
        district=scheme.district,
        year=scheme.year,
        subject_type=scheme.subject_type,
        name=scheme.name,
        by=None,
        **bands,
    )
    for ind in scheme.indicators.all():
        Indicator.objects.create(
            scheme=new, position=ind.position, **{f: getattr(ind, f) for f in _INDICATOR_FIELDS}
        )
    audit(by, "scheme.revise", new)
    return new
