from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.alliance.forms import DateTimeInput
from jiceng.core.forms import Form


class ActivityForm(Form):
    title = forms.CharField(label=_("活动名称"), max_length=200)
    community = forms.ModelChoiceField(label=_("举办社区"), queryset=None, empty_label=None)
    place = forms.CharField(label=_("活动地点"), max_length=200)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput)
    capacity = forms.IntegerField(label=_("人数上限（不限请留空）"), min_value=1, required=False)
    signup_required = forms.BooleanField(label=_("需要提前报名"), required=False)
    description = forms.CharField(
        label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    alliance = forms.ModelChoiceField(label=_("主办联盟"), queryset=None, empty_label=None)
    organizer_org = forms.ModelChoiceField(label=_("主办单位"), queryset=None, empty_label=None)
    action = forms.ModelChoiceField(
        label=_("对应联盟任务（活动联办，可不选）"), queryset=None, required=False
    )
    social_org = forms.ModelChoiceField(
        label=_("承办社会组织（与社会组织合办时选择，可不选）"), queryset=None, required=False
    )

    def __init__(
        self, *args, communities, alliances=None, orgs=None, actions=None, social_orgs=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        pairs = (
            ("alliance", alliances),
            ("organizer_org", orgs),
            ("action", actions),
            ("social_org", social_orgs),
        )
        for name, qs in pairs:
            if qs is None:
                del self.fields[name]
            else:
                self.fields[name].queryset = qs

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("结束时间要晚于开始时间。"))
        return data


class CodeForm(Form):
    code = forms.CharField(
        label=_("扫描或输入参加人的个人码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "inputmode": "text"}),
    )


class CloseForm(Form):
    file_claims = forms.BooleanField(
        label=_("同时为签到的参加人申报道德银行积分"), required=False, initial=True
    )
