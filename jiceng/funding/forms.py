"""Input of the funding pages: budget lines, allocations, expenses, contracts and their steps."""

import secrets
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.core.forms import Form
from jiceng.core.photos import PhotoError, photo_clean
from jiceng.core.validators import ascii_normalize
from jiceng.funding.errors import FundingError
from jiceng.funding.models import BudgetKind, PaidFor, ProcurementMethod
from jiceng.funding.services import money

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
DATE = forms.DateInput(attrs={"type": "date"})


class MoneyField(forms.CharField):
    """Yuan as typed (full-width digits and thousands separators accepted), checked as money."""

    def __init__(self, **kw):
        kw.setdefault("max_length", 20)
        super().__init__(**kw)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        text = ascii_normalize(value).replace(",", "").replace("，", "").replace("元", "").strip()
        try:
            return money(text)
        except FundingError as exc:
            raise ValidationError(str(exc)) from None


def _regions_choices(regions) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in regions]


def attachment_clean(upload):
    """A PDF or a photo of the voucher, checked by its content, at most 10 MB."""
    if upload is None:
        return None
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("凭证文件超过 10 MB，请压缩后再上传"))
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        upload.name = "voucher.pdf"
        return upload
    try:
        return photo_clean(upload)
    except PhotoError:
        raise ValidationError(_("凭证只能是 PDF 文件或 JPG、PNG、WebP 照片")) from None


class BudgetForm(Form):
    region = forms.ChoiceField(label=_("区划"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("经费类别"), choices=BudgetKind.choices)
    amount = MoneyField(
        label=_("本级预算（元）"), required=False, help_text=_("留空或 0 表示本级不安排，只接收上级下拨")
    )

    def __init__(self, *args, regions=(), **kw):
        super().__init__(*args, **kw)
        self.fields["region"].choices = _regions_choices(regions)

    def clean_amount(self):
        return self.cleaned_data["amount"] or Decimal(0)


class AllocationForm(Form):
    source = forms.ChoiceField(label=_("从哪项经费拨出"))
    target = forms.ChoiceField(label=_("下拨给"))
    amount = MoneyField(label=_("金额（元）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, lines=(), targets=(), **kw):
        super().__init__(*args, **kw)
        self.fields["source"].choices = [
            (str(line.pk), f"{line} · {_('现有')} {held} {_('元')}") for line, held in lines
        ]
        self.fields["target"].choices = _regions_choices(targets)


class ExpenseForm(Form):
    budget = forms.ChoiceField(label=_("从哪项经费支出"))
    amount = MoneyField(label=_("金额（元）"))
    spent_on = forms.DateField(label=_("支出日期"), widget=DATE)
    description = forms.CharField(label=_("用途"), max_length=200)
    paid_for_kind = forms.ChoiceField(label=_("支出对象"), choices=PaidFor.choices)
    activity = forms.ChoiceField(label=_("对应活动"), required=False)
    contract = forms.ChoiceField(label=_("对应购买服务合同"), required=False)
    place = forms.ChoiceField(label=_("对应服务阵地"), required=False)
    pay_sheet = forms.ChoiceField(label=_("对应工资表"), required=False)
    attachment = forms.FileField(label=_("凭证（PDF 或照片）"), required=False)
    request_id = forms.RegexField(regex=r"^[0-9a-f]{24}$", widget=forms.HiddenInput)

    def __init__(self, *args, lines=(), activities=(), contracts=(), places=(), pay_sheets=(), **kw):
        super().__init__(*args, **kw)
        self.fields["request_id"].initial = secrets.token_hex(12)  # posting the same form twice pays once
        self.fields["budget"].choices = [
            (str(line.pk), f"{line} · {_('现有')} {held} {_('元')}") for line, held in lines
        ]
        self.fields["activity"].choices = [("", "—")] + [
            (str(a.pk), f"{a.title}（{a.community.name}）") for a in activities
        ]
        self.fields["contract"].choices = [("", "—")] + [(str(c.pk), c.title) for c in contracts]
        self.fields["place"].choices = [("", "—")] + [(str(p.pk), p.name) for p in places]
        self.fields["pay_sheet"].choices = [("", "—")] + [
            (str(s.pk), f"{s}（{s.get_status_display()}）") for s in pay_sheets
        ]

    def clean_spent_on(self):
        day = self.cleaned_data["spent_on"]
        if day > timezone.localdate():
            raise ValidationError(_("支出日期不能晚于今天"))
        return day

    def clean_attachment(self):
        return attachment_clean(self.cleaned_data.get("attachment"))


class ReverseForm(Form):
    reason = forms.CharField(label=_("冲销原因"), max_length=100)


class ContractForm(Form):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    buyer = forms.ChoiceField(label=_("购买方（街道或社区）"))
    provider = forms.ChoiceField(label=_("承接社会组织"))
    budget = forms.ChoiceField(label=_("支付经费"))
    amount = MoneyField(label=_("合同金额（元）"))
    method = forms.ChoiceField(label=_("采购方式"), choices=ProcurementMethod.choices)
    starts_on = forms.DateField(label=_("服务开始"), widget=DATE)
    ends_on = forms.DateField(label=_("服务结束"), widget=DATE)
    target_people = forms.IntegerField(label=_("服务人数目标"), min_value=0, max_value=10_000_000)
    target_sessions = forms.IntegerField(label=_("活动场次目标"), min_value=0, max_value=100_000)
    target_needs = forms.IntegerField(label=_("解决需求目标"), min_value=0, max_value=100_000)

    def __init__(self, *args, buyers=(), providers=(), lines=(), **kw):
        super().__init__(*args, **kw)
        self.fields["buyer"].choices = _regions_choices(buyers)
        self.fields["provider"].choices = [(str(o.pk), o.name) for o in providers]
        self.fields["budget"].choices = [(str(line.pk), str(line)) for line in lines]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("服务结束日期不能早于开始日期"))
        return data


class MilestoneForm(Form):
    title = forms.CharField(label=_("付款节点"), max_length=100)
    amount = MoneyField(label=_("金额（元）"))
    due_on = forms.DateField(label=_("计划付款日期"), widget=DATE)


class AcceptForm(Form):
    rating = forms.TypedChoiceField(
        label=_("验收评价"), coerce=int, choices=[(i, f"{i} {_('分')}") for i in range(5, 0, -1)]
    )
    note = forms.CharField(label=_("验收意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class YearForm(Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def year_or_now(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year
