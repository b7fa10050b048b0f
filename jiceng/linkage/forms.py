"""Forms of the linkage pages. Choices always come from querysets already limited by scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core.forms import Form
from jiceng.linkage.models import Evidence


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RecipientsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class AssignmentForm(Form):
    title = forms.CharField(label=_("任务名称"), max_length=200)
    body = forms.CharField(label=_("任务要求"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    starts_on = forms.DateField(label=_("起算日期"), widget=DateInput())
    deadline = forms.DateField(label=_("完成期限"), widget=DateInput())
    evidence = forms.ChoiceField(label=_("完成凭据"), choices=Evidence.choices)
    target = forms.IntegerField(
        label=_("数量要求"),
        min_value=1,
        max_value=10000,
        initial=1,
        help_text=_("自动识别的任务需要达到的记录数，或填报数字的最低值；上传材料填 1。"),
    )
    may_split = forms.BooleanField(label=_("承办单位可以继续向下派"), required=False, initial=True)
    recipients = RecipientsField(
        label=_("承办单位"),
        queryset=None,
        error_messages={"required": _("请至少选择一个承办单位")},
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipients

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("deadline") and data["deadline"] < data["starts_on"]:
            self.add_error("deadline", _("完成期限不能早于起算日期"))
        return data


class SplitForm(Form):
    recipients = RecipientsField(
        label=_("下派给"), queryset=None, error_messages={"required": _("请至少选择一个单位")}
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipients


class ReportForm(Form):
    note = forms.CharField(
        label=_("完成情况说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    number = forms.IntegerField(label=_("完成数量"), min_value=0, max_value=10_000_000, required=False)
    file = forms.FileField(label=_("完成材料（PDF、图片或表格，10 MB 以内）"), required=False)

    MAX_UPLOAD = 10 * 1024 * 1024
    SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".docx")

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f:
            if not f.name.lower().endswith(self.SUFFIXES):
                raise forms.ValidationError(_("只支持 PDF、JPG、PNG、XLSX 或 DOCX 文件"))
            if f.size > self.MAX_UPLOAD:
                raise forms.ValidationError(_("文件超过 10 MB，请压缩后再上传"))
        return f


class ImportForm(Form):
    """An uploaded grid list: .xlsx or .csv, at most 5 MB."""

    file = forms.FileField(
        label=_("选择文件（.xlsx 或 .csv）"),
        error_messages={"required": _("请选择要导入的 .xlsx 或 .csv 文件")},
    )

    MAX_UPLOAD = 5 * 1024 * 1024

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件"))
        if f.size > self.MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 5 MB，请拆分后分批导入"))
        return f


class HouseholdsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        label = f"{obj.number} {obj.address}".strip()
        link = getattr(obj, "grid_link", None)  # None when the household is in no grid
        return _("%(h)s（现属%(g)s）") % {"h": label, "g": link.grid.name} if link else label


class HouseholdAssignForm(Form):
    households = HouseholdsField(
        label=_("划入本网格的住户"), queryset=None, error_messages={"required": _("请至少选择一户")}
    )

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = households
