from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.bank.models import Category, EarningRule, Evidence, PointsMode


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(d, initial) for d in items]


class ClaimForm(forms.Form):
    rule = forms.ModelChoiceField(label=_("积分规则"), queryset=EarningRule.objects.none(), empty_label=None)
    deed_date = forms.DateField(
        label=_("善行日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    text = forms.CharField(label=_("做了什么"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    minutes = forms.IntegerField(
        label=_("服务时长（分钟，按小时计分的规则填写）"), required=False, min_value=1, max_value=24 * 60
    )
    witness = forms.CharField(label=_("证明人（姓名和联系方式）"), required=False, max_length=100)
    photos = MultiplePhotoField(label=_("照片（可选，最多 6 张）"), required=False)

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules if rules is not None else EarningRule.objects.none()
        self.fields["deed_date"].initial = timezone.localdate()


class DiaryForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    text = forms.CharField(
        label=_("今天做了什么好事、有什么感想"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    photos = MultiplePhotoField(label=_("照片（可选）"), required=False)
    is_shared = forms.BooleanField(label=_("公开分享（不勾选则只有自己能看）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RuleForm(forms.Form):
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
    active_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    active_to = forms.DateField(
        label=_("失效日期"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
