"""Input of the assessment pages: a new scheme, an indicator, a run's period."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.assessment.catalogue import CATALOGUE
from jiceng.assessment.models import MANUAL, ScoringRule, SubjectType
from jiceng.core.forms import Form
from jiceng.core.photos import PhotoError, photo_clean

DATE = forms.DateInput(attrs={"type": "date"})


def _dec(label, **kw):
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, **kw)


class SchemeForm(Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    subject_type = forms.ChoiceField(label=_("考核对象"), choices=SubjectType.choices)
    name = forms.CharField(label=_("方案名称"), max_length=100)
    band_excellent = _dec(_("优秀线（总分不低于）"), initial=Decimal(90), min_value=0, max_value=100)
    band_good = _dec(_("良好线"), initial=Decimal(80), min_value=0, max_value=100)
    band_pass = _dec(_("合格线"), initial=Decimal(60), min_value=0, max_value=100)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        bands = [data.get(k) for k in ("band_excellent", "band_good", "band_pass")]
        if None not in bands and not bands[0] >= bands[1] >= bands[2]:
            raise ValidationError(_("等次分数线应满足：优秀线 ≥ 良好线 ≥ 合格线。"))
        return data


class IndicatorForm(Form):
    code = forms.ChoiceField(label=_("计算口径"))
    name = forms.CharField(label=_("指标名称（人工指标必填）"), max_length=100, required=False)
    weight = _dec(_("权重"), min_value=Decimal("0.1"), max_value=100)
    max_points = _dec(_("满分"), initial=Decimal(100), min_value=Decimal("0.1"), max_value=1000)
    rule = forms.ChoiceField(label=_("计分规则"), choices=ScoringRule.choices, initial=ScoringRule.LINEAR)
    floor = _dec(_("起评值（线性计分，留空用口径建议值）"), required=False)
    target = _dec(_("目标值（线性计分，留空用口径建议值）"), required=False)
    base_points = _dec(_("基础分（按次加减）"), required=False)
    per_event = _dec(_("每次分值（按次加减，扣分填负数）"), required=False)

    def __init__(self, *args, subject_type: str, **kw):
        super().__init__(*args, **kw)
        choices = [
            (c.code, f"{c.name}（{c.unit}）") for c in CATALOGUE.values() if subject_type in c.subjects
        ]
        if subject_type != SubjectType.UNIT:  # manual entries name a region; units have none
            choices.append((MANUAL, _("人工指标（需上传证明材料并由另一人复核）")))
        self.fields["code"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("code") == MANUAL and not data.get("name"):
            self.add_error("name", _("人工指标需要填写指标名称。"))
        return data

    def scoring(self) -> dict:
        d = self.cleaned_data
        return {
            k: d[k]
            for k in ("max_points", "rule", "floor", "target", "base_points", "per_event")
            if d.get(k) not in (None, "")
        }


class RunForm(Form):
    period_start = forms.DateField(label=_("考核期起"), widget=DATE)
    period_end = forms.DateField(label=_("考核期止"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            raise ValidationError(_("考核期的结束日期不能早于开始日期。"))
        return data


MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def evidence_clean(upload):
    """A PDF or a JPG, PNG or WebP photo of at most 10 MB, judged by its content."""
    if not upload:
        raise ValidationError(_("人工指标必须上传证明材料。"))
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("证明材料超过 10 MB，请压缩后再上传"))
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        upload.name = "evidence.pdf"
        return upload
    try:
        return photo_clean(upload)
    except PhotoError:
        raise ValidationError(_("证明材料只能是 PDF 文件或 JPG、PNG、WebP 照片")) from None


class ManualEntryForm(Form):
    indicator = forms.ModelChoiceField(label=_("人工指标"), queryset=None)
    subject = forms.ModelChoiceField(label=_("考核对象"), queryset=None)
    value = forms.DecimalField(label=_("指标值"), max_digits=14, decimal_places=3)
    evidence = forms.FileField(label=_("证明材料（PDF 或照片）"), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, indicators, subjects, **kw):
        super().__init__(*args, **kw)
        self.fields["indicator"].queryset = indicators
        self.fields["subject"].queryset = subjects

    def clean_evidence(self):
        return evidence_clean(self.cleaned_data.get("evidence"))


class ObjectionForm(Form):
    reason = forms.CharField(
        label=_("异议理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("说明哪条记录有误或漏计，区里裁定后会更正记录并重新计算。"),
    )


class DecisionForm(Form):
    upheld = forms.TypedChoiceField(
        label=_("裁定"),
        choices=[("1", _("异议成立：更正记录后重新计算")), ("0", _("异议不成立"))],
        coerce=lambda v: v == "1",
    )
    decision = forms.CharField(label=_("裁定意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(Form):
    text = forms.CharField(
        label=_("整改方案"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("写明存在的问题、整改措施、完成时间和责任人。"),
    )
