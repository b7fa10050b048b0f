"""Validation of the career system's input, shared by every page that writes."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jiceng.core import crypto
from jiceng.core.forms import Form, ModelForm
from jiceng.core.photos import PhotoError, photo_clean
from jiceng.core.validators import ascii_normalize, validate_id_number
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region
from jiceng.workforce.models import DEFAULTS, GRADES, Post, Result, WorkforceSettings
from jiceng.workforce.models import Level as QLevel

DATE = forms.DateInput(attrs={"type": "date"})


YEAR = _("年度")


def _year_field(label=YEAR):
    return forms.IntegerField(label=label, min_value=2000, max_value=2100)


class SettingsForm(ModelForm):
    """The district's settings for a year; every field starts from the defaults of the issue's practice."""

    class Meta:
        model = WorkforceSettings
        fields = list(DEFAULTS)

    def clean(self):
        data = super().clean()
        for post, label in (("head", _("正职")), ("deputy", _("副职")), ("other", _("其他社区工作者"))):
            low, high = data.get(f"{post}_min"), data.get(f"{post}_max")
            if low and high and low > high:
                self.add_error(f"{post}_max", _("%(p)s的最高级不能低于最低级") % {"p": label})
        share = data.get("fixed_share")
        if share is not None and not Decimal("0") < share <= Decimal("1"):
            self.add_error("fixed_share", _("请填 0 到 1 之间的小数，例如 0.70 表示 70%"))
        target = data.get("qualified_target")
        if target is not None and not Decimal("0") <= target <= Decimal("1"):
            self.add_error("qualified_target", _("请填 0 到 1 之间的小数，例如 0.50 表示 50%"))
        if data.get("promotion_years") is not None and data["promotion_years"] < 1:
            self.add_error("promotion_years", _("晋级年限至少 1 年"))
        return data


class SettingsYearForm(Form):
    year = _year_field(_("自哪一年起生效"))


class PayTableForm(Form):
    """The 18 grades' base and coefficient."""

    year = _year_field(_("自哪一年起生效"))

    def __init__(self, *args, table=None, **kwargs):
        super().__init__(*args, **kwargs)
        for g in GRADES:
            base, coef = (table or {}).get(g, (None, None))
            self.fields[f"base_{g}"] = forms.DecimalField(
                label=_("%(g)d 级基数") % {"g": g}, min_value=0, max_digits=9, decimal_places=2, initial=base
            )
            self.fields[f"coef_{g}"] = forms.DecimalField(
                label=_("%(g)d 级系数") % {"g": g},
                min_value=Decimal("0.01"),
                max_digits=5,
                decimal_places=2,
                initial=coef,
            )

    def rows(self):
        return [(g, self[f"base_{g}"], self[f"coef_{g}"]) for g in GRADES]

    def table(self) -> dict[int, tuple[Decimal, Decimal]]:
        return {g: (self.cleaned_data[f"base_{g}"], self.cleaned_data[f"coef_{g}"]) for g in GRADES}


class _Communities(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name if obj.parent_id else ''} {obj.name}".strip()


def communities_field(regions: list[Region]) -> forms.ModelChoiceField:
    q = Region.objects.none()
    for r in regions:
        q = q | Region.objects.filter(r.subtree_q(), level=Level.COMMUNITY, is_active=True)
    return _Communities(queryset=q.select_related("parent").order_by("code"), label=_("社区"))


class HireForm(Form):
    """A resident already in the roll, found by ID number, hired into a community and a post."""

    id_number = forms.CharField(
        label=_("身份证号"), max_length=20, help_text=_("已在居民名册中的居民；不用重新填写姓名等信息")
    )
    post = forms.ChoiceField(label=_("岗位"), choices=Post.choices)
    hired_on = forms.DateField(label=_("入职日期"), widget=DATE)

    def __init__(self, *args, regions, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["community"] = communities_field(regions)
        self.order_fields(["id_number", "community", "post", "hired_on"])

    def clean_id_number(self):
        try:
            number = validate_id_number(ascii_normalize(self.cleaned_data["id_number"]))
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from None
        person = Person.objects.filter(
            district=self.district, id_number_hash=crypto.lookup_hash(number)
        ).first()
        if person is None:
            raise forms.ValidationError(_("居民名册中没有这个身份证号的居民，请先在“导入居民”中录入"))
        self.person = person
        return number

    def clean_hired_on(self):
        day = self.cleaned_data["hired_on"]
        if day > dt.date.today():
            raise forms.ValidationError(_("入职日期不能晚于今天"))
        return day


class PlaceForm(Form):
    post = forms.ChoiceField(label=_("岗位"), choices=Post.choices)
    on = forms.DateField(label=_("调整日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"] = communities_field(regions)
        self.order_fields(["community", "post", "on", "note"])


class LeaveForm(Form):
    on = forms.DateField(label=_("离职日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class QualificationForm(Form):
    level = forms.ChoiceField(label=_("职业资格"), choices=QLevel.choices)
    cert_number = forms.CharField(label=_("证书编号"), max_length=40)
    issued_on = forms.DateField(label=_("取得日期"), widget=DATE)
    scan = forms.FileField(
        label=_("证书扫描件（照片）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_cert_number(self):
        value = ascii_normalize(self.cleaned_data["cert_number"])
        if not value.replace("-", "").isalnum():
            raise forms.ValidationError(_("证书编号只能包含字母、数字和短横线"))
        return value

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        if not upload:
            return None
        try:
            return photo_clean(upload)
        except PhotoError as exc:
            raise forms.ValidationError(str(exc)) from None


class AssessmentForm(Form):
    year = _year_field()
    result = forms.ChoiceField(label=_("考核结果"), choices=Result.choices)


class CorrectionForm(Form):
    delta = forms.IntegerField(label=_("调整级数（负数为下调）"), min_value=-17, max_value=17)
    on = forms.DateField(label=_("生效日期"), widget=DATE)
    note = forms.CharField(label=_("更正原因"), max_length=200)

    def clean_delta(self):
        if self.cleaned_data["delta"] == 0:
            raise forms.ValidationError(_("调整级数不能为 0"))
        return self.cleaned_data["delta"]


class PaySheetForm(Form):
    year = _year_field()
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)

    def __init__(self, *args, subdistricts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"] = forms.ModelChoiceField(queryset=subdistricts, label=_("街道"))
        self.order_fields(["subdistrict", "year", "month"])


class PromotionForm(Form):
    year = _year_field()


class RosterImportForm(Form):
    file = forms.FileField(
        label=_("选择文件（.xlsx 或 .csv）"),
        error_messages={"required": _("请选择要导入的 .xlsx 或 .csv 文件")},
    )
    MAX_UPLOAD = 10 * 1024 * 1024

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件"))
        if f.size > self.MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 10 MB，请拆分后分批导入"))
        return f
