from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("手机号或用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)


class AuditFilterForm(forms.Form):
    """The audit log's filters; every field may be left empty."""

    person = forms.CharField(label=_("操作人"), required=False, max_length=50)
    action = forms.ChoiceField(label=_("操作类型"), required=False)
    region = forms.ChoiceField(label=_("区划"), required=False)
    start = forms.DateField(
        label=_("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("开始日期格式不对，请按 2026-01-31 的样式填写。")},
    )
    end = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("结束日期格式不对，请按 2026-01-31 的样式填写。")},
    )

    def __init__(self, *args, actions, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部操作"))] + list(actions)
        self.fields["action"].error_messages["invalid_choice"] = _("没有这种操作类型，请从列表中选择。")
        self.fields["region"].choices = [("", _("全部区划"))] + [(r.code, r.name) for r in regions]
        self.fields["region"].error_messages["invalid_choice"] = _(
            "这个区划不在您能查看的范围内，请从列表中选择。"
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("结束日期早于开始日期，请把两个日期对调后再查询。"))
        return data
