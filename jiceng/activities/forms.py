from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.alliance.forms import DateTimeInput
from jiceng.circle.queries.places import place_list_in
from jiceng.core.forms import Form


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.community.name} · {obj.name}"


class ActivityForm(Form):
    title = forms.CharField(label=_("活动名称"), max_length=200)
    community = forms.ModelChoiceField(label=_("举办社区"), queryset=None, empty_label=None)
    service_place = PlaceChoiceField(label=_("服务阵地（在阵地举办时选择）"), queryset=None, required=False)
    place = forms.CharField(label=_("活动地点（不在服务阵地时填写）"), max_length=200, required=False)
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
        self.fields["service_place"].queryset = place_list_in(communities)
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
        place, community = data.get("service_place"), data.get("community")
        if place is None and not (data.get("place") or "").strip():
            self.add_error("service_place", _("请选择服务阵地，或填写活动地点。"))
        elif place is not None and community is not None and place.community_id != community.pk:
            self.add_error("service_place", _("所选阵地不在举办社区，请重新选择。"))
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
