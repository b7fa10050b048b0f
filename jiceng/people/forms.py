from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core.forms import Form


class ImportForm(Form):
    """An uploaded table to import: .xlsx or .csv, at most 30 MB (reading it is `core.tabular`'s)."""

    file = forms.FileField(
        label=_("选择文件（.xlsx 或 .csv）"),
        error_messages={"required": _("请选择要导入的 .xlsx 或 .csv 文件")},
    )

    MAX_UPLOAD = 30 * 1024 * 1024

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件"))
        if f.size > self.MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 30 MB，请拆分后分批导入"))
        return f
