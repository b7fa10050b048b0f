"""Forms of the alliance pages. Choices always come from querysets already limited by scope."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.alliance.models import (
    Attendance,
    BranchState,
    ListCategory,
    MeetingKind,
    RatingSource,
    Track,
    Urgency,
)
from jiceng.core.forms import Form
from jiceng.people.models import Origin

RATING_CHOICES = [
    (5, _("5 分 · 非常满意")),
    (4, _("4 分 · 满意")),
    (3, _("3 分 · 一般")),
    (2, _("2 分 · 不太满意")),
    (1, _("1 分 · 不满意")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _rating_field(label):
    return forms.TypedChoiceField(label=label, choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect)


class RegionChoiceForm(Form):
    region = forms.ModelChoiceField(label=_("街道或区"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("联盟名称（可不填）"), max_length=100, required=False)
    default_place = forms.CharField(label=_("常用会议地点"), max_length=200, required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class MemberForm(Form):
    organization = forms.ModelChoiceField(label=_("成员单位"), queryset=None)
    joined_on = forms.DateField(label=_("加入日期"), widget=DateInput, initial=timezone.localdate)
    contact_name = forms.CharField(label=_("联络人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class LeaveForm(Form):
    left_on = forms.DateField(label=_("退出日期"), widget=DateInput, initial=timezone.localdate)


class ChairForm(Form):
    member = forms.ModelChoiceField(label=_("轮值主席单位"), queryset=None)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput)
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class MeetingForm(Form):
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    scheduled_at = forms.DateTimeField(label=_("会议时间"), widget=DateTimeInput)
    place = forms.CharField(label=_("会议地点"), max_length=200, required=False)
    title = forms.CharField(label=_("会议名称（可不填，自动生成）"), max_length=200, required=False)


class RescheduleForm(Form):
    scheduled_at = forms.DateTimeField(label=_("新的会议时间"), widget=DateTimeInput)
    place = forms.CharField(label=_("会议地点"), max_length=200, required=False)


class AttendanceForm(Form):
    """One choice and one name per invited member organisation."""

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        by_hand = [(v, label) for v, label in Attendance.choices if v != Attendance.PRESENT]
        for inv in invitations:
            # "Present" comes only from the on-site check-in, so it is offered only where it happened.
            checked_in = inv.checked_in_at is not None
            self.fields[f"att-{inv.pk}"] = forms.ChoiceField(
                label=inv.member.organization.name,
                choices=[(Attendance.PRESENT, Attendance.PRESENT.label)] if checked_in else by_hand,
                initial=inv.attendance,
                disabled=checked_in,
            )
            self.fields[f"rep-{inv.pk}"] = forms.CharField(
                label=_("参会人"), max_length=50, required=False, initial=inv.representative
            )
            self.rows.append((inv, self[f"att-{inv.pk}"], self[f"rep-{inv.pk}"]))

    def attendance(self) -> tuple[dict[int, str], dict[int, str]]:
        att, rep = {}, {}
        for name, value in self.cleaned_data.items():
            kind, pk = name.split("-", 1)
            (att if kind == "att" else rep)[int(pk)] = value
        return att, rep


class AgendaForm(Form):
    title = forms.CharField(label=_("议题"), max_length=200)
    proposer = forms.ModelChoiceField(label=_("提出单位"), queryset=None, required=False)
    notes = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposer"].queryset = members


class MinutesForm(Form):
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))


class ResolutionForm(Form):
    text = forms.CharField(label=_("决议内容"), widget=forms.Textarea(attrs={"rows": 2}))
    agenda_item = forms.ModelChoiceField(label=_("对应议题"), queryset=None, required=False)

    def __init__(self, *args, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = agenda


class ActionForm(Form):
    track = forms.ChoiceField(label=_("类别"), choices=Track.choices)
    title = forms.CharField(label=_("任务"), max_length=200)
    owner = forms.ModelChoiceField(label=_("责任单位"), queryset=None)
    due_on = forms.DateField(label=_("完成时限"), widget=DateInput)
    served_community = forms.ModelChoiceField(label=_("服务社区"), queryset=None, required=False)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, owners, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["served_community"].queryset = communities


class ActionUpdateForm(Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 2}))
    progress = forms.IntegerField(label=_("进度（%）"), min_value=0, max_value=100)


class ActionCloseForm(Form):
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}))
    rating = _rating_field(_("服务对象评价"))
    rating_source = forms.ChoiceField(
        label=_("评价来自"), choices=RatingSource.choices, initial=RatingSource.RESIDENTS
    )


class _WhereMixin(Form):
    lon = forms.FloatField(label=_("经度（可不填）"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度（可不填）"), required=False, min_value=-90, max_value=90)


class NeedForm(_WhereMixin):
    community = forms.ModelChoiceField(label=_("社区"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("需要什么"), max_length=200)
    category = forms.ChoiceField(label=_("类别"), choices=ListCategory.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    description = forms.CharField(
        label=_("详细说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    field_order = ["community", "title", "category", "urgency", "description", "lon", "lat"]

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class ResidentNeedForm(Form):
    title = forms.CharField(label=_("您需要什么帮助"), max_length=200)
    category = forms.ChoiceField(label=_("类别"), choices=ListCategory.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    description = forms.CharField(
        label=_("详细说明（可不填）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ResourceForm(_WhereMixin):
    organization = forms.ModelChoiceField(label=_("提供单位"), queryset=None, empty_label=None)
    community = forms.ModelChoiceField(label=_("所在社区"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("能提供什么"), max_length=200)
    category = forms.ChoiceField(label=_("类别"), choices=ListCategory.choices)
    amount = forms.CharField(label=_("数量/频次"), max_length=100, required=False)
    description = forms.CharField(
        label=_("详细说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    field_order = ["organization", "community", "title", "category", "amount", "description", "lon", "lat"]

    def __init__(self, *args, organizations, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["community"].queryset = communities


class ProjectForm(Form):
    title = forms.CharField(label=_("项目名称（可不填，用需求名称）"), max_length=200, required=False)
    resources = forms.ModelMultipleChoiceField(
        label=_("使用的资源"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    owner = forms.ModelChoiceField(label=_("牵头单位"), queryset=None)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("计划完成日期"), widget=DateInput)

    def __init__(self, *args, resources, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = resources
        self.fields["owner"].queryset = owners


class ProjectCloseForm(Form):
    closure_note = forms.CharField(label=_("结项说明"), widget=forms.Textarea(attrs={"rows": 3}))


class RateForm(Form):
    rating = _rating_field(_("您的评价"))
    comment = forms.CharField(label=_("意见（可不填）"), max_length=200, required=False)


class ReportInForm(Form):
    origin = forms.ChoiceField(label=_("党员来源"), choices=Origin.choices)
    home_branch = forms.ModelChoiceField(label=_("所在党组织"), queryset=None, required=False)
    home_unit_name = forms.CharField(
        label=_("不在列表中？请填写工作单位及党组织名称"), max_length=200, required=False
    )
    posts = forms.ModelMultipleChoiceField(
        label=_("认领服务岗位"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("认领服务项目"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, branches, posts, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_branch"].queryset = branches
        self.fields["posts"].queryset = posts
        self.fields["projects"].queryset = projects


class ChooseForm(Form):
    posts = forms.ModelMultipleChoiceField(
        label=_("认领服务岗位"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("认领服务项目"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, posts, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].queryset = posts
        self.fields["projects"].queryset = projects


class ConfirmForm(Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    comment = forms.CharField(
        label=_("社区评价意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ServicePostForm(Form):
    name = forms.CharField(label=_("岗位名称"), max_length=100)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class SectorFoundForm(Form):
    name = forms.CharField(label=_("党组织名称"), max_length=200)
    founded_on = forms.DateField(label=_("成立日期"), widget=DateInput)
    member_count = forms.IntegerField(label=_("党员人数"), min_value=0, initial=3)


class SectorEndForm(Form):
    state = forms.ChoiceField(
        label=_("情况"),
        choices=[
            (BranchState.INACTIVE, BranchState.INACTIVE.label),
            (BranchState.DISSOLVED, BranchState.DISSOLVED.label),
        ],
    )
    ended_on = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("原因"), max_length=200, required=False)


class SectorMembersForm(Form):
    member_count = forms.IntegerField(label=_("党员人数"), min_value=0)


class ReplyForm(Form):
    reply = forms.ChoiceField(
        label=_("答复"),
        choices=[("coming", _("确认参会")), ("absent", _("请假"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择确认参会或请假")},
    )
    reason = forms.CharField(label=_("请假原因（请假时填写）"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("reply") == "absent" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请假请写明原因"))
        return data


class AgendaProposeForm(Form):
    title = forms.CharField(label=_("议题"), max_length=200)
    notes = forms.CharField(
        label=_("说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
