"""Input of the Moral Bank's pages (and its API): claims and rules, rewards, giving, report periods."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.bank.models import Category, EarningRule, Evidence, PersonInNeed, PointsMode, Reward
from jiceng.bank.services.claims import ClaimInput
from jiceng.bank.services.rewards import REWARD_FIELDS
from jiceng.charters.models import Charter
from jiceng.core.forms import Form, ModelForm
from jiceng.core.photos import MultiplePhotoField

MAX_REPORT_DAYS = 3 * 366

# ---------------------------------------------------------------- claims and rules


class ClaimForm(Form):
    # Nothing is preselected: the first rule would be the highest-value one (见义勇为).
    rule = forms.ModelChoiceField(
        label=_("积分规则"),
        queryset=EarningRule.objects.none(),
        empty_label=_("请选择积分规则"),
        error_messages={
            "required": _("请选择积分规则：选最符合您所做的事的一条"),
            "invalid_choice": _("这条积分规则不适用，请重新选择"),
        },
    )
    deed_date = forms.DateField(
        label=_("善行日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    text = forms.CharField(label=_("做了什么"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    minutes = forms.IntegerField(
        label=_("服务时长（分钟，按小时计分的规则填写）"), required=False, min_value=1, max_value=24 * 60
    )
    witness = forms.CharField(label=_("证明人（姓名和联系方式）"), required=False, max_length=100)
    photos = MultiplePhotoField(label=_("照片（可选，最多 6 张）"), required=False)
    text_public = forms.BooleanField(
        label=_("在公示栏公开我写的内容（不勾选则只公示规则、类别、积分和打码的姓名）"), required=False
    )

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules if rules is not None else EarningRule.objects.none()
        # A rule written from the community's convention says so where the resident picks it.
        self.fields["rule"].label_from_instance = lambda r: f"{r} · {r.citation}" if r.citation else str(r)
        self.fields["deed_date"].initial = timezone.localdate()

    def claim_input(self, claimant) -> ClaimInput:
        d = self.cleaned_data
        return ClaimInput(
            claimant=claimant,
            rule=d["rule"],
            deed_date=d["deed_date"],
            text=d["text"],
            minutes=d["minutes"],
            witness=d["witness"],
            text_public=d["text_public"],
            photos=tuple(d["photos"]),
        )


class ReasonForm(Form):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RuleForm(Form):
    code = forms.SlugField(label=_("规则编号（英文字母、数字）"), max_length=40)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    points_mode = forms.ChoiceField(label=_("计分方式"), choices=PointsMode.choices)
    points = forms.IntegerField(label=_("积分"), min_value=1)
    cap_month = forms.IntegerField(label=_("每人每月上限"), required=False, min_value=1)
    cap_year = forms.IntegerField(label=_("每人每年上限"), required=False, min_value=1)
    evidence = forms.ChoiceField(label=_("所需证明"), choices=Evidence.choices)
    second_review_above = forms.IntegerField(
        label=_("超过此积分需两人审核（留空为一人）"), required=False, min_value=0
    )
    charter = forms.ModelChoiceField(
        label=_("依据的章程公约（可不选）"), queryset=Charter.objects.none(), required=False
    )
    charter_article = forms.CharField(label=_("条款（如“第四条”）"), max_length=40, required=False)

    def __init__(self, *args, charters=None, **kwargs):
        super().__init__(*args, **kwargs)
        if charters is not None:
            self.fields["charter"].queryset = charters
        self.fields["charter"].label_from_instance = lambda c: f"{c.community.name} · {c}"

    active_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    active_to = forms.DateField(
        label=_("失效日期"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


# ---------------------------------------------------------------- rewards (the Moral Alliance)


class ApplyForm(Form):
    address = forms.CharField(label=_("兑换地点（地址）"), max_length=200)
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20)
    lon = forms.FloatField(label=_("经度（可不填）"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度（可不填）"), required=False, min_value=-90, max_value=90)

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("address", "contact_name", "contact_phone"):
            if organization is not None:
                self.fields[name].initial = getattr(organization, name)


class RewardForm(ModelForm):
    class Meta:
        model = Reward
        fields = list(REWARD_FIELDS)
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class DecideForm(Form):
    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("reject", "reject"), ("suspend", "suspend")]
    )
    reason = forms.CharField(max_length=200, required=False)


# ---------------------------------------------------------------- giving


class DonateForm(Form):
    to = forms.CharField(widget=forms.HiddenInput, required=False)  # "pool" or the id of a PersonInNeed
    points = forms.IntegerField(label=_("捐多少积分"), min_value=1, max_value=1_000_000)
    message = forms.CharField(label=_("留言（可不填）"), max_length=100, required=False)

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.needs = list(needs)

    def clean(self):
        data = super().clean()
        to = data.get("to") or "pool"
        data["recipient"] = None if to == "pool" else next((n for n in self.needs if str(n.pk) == to), None)
        if to != "pool" and data["recipient"] is None:
            raise forms.ValidationError(_("这位居民已不在帮扶名单上，请重新选择"))
        return data

    def donation(self) -> dict:
        """The keyword arguments of `donation_create` this form gives."""
        d = self.cleaned_data
        return {"points": d["points"], "recipient": d["recipient"], "message": d["message"]}


class DisburseForm(Form):
    need = forms.ModelChoiceField(
        label=_("需要帮助的居民"),
        queryset=PersonInNeed.objects.none(),
        required=False,
        empty_label=_("（从帮扶名单中选）"),
    )
    who = forms.CharField(label=_("或填其他居民的手机号/姓名"), max_length=50, required=False)
    points = forms.IntegerField(label=_("发放积分"), min_value=1, max_value=1_000_000)
    reason = forms.CharField(label=_("发放原因（会在公示栏公开）"), max_length=200)

    def __init__(self, *args, needs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if needs is not None:
            self.fields["need"].queryset = needs

    def disbursement(self) -> dict:
        """The keyword arguments of `disbursement_create` this form gives, besides the person."""
        return {"points": self.cleaned_data["points"], "reason": self.cleaned_data["reason"]}


class NeedForm(Form):
    who = forms.CharField(label=_("居民手机号或姓名"), max_length=50)
    reason = forms.CharField(label=_("需要帮助的原因"), max_length=200)


# ---------------------------------------------------------------- reports


class PeriodForm(Form):
    start = forms.DateField(
        label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("结束日期不能早于开始日期"))
            if (end - start).days > MAX_REPORT_DAYS:
                raise forms.ValidationError(_("一次最多统计三年，请缩短期间"))
        return data
